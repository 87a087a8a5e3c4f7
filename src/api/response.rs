//! Reading one answer: the body within its size cap, a 2xx that must be JSON, a redirect that
//! is never followed, every error shape turned into a classified [`Error`], and transport
//! failures classified by their type (a TLS certificate problem is final, the rest transient).

use crate::api::error_body;
use crate::api::retry::{Disposition, disposition, parse_retry_after};
use crate::auth::signer;
use crate::error::{Error, ServiceError};
use crate::secret::Secret;
use crate::text::cap;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::io::Read;
use std::time::{Duration, SystemTime};

/// The most characters of an error code, a request id or a `Location` kept: a service's
/// messages stay readable whatever it sends (the message itself is capped in `error_body`).
const MAX_CODE: usize = 100;

/// A duration for a message, to the millisecond.
fn human(d: Duration) -> humantime::FormattedDuration {
    humantime::format_duration(Duration::from_millis(d.as_millis() as u64))
}

/// Responses larger than this are refused rather than buffered.
pub(crate) const MAX_BODY: u64 = 16 * 1024 * 1024;
const SKEW_HINT_AFTER: Duration = Duration::from_secs(180);

/// A 2xx answer, its body checked to be JSON (or empty).
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: Option<String>,
    /// `X-Subject-Token` (IAM login).
    pub(crate) subject_token: Option<Secret>,
}

impl Reply {
    /// The body as a JSON value (`null` when empty).
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// How one attempt ended, when it did not end well.
pub(crate) enum Attempt {
    /// Another attempt would end the same way.
    Final(Box<Error>),
    Transient {
        /// One attempt, in a few words: `HTTP 503 APIGW.0203`, `cannot connect to ...`.
        summary: String,
        retry_after: Option<Duration>,
        /// What the service said, when it answered (its message and request id), with the
        /// hint for this kind of failure; an empty message when it did not answer.
        last: Error,
    },
}

impl Attempt {
    /// A failure without an answer from the service: the summary says it all.
    fn transient(_what: &str, summary: String) -> Attempt {
        Attempt::Transient {
            last: Error::unavailable(String::new()),
            summary,
            retry_after: None,
        }
    }
}

pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    header(headers, "x-request-id").or_else(|| header(headers, "x-openstack-request-id"))
}

/// The body, at most [`MAX_BODY`] bytes, read before the request's `timeout` (which covers the
/// whole request: a body trickled one byte at a time cannot hold it open).
pub(crate) fn read_capped(
    response: reqwest::blocking::Response,
    what: &str,
    timeout: Duration,
) -> Result<Vec<u8>, Attempt> {
    let too_large = || {
        Attempt::transient(
            what,
            format!(
                "response body larger than {} MiB refused",
                MAX_BODY / 1024 / 1024
            ),
        )
    };
    if response.content_length().is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    let mut limited = response.take(MAX_BODY + 1);
    limited.read_to_end(&mut body).map_err(|e| {
        let timed_out = e.kind() == std::io::ErrorKind::TimedOut
            || e.get_ref()
                .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
                .is_some_and(reqwest::Error::is_timeout);
        Attempt::transient(
            what,
            if timed_out {
                format!(
                    "the response did not arrive in full within {} (--request-timeout)",
                    human(timeout)
                )
            } else {
                format!("connection lost while reading the response ({e})")
            },
        )
    })?;
    if body.len() as u64 > MAX_BODY {
        return Err(too_large());
    }
    Ok(body)
}

/// Turns a complete answer into a reply or a classified failure.
pub(crate) fn classify(
    status: u16,
    headers: &HeaderMap,
    body: Vec<u8>,
    what: &str,
) -> Result<Reply, Attempt> {
    let request_id = request_id(headers);
    if (200..300).contains(&status) {
        return success(status, body, request_id, headers, what);
    }
    if (300..400).contains(&status) {
        let location = header(headers, "location")
            .map(|l| cap(&l, MAX_CODE * 2).into_owned())
            .unwrap_or_else(|| "(no Location)".into());
        return Err(Attempt::Final(Box::new(Error::Unavailable {
            message: format!(
                "{what}: the service answered HTTP {status}, a redirect to {location}"
            ),
            hint: Some(
                "ims-share does not follow redirects (it would re-send credentials): set the endpoint to the final URL"
                    .into(),
            ),
        })));
    }
    let parsed = error_body::parse(&body);
    let code = parsed
        .code
        .as_deref()
        .map(|c| cap(c, MAX_CODE).into_owned())
        .unwrap_or_else(|| format!("HTTP {status}"));
    let err = ServiceError {
        request: what.to_string(),
        status,
        code: code.clone(),
        message: parsed.message,
        request_id: request_id
            .or(parsed.request_id)
            .map(|id| cap(&id, MAX_CODE).into_owned()),
        hint: clock_skew_hint(status, headers, SystemTime::now()),
    };
    match disposition(status, parsed.code.as_deref()) {
        Disposition::Retry => Err(Attempt::Transient {
            summary: match &parsed.code {
                Some(_) => format!("HTTP {status} {code}"),
                None => format!("HTTP {status}"),
            },
            retry_after: header(headers, "retry-after")
                .and_then(|v| parse_retry_after(&v, SystemTime::now())),
            last: if status == 400 || status == 429 || status == 408 {
                Error::Unavailable {
                    message: err.said(),
                    hint: Some(
                        "the service is throttling requests: try again later, or lower --concurrency"
                            .into(),
                    ),
                }
            } else {
                Error::unavailable(err.said())
            },
        }),
        Disposition::Fail if err.is_auth() => {
            Err(Attempt::Final(Box::new(Error::Auth(Box::new(err)))))
        }
        Disposition::Fail => Err(Attempt::Final(Box::new(Error::Service(Box::new(err))))),
    }
}

fn success(
    status: u16,
    body: Vec<u8>,
    request_id: Option<String>,
    headers: &HeaderMap,
    what: &str,
) -> Result<Reply, Attempt> {
    // Checked without building a value (callers read the parts they need), but all of it:
    // every string valid UTF-8 with no lone surrogate, nesting within serde_json's limit. An
    // answer that does not read is a fault to retry, never an empty page.
    if !body.iter().all(u8::is_ascii_whitespace)
        && let Err(e) = serde_json::from_slice::<Valid>(&body)
    {
        return Err(Attempt::transient(
            what,
            format!("HTTP {status} with a body that is not valid JSON ({e})"),
        ));
    }
    Ok(Reply {
        status,
        body,
        request_id,
        subject_token: header(headers, "x-subject-token").map(Secret::new),
    })
}

/// A request that got no answer. A certificate the client does not trust is final: trying
/// again will not make it trusted. Found by the type of the cause, not by its wording.
/// A JSON document read to its end and thrown away: unlike `IgnoredAny`, which serde_json lets
/// skip strings unchecked, it asks for every string, so bad UTF-8 and lone surrogates fail.
struct Valid;

impl<'de> serde::Deserialize<'de> for Valid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Valid, D::Error> {
        d.deserialize_any(ValidVisitor)
    }
}

struct ValidVisitor;

impl<'de> serde::de::Visitor<'de> for ValidVisitor {
    type Value = Valid;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_str<E>(self, _: &str) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_unit<E>(self) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Valid, A::Error> {
        while seq.next_element::<Valid>()?.is_some() {}
        Ok(Valid)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Valid, A::Error> {
        while map.next_entry::<Valid, Valid>()?.is_some() {}
        Ok(Valid)
    }
}

/// Returns the one-line summary (for the trace) with the classified failure.
pub(crate) fn transport_failure(
    e: &reqwest::Error,
    what: &str,
    timeout: Duration,
) -> (String, Attempt) {
    let summary = transport_summary(e, timeout);
    if rustls_cause(e).is_some_and(is_certificate_problem) {
        let attempt = Attempt::Final(Box::new(Error::Unavailable {
            message: format!("{what}: {summary}"),
            hint: Some(
                "the server's TLS certificate is not trusted; if a private CA signed it, add that CA with --ca-bundle, ca_bundle in the profile, or OS_CACERT"
                    .into(),
            ),
        }));
        return (summary, attempt);
    }
    (summary.clone(), Attempt::transient(what, summary))
}

/// The rustls error behind a transport failure, if TLS is what failed. rustls errors reach
/// reqwest wrapped in `io::Error`s (sometimes two deep), whose `source()` skips the wrapped
/// error: look inside those.
fn rustls_cause(e: &reqwest::Error) -> Option<&rustls::Error> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(tls) = c.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        cause = match c.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => c.source(),
        };
    }
    None
}

fn is_certificate_problem(e: &rustls::Error) -> bool {
    matches!(
        e,
        rustls::Error::InvalidCertificate(_)
            | rustls::Error::InvalidCertRevocationList(_)
            | rustls::Error::NoCertificatesPresented
            | rustls::Error::UnsupportedNameType
    )
}

fn transport_summary(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("no response within {} (--request-timeout)", human(timeout));
    }
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let detail = chain.last().cloned().unwrap_or_else(|| e.to_string());
    // The host: the request names only the path, and which host a setting led to is what a
    // connection error is about.
    let host = e
        .url()
        .and_then(|u| {
            u.host_str()
                .map(|h| format!(" to {h}:{}", u.port_or_known_default().unwrap_or(443)))
        })
        .unwrap_or_default();
    if e.is_connect() {
        format!("cannot connect{host} ({detail})")
    } else {
        format!("connection{host} failed ({detail})")
    }
}

/// A refused signature with a server clock far from ours: say so, since the gateway rejects
/// an `X-Sdk-Date` more than 15 minutes off (IMS-API.md §7).
pub(crate) fn clock_skew_hint(status: u16, headers: &HeaderMap, now: SystemTime) -> Option<String> {
    if status != 401 {
        return None;
    }
    let server = httpdate::parse_http_date(&header(headers, "date")?).ok()?;
    let skew = signer::skew(server, now);
    if skew < SKEW_HINT_AFTER {
        return None;
    }
    let ahead = if server > now { "ahead of" } else { "behind" };
    Some(format!(
        "the service's clock is {} {ahead} this machine's: AK/SK signatures are refused when the clocks differ by more than 15 minutes; fix the system clock (NTP)",
        humantime::format_duration(Duration::from_secs((skew.as_secs() + 30) / 60 * 60))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_hint_only_for_401_with_a_distant_date() {
        let now = httpdate::parse_http_date("Mon, 23 Nov 2026 10:00:00 GMT").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("date", "Mon, 23 Nov 2026 10:20:30 GMT".parse().unwrap());
        let hint = clock_skew_hint(401, &headers, now).unwrap();
        assert!(hint.contains("21m ahead of"), "{hint}");
        assert_eq!(clock_skew_hint(403, &headers, now), None);
        headers.insert("date", "Mon, 23 Nov 2026 10:01:00 GMT".parse().unwrap());
        assert_eq!(clock_skew_hint(401, &headers, now), None);
    }

    #[test]
    fn answers_that_do_not_read_are_faults() {
        let ok =
            |body: &[u8]| success(200, body.to_vec(), None, &HeaderMap::new(), "GET x").is_ok();
        assert!(ok(br#"{"images":[{"name":"a\u00e9"}],"next":null}"#));
        assert!(ok(b""));
        assert!(!ok(b"{\"images\":[{\"name\":\"\xff\"}]}"), "invalid UTF-8");
        assert!(!ok(br#"{"images":[{"name":"\ud800"}]}"#), "lone surrogate");
        let deep = format!("{{\"images\":{}{}}}", "[".repeat(3000), "]".repeat(3000));
        assert!(!ok(deep.as_bytes()), "nesting past the limit");
        assert!(!ok(b"{\"images\": [1, 2"), "cut short");
    }

    #[test]
    fn certificate_problems_are_told_apart_by_type() {
        use rustls::CertificateError;
        assert!(is_certificate_problem(&rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer
        )));
        assert!(!is_certificate_problem(&rustls::Error::DecryptError));
    }
}
