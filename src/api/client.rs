//! The only place that touches reqwest: building, signing and sending one request, with
//! time-outs, retries, a body-size cap, no redirects, a redacted trace, and every non-2xx
//! answer turned into a classified [`Error`].

use crate::api::error_body;
use crate::auth::signer;
use crate::error::{Error, ServiceError};
use crate::redact::{Redactor, is_secret_header};
use crate::secret::Secret;
use reqwest::Url;
use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Responses larger than this are refused rather than buffered.
pub const MAX_BODY: u64 = 16 * 1024 * 1024;
/// The longest wait a `Retry-After` header may impose on one retry.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
const BACKOFF_BASE: Duration = Duration::from_millis(250);
const BACKOFF_CAP: Duration = Duration::from_secs(8);
const SKEW_HINT_AFTER: Duration = Duration::from_secs(180);

pub type TraceSink = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    pub ca_bundle: Option<PathBuf>,
    pub verbose: u8,
    /// Never use a proxy (the sandbox, loopback endpoints).
    pub direct: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
        }
    }
}

/// How one request proves who sends it.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    None,
    AkSk {
        access_key: &'a str,
        secret_key: &'a Secret,
        security_token: Option<&'a Secret>,
    },
    Token(&'a Secret),
}

/// One request, before it is signed.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub method: Method,
    pub base: &'a Url,
    /// Path below the base URL, starting with `/`.
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub body: Option<&'a [u8]>,
    pub project_id: Option<&'a str>,
    pub credential: Credential<'a>,
}

/// A 2xx answer, its body checked to be JSON (or empty).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub request_id: Option<String>,
    /// `X-Subject-Token` (IAM login).
    pub subject_token: Option<Secret>,
}

impl Reply {
    /// The body as a JSON value (`null` when empty).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

pub struct Http {
    client: Client,
    config: HttpConfig,
    trace: TraceSink,
    redactor: Redactor,
}

/// What to do after one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    Retry,
    Fail,
}

/// Which answers are worth another attempt. Both of our writes are PUTs of an absolute state
/// (a member status), so sending one twice cannot do anything the first did not: retrying
/// them is as safe as retrying a GET. IMG.0060 is IMS's "too many tasks, retry later" (a 400).
pub fn disposition(status: u16, code: Option<&str>) -> Disposition {
    match status {
        408 | 429 | 500 | 502 | 503 | 504 => Disposition::Retry,
        400 if code == Some("IMG.0060") => Disposition::Retry,
        _ => Disposition::Fail,
    }
}

/// Exponential backoff with jitter (between half and all of the step), or the server's
/// `Retry-After`, capped, when it sent one.
pub fn backoff(attempt: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
    if let Some(after) = retry_after {
        return after.min(MAX_RETRY_AFTER);
    }
    let step = BACKOFF_BASE
        .saturating_mul(1u32 << attempt.min(16))
        .min(BACKOFF_CAP);
    step.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// `Retry-After` in seconds or as an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// The authority as the `Host` header carries it: the port only when it is not the default.
pub fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// Joins a base URL (which may carry a path prefix) and an API path.
pub fn join_path(base: &Url, path: &str) -> String {
    format!("{}{}", base.path().trim_end_matches('/'), path)
}

impl Http {
    pub fn new(config: HttpConfig, trace: TraceSink, redactor: Redactor) -> Result<Http, Error> {
        // ring, chosen by measurement (README "Performance"); installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ims-share/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(30))
            .tcp_nodelay(true);
        if config.direct {
            builder = builder.no_proxy();
        }
        if let Some(path) = &config.ca_bundle {
            let pem = std::fs::read(path).map_err(|e| {
                Error::usage(format!("cannot read the CA bundle {}: {e}", path.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::usage(format!(
                    "the CA bundle {} holds no usable PEM certificate: {e}",
                    path.display()
                ))
            })?;
            if certs.is_empty() {
                return Err(Error::usage(format!(
                    "the CA bundle {} holds no PEM certificate",
                    path.display()
                )));
            }
            builder = builder.tls_certs_merge(certs);
        }
        let client = builder
            .build()
            .map_err(|e| Error::usage(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Http {
            client,
            config,
            trace,
            redactor,
        })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// The line is only built when `-v` asked for it: requests are the hot path.
    fn trace(&self, line: impl FnOnce() -> String) {
        if self.config.verbose > 0 {
            (self.trace)(&self.redactor.text(&line()));
        }
    }

    /// Sends a call, retrying what is worth retrying. A 2xx answer must carry JSON (or nothing);
    /// a truncated or non-JSON 2xx body counts as a transient fault.
    pub fn send(&self, call: &Call<'_>) -> Result<Reply, Error> {
        let what = format!(
            "{} {}",
            call.method.as_str(),
            join_path(call.base, call.path)
        );
        let mut tried: Vec<String> = Vec::new();
        let mut attempt = 0u32;
        loop {
            if crate::interrupt::is_set() {
                return Err(Error::Interrupted);
            }
            let (failure, retry_after) = match self.attempt(call, &what) {
                Ok(reply) => return Ok(reply),
                Err(Attempt::Final(e)) => return Err(*e),
                Err(Attempt::Transient {
                    summary,
                    retry_after,
                    last,
                }) => {
                    tried.push(summary);
                    (last, retry_after)
                }
            };
            if attempt >= self.config.retries {
                return Err(exhausted(&what, &tried, failure));
            }
            let delay = backoff(attempt, retry_after, fastrand::f64());
            self.trace(|| {
                format!(
                    "retrying {what} in {} (attempt {} of {})",
                    humantime::format_duration(round_ms(delay)),
                    attempt + 2,
                    self.config.retries + 1
                )
            });
            if !crate::interrupt::sleep(delay) {
                return Err(Error::Interrupted);
            }
            attempt += 1;
        }
    }

    fn attempt(&self, call: &Call<'_>, what: &str) -> Result<Reply, Attempt> {
        let request = self.build(call).map_err(|e| Attempt::Final(Box::new(e)))?;
        let url = request.url().to_string();
        self.trace(|| format!("> {} {url}", call.method.as_str()));
        if self.config.verbose > 1 {
            for (name, value) in request.headers() {
                let shown = if is_secret_header(name.as_str()) {
                    crate::secret::REDACTED.to_string()
                } else {
                    value.to_str().unwrap_or("(binary)").to_string()
                };
                self.trace(|| format!(">   {name}: {shown}"));
            }
            if let Some(body) = call.body {
                self.trace(|| format!(">   body: {}", self.redactor.body(body)));
            }
        }
        let started = Instant::now();
        let response = match self.client.execute(request) {
            Ok(r) => r,
            Err(e) => {
                let summary = transport_summary(&e, self.config.request_timeout);
                self.trace(|| {
                    format!(
                        "< {} {url}: {summary} after {} ms",
                        call.method.as_str(),
                        started.elapsed().as_millis()
                    )
                });
                if summary.contains("certificate") {
                    // Trying again will not make the certificate trusted.
                    return Err(Attempt::Final(Box::new(Error::Unavailable {
                        message: format!("{what}: {summary}"),
                        hint: Some(
                            "the server's TLS certificate is not trusted; if a private CA signed it, add that CA with --ca-bundle, ca_bundle in the profile, or OS_CACERT"
                                .into(),
                        ),
                    })));
                }
                return Err(Attempt::Transient {
                    summary: summary.clone(),
                    retry_after: None,
                    last: Error::unavailable(format!("{what}: {summary}")),
                });
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let request_id =
            header(&headers, "x-request-id").or_else(|| header(&headers, "x-openstack-request-id"));
        let body = read_capped(response).map_err(|summary| Attempt::Transient {
            summary: summary.clone(),
            retry_after: None,
            last: Error::unavailable(format!("{what}: {summary}")),
        });
        self.trace(|| {
            format!(
                "< {status} {} {url} {} ms{}",
                call.method.as_str(),
                started.elapsed().as_millis(),
                request_id
                    .as_deref()
                    .map(|id| format!(" request-id={id}"))
                    .unwrap_or_default()
            )
        });
        let body = body?;
        if self.config.verbose > 1 {
            for (name, value) in &headers {
                let shown = if is_secret_header(name.as_str()) {
                    crate::secret::REDACTED.to_string()
                } else {
                    value.to_str().unwrap_or("(binary)").to_string()
                };
                self.trace(|| format!("<   {name}: {shown}"));
            }
            if !body.is_empty() {
                self.trace(|| format!("<   body: {}", self.redactor.body(&body)));
            }
        }
        if (200..300).contains(&status) {
            return parse_success(status, &body, request_id, &headers, what);
        }
        if (300..400).contains(&status) {
            let location = header(&headers, "location").unwrap_or_else(|| "(no Location)".into());
            return Err(Attempt::Final(Box::new(Error::Unavailable {
                message: format!("{what}: the service answered HTTP {status}, a redirect to {location}"),
                hint: Some(
                    "ims-share does not follow redirects (it would re-send credentials): set the endpoint to the final URL"
                        .into(),
                ),
            })));
        }
        let parsed = error_body::parse(&body);
        let code = parsed
            .code
            .clone()
            .unwrap_or_else(|| format!("HTTP {status}"));
        let err = ServiceError {
            request: what.to_string(),
            status,
            code: code.clone(),
            message: parsed.message,
            request_id: request_id.or(parsed.request_id),
            hint: clock_skew_hint(status, &headers, SystemTime::now()),
        };
        match disposition(status, parsed.code.as_deref()) {
            Disposition::Retry => Err(Attempt::Transient {
                summary: format!("HTTP {status} {code}"),
                retry_after: header(&headers, "retry-after")
                    .and_then(|v| parse_retry_after(&v, SystemTime::now())),
                last: if status == 400 || status == 429 || status == 408 {
                    Error::Unavailable {
                        message: err.to_string(),
                        hint: Some("the service is throttling requests: try again later, or lower --concurrency".into()),
                    }
                } else {
                    Error::unavailable(err.to_string())
                },
            }),
            Disposition::Fail if err.is_auth() => {
                Err(Attempt::Final(Box::new(Error::Auth(Box::new(err)))))
            }
            Disposition::Fail => Err(Attempt::Final(Box::new(Error::Service(Box::new(err))))),
        }
    }

    fn build(&self, call: &Call<'_>) -> Result<reqwest::blocking::Request, Error> {
        let path = join_path(call.base, call.path);
        let query = signer::canonical_query(call.query);
        let mut url = call.base.clone();
        url.set_path(&path);
        url.set_query(if query.is_empty() { None } else { Some(&query) });
        // The wire path must be exactly what was signed.
        let wire_path = url.path().to_string();

        let mut signed: Vec<(String, String)> = vec![("Host".into(), host_header(&url))];
        if call.body.is_some() {
            signed.push((
                "Content-Type".into(),
                "application/json;charset=UTF-8".into(),
            ));
        }
        if let Some(project) = call.project_id {
            signed.push(("X-Project-Id".into(), project.to_string()));
        }
        let mut unsigned: Vec<(&str, String)> = vec![("Accept", "application/json".into())];
        match call.credential {
            Credential::None => {}
            Credential::Token(token) => unsigned.push(("X-Auth-Token", token.expose().to_string())),
            Credential::AkSk {
                access_key,
                secret_key,
                security_token,
            } => {
                let date = signer::sdk_date(SystemTime::now());
                signed.push(("X-Sdk-Date".into(), date.clone()));
                if let Some(token) = security_token {
                    signed.push(("X-Security-Token".into(), token.expose().to_string()));
                }
                let input = signer::SignInput {
                    method: call.method.as_str(),
                    path: &wire_path,
                    query: call.query,
                    headers: &signed,
                    body: call.body.unwrap_or_default(),
                };
                let auth = signer::authorization(access_key, secret_key.expose(), &date, &input);
                unsigned.push(("Authorization", auth));
            }
        }
        let method = match call.method {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Post => reqwest::Method::POST,
        };
        let mut headers = HeaderMap::new();
        for (name, value) in signed
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain(unsigned.iter().map(|(n, v)| (*n, v.as_str())))
        {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::usage(format!("invalid header name {name}: {e}")))?;
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                Error::usage(format!(
                    "the value for the {name} header holds characters HTTP cannot carry"
                ))
            })?;
            if is_secret_header(name.as_str()) {
                value.set_sensitive(true);
            }
            headers.insert(name, value);
        }
        let mut request = self.client.request(method, url).headers(headers);
        if let Some(body) = call.body {
            request = request.body(body.to_vec());
        }
        request
            .build()
            .map_err(|e| Error::usage(format!("cannot build the request: {e}")))
    }
}

enum Attempt {
    Final(Box<Error>),
    Transient {
        summary: String,
        retry_after: Option<Duration>,
        last: Error,
    },
}

fn round_ms(d: Duration) -> Duration {
    Duration::from_millis(d.as_millis() as u64)
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn read_capped(response: reqwest::blocking::Response) -> Result<Vec<u8>, String> {
    if response.content_length().is_some_and(|n| n > MAX_BODY) {
        return Err(format!(
            "response body larger than {} MiB refused",
            MAX_BODY / 1024 / 1024
        ));
    }
    let mut body = Vec::new();
    let mut limited = response.take(MAX_BODY + 1);
    limited
        .read_to_end(&mut body)
        .map_err(|e| format!("connection lost while reading the response ({e})"))?;
    if body.len() as u64 > MAX_BODY {
        return Err(format!(
            "response body larger than {} MiB refused",
            MAX_BODY / 1024 / 1024
        ));
    }
    Ok(body)
}

fn parse_success(
    status: u16,
    body: &[u8],
    request_id: Option<String>,
    headers: &HeaderMap,
    what: &str,
) -> Result<Reply, Attempt> {
    // Checked without building a value: callers read the parts they need.
    if !body.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            Ok(_) => {}
            Err(e) => {
                let summary = format!("HTTP {status} with a body that is not valid JSON ({e})");
                return Err(Attempt::Transient {
                    summary: summary.clone(),
                    retry_after: None,
                    last: Error::unavailable(format!("{what}: {summary}")),
                });
            }
        }
    }
    Ok(Reply {
        status,
        body: body.to_vec(),
        request_id,
        subject_token: header(headers, "x-subject-token").map(Secret::new),
    })
}

fn transport_summary(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!(
            "no response within {} (--request-timeout)",
            humantime::format_duration(timeout)
        );
    }
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let detail = chain.last().cloned().unwrap_or_else(|| e.to_string());
    if e.is_connect() {
        format!("cannot connect ({detail})")
    } else {
        format!("connection failed ({detail})")
    }
}

fn exhausted(what: &str, tried: &[String], last: Error) -> Error {
    let hint = match &last {
        Error::Unavailable { hint, .. } => hint.clone(),
        _ => None,
    };
    let attempts = tried.len();
    let list = tried.join("; ");
    Error::Unavailable {
        message: format!(
            "{what} failed after {attempts} attempt{}: {list}",
            if attempts == 1 { "" } else { "s" }
        ),
        hint: hint.or_else(|| {
            Some("the service is unreachable or failing; try again later, or raise --retries / --request-timeout".into())
        }),
    }
}

/// A refused signature with a server clock far from ours: say so, since the gateway rejects
/// an `X-Sdk-Date` more than 15 minutes off (IMS-API.md §7).
pub fn clock_skew_hint(status: u16, headers: &HeaderMap, now: SystemTime) -> Option<String> {
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
    fn what_is_retried() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert_eq!(disposition(s, None), Disposition::Retry, "{s}");
        }
        assert_eq!(disposition(400, Some("IMG.0060")), Disposition::Retry);
        for s in [400, 401, 403, 404, 409] {
            assert_eq!(disposition(s, Some("IMG.0027")), Disposition::Fail, "{s}");
        }
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        assert_eq!(backoff(0, None, 1.0), Duration::from_millis(250));
        assert_eq!(backoff(0, None, 0.0), Duration::from_millis(125));
        assert_eq!(backoff(2, None, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(30, None, 1.0), BACKOFF_CAP);
        assert_eq!(
            backoff(0, Some(Duration::from_secs(2)), 0.3),
            Duration::from_secs(2)
        );
        assert_eq!(
            backoff(0, Some(Duration::from_secs(3600)), 0.3),
            MAX_RETRY_AFTER
        );
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = httpdate::parse_http_date("Mon, 23 Nov 2026 10:00:00 GMT").unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Mon, 23 Nov 2026 10:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

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
    fn host_and_path_joining() {
        let base = Url::parse("https://ims.eu-de.otc.t-systems.com").unwrap();
        assert_eq!(host_header(&base), "ims.eu-de.otc.t-systems.com");
        assert_eq!(join_path(&base, "/v2/images"), "/v2/images");
        let prefixed = Url::parse("http://127.0.0.1:9292/image/").unwrap();
        assert_eq!(host_header(&prefixed), "127.0.0.1:9292");
        assert_eq!(join_path(&prefixed, "/v2/images"), "/image/v2/images");
    }
}
