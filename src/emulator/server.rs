//! The emulator's HTTP server: hyper on a loopback port, one thread, with latency and the
//! fault knobs applied in front of the routes, a log line per request, and (for tests) a
//! record of every request and of how many were in flight at once.

use crate::emulator::Knobs;
use crate::emulator::http::Ctx;
use crate::emulator::http::{HttpRequest, HttpResponse, apigw_error, gateway_html};
use crate::emulator::record::{Recorded, finish};
use crate::emulator::routes;
use crate::emulator::store::Store;
use crate::sync::lock;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

pub struct Config {
    pub listen: SocketAddr,
    pub knobs: Knobs,
    /// Keep every request for inspection (tests); off for long-running servers.
    pub record: bool,
    /// Pretend the server clock is this far ahead (negative: behind), for clock-skew tests.
    pub clock_offset_secs: i64,
    pub log: Option<LogSink>,
    /// Serve HTTPS with this configuration (its ALPN list decides whether h2 is offered).
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            knobs: Knobs::default(),
            record: true,
            clock_offset_secs: 0,
            log: None,
            tls: None,
        }
    }
}

pub(super) struct Shared {
    pub(super) store: Store,
    pub(super) knobs: Knobs,
    pub(super) record: bool,
    pub(super) clock_offset_secs: i64,
    pub(super) log: Option<LogSink>,
    pub(super) base_url: String,
    pub(super) counter: AtomicU64,
    pub(super) in_flight: AtomicUsize,
    pub(super) max_in_flight: AtomicUsize,
    pub(super) requests: Mutex<Vec<Recorded>>,
    /// TCP connections accepted (each a TLS handshake when serving HTTPS).
    pub(super) connections: AtomicUsize,
    pub(super) tls: Option<tokio_rustls::TlsAcceptor>,
}

/// A running emulator; stops when dropped.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Arc<tokio::sync::Notify>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    pub fn start(store: Store, config: Config) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(config.listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            store,
            knobs: config.knobs,
            record: config.record,
            clock_offset_secs: config.clock_offset_secs,
            log: config.log,
            base_url: format!(
                "{}://{addr}",
                if config.tls.is_some() {
                    "https"
                } else {
                    "http"
                }
            ),
            counter: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            tls: config.tls.map(tokio_rustls::TlsAcceptor::from),
        });
        let shutdown = Arc::new(tokio::sync::Notify::new());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (s, stop) = (shared.clone(), shutdown.clone());
        let thread = std::thread::Builder::new()
            .name("ims-share-sandbox".into())
            .spawn(move || runtime.block_on(serve(listener, s, stop)))?;
        Ok(Emulator {
            addr,
            shared,
            shutdown,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.requests).clone()
    }

    /// Requests being answered right now.
    pub fn in_flight(&self) -> usize {
        self.shared.in_flight.load(Ordering::SeqCst)
    }

    /// Connections accepted so far (each one a TLS handshake when serving HTTPS).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// Runs `f` on the account (tests use it to look at or change the state).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut crate::emulator::state::State) -> R) -> R {
        self.shared
            .store
            .with(|s| (f(s), true))
            .expect("the emulator's state is readable")
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shutdown.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, shutdown: Arc<tokio::sync::Notify>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = shutdown.notified() => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                // Answers are written in pieces; without this, Nagle's algorithm holds the
                // last piece back until the client acknowledges the first.
                let _ = stream.set_nodelay(true);
                shared.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve_connection(stream, shared.clone()));
            }
        }
    }
}

/// One connection: plain HTTP/1.1, or TLS with HTTP/1.1 or h2 as ALPN chose.
async fn serve_connection(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    let s = shared.clone();
    let service = service_fn(move |req| handle(req, s.clone()));
    let Some(acceptor) = shared.tls.clone() else {
        let _ = http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service)
            .await;
        return;
    };
    let Ok(tls) = acceptor.accept(stream).await else {
        return;
    };
    if tls.get_ref().1.alpn_protocol() == Some(b"h2") {
        let _ = http2::Builder::new(TokioExecutor::new())
            .serve_connection(TokioIo::new(tls), service)
            .await;
    } else {
        let _ = http1::Builder::new()
            .serve_connection(TokioIo::new(tls), service)
            .await;
    }
}

/// Returned by the service to make hyper close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose (--drop-every)")
    }
}

impl std::error::Error for DropConnection {}

struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> InFlight<'a> {
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Waits until `at` with the precision of a thread sleep: tokio's timer rounds up to whole
/// milliseconds, which a benchmark of fifty sequential round trips would notice.
async fn wait_until(at: Option<Instant>) {
    let Some(at) = at else { return };
    let _ = tokio::task::spawn_blocking(move || {
        let now = Instant::now();
        if at > now {
            std::thread::sleep(at - now);
        }
    })
    .await;
}

fn now_ms(shared: &Shared) -> u64 {
    let real = crate::emulator::state::now_ms() as i64;
    (real + shared.clock_offset_secs * 1000).max(0) as u64
}

fn request_id() -> String {
    (0..32)
        .map(|_| char::from_digit(fastrand::u32(0..16), 16).expect("hex digit"))
        .collect()
}

async fn handle(
    req: hyper::Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<hyper::Response<Full<Bytes>>, DropConnection> {
    let started = Instant::now();
    let n = shared.counter.fetch_add(1, Ordering::SeqCst) + 1;
    let _in_flight = InFlight::enter(&shared);
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let request = HttpRequest {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        raw_query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    // The answer leaves `latency` after the request arrived; the work of answering happens
    // within that time, as on a real network where latency is mostly travel.
    let answer_at = shared.knobs.latency.map(|l| started + l);
    let fault = shared.knobs.fault_for(n);
    let rid = request_id();
    let response = match fault {
        Some("drop") => {
            wait_until(answer_at).await;
            finish(&shared, &request, 0, fault, started);
            return Err(DropConnection);
        }
        Some("throttle") => apigw_error(
            429,
            "APIGW.0308",
            "The throttling threshold has been reached: policy user over ratelimit, limit:100, time:1 minute",
            &rid,
        )
        .with_header("Retry-After", "1"),
        Some("unavailable") => apigw_error(503, "APIGW.0203", "The backend service is unavailable.", &rid),
        Some("html") => gateway_html(502),
        _ => {
            if fault == Some("slow")
                && let Some(d) = shared.knobs.slow_for
            {
                tokio::time::sleep(d).await;
            }
            let mut resp = route(&shared, request.clone(), rid.clone()).await;
            if fault == Some("truncate") && resp.body.len() > 1 {
                resp.body.truncate(resp.body.len() / 2);
            }
            resp
        }
    };
    wait_until(answer_at).await;
    finish(&shared, &request, response.status, fault, started);
    Ok(to_hyper(response, &rid, &shared))
}

async fn route(shared: &Arc<Shared>, request: HttpRequest, rid: String) -> HttpResponse {
    let s = shared.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let ctx = Ctx {
            now_ms: now_ms(&s),
            base_url: &s.base_url,
            request_id: &rid,
            token_uses: s.knobs.token_uses,
            job_duration_ms: s.knobs.job_duration.map(|d| d.as_millis() as u64),
        };
        s.store.with(|state| routes::handle(state, &request, &ctx))
    })
    .await;
    match answer {
        Ok(Ok(resp)) => resp,
        Ok(Err(e)) => HttpResponse::json(
            500,
            &serde_json::json!({"error": {"code": "SANDBOX.0001", "message": format!("{e}: run `ims-share sandbox --reset`")}}),
        ),
        Err(e) => HttpResponse::json(
            500,
            &serde_json::json!({"error": {"code": "SANDBOX.0002", "message": format!("emulator failure: {e}")}}),
        ),
    }
}

fn to_hyper(resp: HttpResponse, rid: &str, shared: &Shared) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder()
        .status(resp.status)
        .header("X-Request-Id", rid);
    if shared.clock_offset_secs != 0 {
        let at = SystemTime::now()
            .checked_add(Duration::from_secs(shared.clock_offset_secs.unsigned_abs()))
            .filter(|_| shared.clock_offset_secs > 0)
            .or_else(|| {
                SystemTime::now()
                    .checked_sub(Duration::from_secs(shared.clock_offset_secs.unsigned_abs()))
            })
            .unwrap_or_else(SystemTime::now);
        builder = builder.header("Date", httpdate::fmt_http_date(at));
    }
    for (name, value) in &resp.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(resp.body)))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}
