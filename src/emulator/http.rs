//! The emulator's view of HTTP: a request and a response as plain data (so the router is a
//! pure function), and the error shapes of each service it imitates (IMS-API.md §8a).

use serde_json::{Value, json};

/// Everything besides the state that an answer depends on.
#[derive(Debug, Clone)]
pub(crate) struct Ctx<'a> {
    pub(crate) now_ms: u64,
    /// The emulator's own URL, for the token catalog.
    pub(crate) base_url: &'a str,
    pub(crate) request_id: &'a str,
    /// Issued tokens stop working after this many uses.
    pub(crate) token_uses: Option<u64>,
    pub(crate) job_duration_ms: Option<u64>,
}

/// A request as the emulator sees it.
#[derive(Debug, Clone, Default)]
pub(crate) struct HttpRequest {
    pub method: String,
    /// The raw path, as sent.
    pub path: String,
    /// The raw query string, without `?`.
    pub raw_query: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn query_pairs(&self) -> Vec<(String, String)> {
        if self.raw_query.is_empty() {
            return Vec::new();
        }
        self.raw_query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(v))
            })
            .collect()
    }

    pub(super) fn query(&self, key: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub(super) fn wants_json(&self) -> bool {
        self.header("accept")
            .is_some_and(|a| a.contains("application/json"))
    }
}

pub(super) fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

#[derive(Debug, Clone)]
pub(crate) struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn json(status: u16, body: &Value) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub(super) fn html(status: u16, body: String) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "text/html; charset=UTF-8".into())],
            body: body.into_bytes(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> HttpResponse {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

pub(crate) fn apigw_error(
    status: u16,
    code: &str,
    message: &str,
    request_id: &str,
) -> HttpResponse {
    HttpResponse::json(
        status,
        &json!({"error_code": code, "error_msg": message, "request_id": request_id}),
    )
}

pub(super) fn ims_error(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse::json(
        status,
        &json!({"error": {"code": code, "message": message}}),
    )
}

pub(super) fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        _ => "Error",
    }
}

/// Glance's error shape, with its `<br />` padding; HTML unless the client asked for JSON.
pub(super) fn glance_error(req: &HttpRequest, status: u16, message: &str) -> HttpResponse {
    let title = reason(status);
    if req.wants_json() {
        HttpResponse::json(
            status,
            &json!({"message": format!("{message}<br /><br />\n\n\n"), "code": format!("{status} {title}"), "title": title}),
        )
    } else {
        HttpResponse::html(
            status,
            format!(
                "<html>\n <head>\n  <title>{status} {title}</title>\n </head>\n <body>\n  <h1>{status} {title}</h1>\n  {message}<br /><br />\n\n\n\n </body>\n</html>"
            ),
        )
    }
}

pub(super) fn keystone_error(status: u16, message: &str) -> HttpResponse {
    HttpResponse::json(
        status,
        &json!({"error": {"code": status, "title": reason(status), "message": message}}),
    )
}

/// The HTML page a gateway sends when the service behind it is down (a fault knob).
pub(crate) fn gateway_html(status: u16) -> HttpResponse {
    let title = match status {
        502 => "502 Bad Gateway",
        503 => "503 Service Temporarily Unavailable",
        _ => "500 Internal Server Error",
    };
    HttpResponse::html(
        status,
        format!(
            "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>api-gateway</center>\r\n</body>\r\n</html>\r\n"
        ),
    )
}
