//! What the emulator keeps of each request: a log line (for `ims-share sandbox`) and, for the
//! tests, the request itself with its answer's status and any fault injected.

use crate::emulator::http::HttpRequest;
use crate::emulator::server::Shared;
use crate::sync::lock;
use std::time::{Instant, SystemTime};

/// A request the emulator received, as tests inspect it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub raw_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub status: u16,
    pub fault: Option<&'static str>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

pub(super) fn finish(
    shared: &Shared,
    request: &HttpRequest,
    status: u16,
    fault: Option<&'static str>,
    started: Instant,
) {
    if let Some(log) = &shared.log {
        let shown = if status == 0 {
            "dropped".to_string()
        } else {
            status.to_string()
        };
        let query = if request.raw_query.is_empty() {
            String::new()
        } else {
            format!("?{}", request.raw_query)
        };
        log(&format!(
            "{} {} {}{} -> {} ({} ms){}",
            humantime::format_rfc3339_seconds(SystemTime::now()),
            request.method,
            request.path,
            query,
            shown,
            started.elapsed().as_millis(),
            fault.map(|f| format!(" [fault: {f}]")).unwrap_or_default()
        ));
    }
    if shared.record {
        lock(&shared.requests).push(Recorded {
            method: request.method.clone(),
            path: request.path.clone(),
            raw_query: request.raw_query.clone(),
            headers: request.headers.clone(),
            body: request.body.clone(),
            status,
            fault,
        });
    }
}
