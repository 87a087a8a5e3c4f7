//! A small scripted hostile HTTP/1.1 server on 127.0.0.1 port 0.
//!
//! Each test gives it a handler mapping a request (method, path, query, headers, body) to a
//! raw [`Reply`]: any status, any headers, any bytes, delivered normally, one byte at a time
//! ([`Reply::trickle`]), or never finished ([`Reply::hang_after_headers`], [`Reply::hang`]).
//! Every request is recorded as soon as it has been read (before it is answered), so a test
//! can block on [`HostileServer::wait_for`] to know that the client is waiting for an answer,
//! instead of sleeping. The same server serves as a CONNECT proxy (`CONNECT host:443` is
//! recorded with the authority as its path) and records absolute-form requests.
//!
//! Every answer carries `Connection: close`: one request per connection keeps the parser small.
//! Dropping the server stops it: the accept loop and every connection thread (including the
//! ones trickling or hanging) notice the stop flag within a fraction of a second and are joined.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The request target before `?` (for CONNECT: `host:port`; for a proxied request: the
    /// absolute URL without its query).
    pub path: String,
    /// The raw query string (without `?`), empty when there is none.
    pub query: String,
    /// Header names in lower case, values as sent (lossy UTF-8).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter, percent-decoded (`+` is left alone).
    pub fn param(&self, key: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == key).then(|| percent_decode(v))
        })
    }

    pub fn body_json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path == path
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How the body of a reply is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Headers and body at once.
    Normal,
    /// Headers at once, then the body one byte every `Duration`.
    Trickle(Duration),
    /// Headers (with the full Content-Length) at once, then nothing until the server stops.
    HangAfterHeaders,
    /// Nothing at all until the server stops.
    Hang,
}

/// A raw answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delivery: Delivery,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            delivery: Delivery::Normal,
        }
    }

    pub fn json(status: u16, value: &Value) -> Reply {
        Reply::new(status, "application/json", value.to_string())
    }

    /// A body that is sent as given, even when it is not valid JSON or UTF-8.
    pub fn raw_json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(status, "application/json", body)
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn trickle(mut self, every: Duration) -> Reply {
        self.delivery = Delivery::Trickle(every);
        self
    }

    pub fn hang_after_headers(mut self) -> Reply {
        self.delivery = Delivery::HangAfterHeaders;
        self
    }

    pub fn hang(mut self) -> Reply {
        self.delivery = Delivery::Hang;
        self
    }
}

pub type Handler = dyn Fn(&Request) -> Reply + Send + Sync + 'static;

struct Shared {
    handler: Box<Handler>,
    stop: Mutex<bool>,
    stop_changed: Condvar,
    log: Mutex<Log>,
    log_changed: Condvar,
    connections: Mutex<Vec<JoinHandle<()>>>,
}

#[derive(Default)]
struct Log {
    requests: Vec<Request>,
    /// Replies written completely (headers and whole body).
    answered: usize,
}

impl Shared {
    fn stopped(&self) -> bool {
        *self.stop.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sleeps up to `d`; returns false when the server is stopping.
    fn pause(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut stop = self.stop.lock().unwrap_or_else(|e| e.into_inner());
        while !*stop {
            let now = Instant::now();
            if now >= deadline {
                return true;
            }
            stop = self
                .stop_changed
                .wait_timeout(stop, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        false
    }

    fn wait_stop(&self) {
        let mut stop = self.stop.lock().unwrap_or_else(|e| e.into_inner());
        while !*stop {
            stop = self
                .stop_changed
                .wait(stop)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

pub struct HostileServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl HostileServer {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            handler: Box::new(handler),
            stop: Mutex::new(false),
            stop_changed: Condvar::new(),
            log: Mutex::new(Log::default()),
            log_changed: Condvar::new(),
            connections: Mutex::new(Vec::new()),
        });
        let s = shared.clone();
        let accept = std::thread::Builder::new()
            .name("hostile-accept".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if s.stopped() {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let s2 = s.clone();
                    let handle = std::thread::Builder::new()
                        .name("hostile-conn".into())
                        .spawn(move || serve(&s2, stream))
                        .expect("spawn a connection thread");
                    let mut conns = s.connections.lock().unwrap_or_else(|e| e.into_inner());
                    conns.retain(|h| !h.is_finished());
                    conns.push(handle);
                }
            })
            .expect("spawn the accept thread");
        HostileServer {
            addr,
            shared,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .requests
            .clone()
    }

    pub fn count(&self, pred: impl Fn(&Request) -> bool) -> usize {
        self.requests().iter().filter(|r| pred(r)).count()
    }

    /// Blocks until a request matching `pred` has arrived (it may still be being answered),
    /// or `timeout` passed.
    pub fn wait_for(&self, timeout: Duration, pred: impl Fn(&Request) -> bool) -> Option<Request> {
        let deadline = Instant::now() + timeout;
        let mut log = self.shared.log.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(r) = log.requests.iter().find(|r| pred(r)) {
                return Some(r.clone());
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            log = self
                .shared
                .log_changed
                .wait_timeout(log, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Blocks until `n` replies have been written completely, or `timeout` passed.
    pub fn wait_answered(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut log = self.shared.log.lock().unwrap_or_else(|e| e.into_inner());
        while log.answered < n {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            log = self
                .shared
                .log_changed
                .wait_timeout(log, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        *self.shared.stop.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.shared.stop_changed.notify_all();
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        let conns: Vec<JoinHandle<()>> = std::mem::take(
            &mut *self
                .shared
                .connections
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        for h in conns {
            let _ = h.join();
        }
    }
}

const MAX_HEAD: usize = 64 * 1024;

/// A request line, its headers and its body.
type RawRequest = (String, Vec<(String, String)>, Vec<u8>);

/// Reads one request; `None` when the client went away, sent garbage, or the server stops.
fn read_request(shared: &Shared, stream: &mut TcpStream) -> Option<RawRequest> {
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .ok()?;
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD || shared.stopped() {
            return None;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                continue;
            }
            Err(_) => return None,
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            let (n, v) = l.split_once(':')?;
            Some((n.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        if shared.stopped() {
            return None;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return None,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                continue;
            }
            Err(_) => return None,
        }
    }
    body.truncate(length);
    Some((request_line, headers, body))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

fn serve(shared: &Shared, mut stream: TcpStream) {
    let Some((request_line, headers, body)) = read_request(shared, &mut stream) else {
        return;
    };
    let mut parts = request_line.splitn(3, ' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.clone(), String::new()),
    };
    let request = {
        let mut log = shared.log.lock().unwrap_or_else(|e| e.into_inner());
        let r = Request {
            method,
            path,
            query,
            headers,
            body,
        };
        log.requests.push(r.clone());
        shared.log_changed.notify_all();
        r
    };
    let reply = (shared.handler)(&request);
    if reply.delivery == Delivery::Hang {
        shared.wait_stop();
        return;
    }
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (n, v) in &reply.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    if stream.write_all(head.as_bytes()).is_err() || stream.flush().is_err() {
        return;
    }
    match reply.delivery {
        Delivery::Normal => {
            if stream.write_all(&reply.body).is_err() {
                return;
            }
        }
        Delivery::Trickle(every) => {
            for b in &reply.body {
                if !shared.pause(every) {
                    return;
                }
                if stream.write_all(&[*b]).is_err() || stream.flush().is_err() {
                    return;
                }
            }
        }
        Delivery::HangAfterHeaders => {
            shared.wait_stop();
            return;
        }
        Delivery::Hang => unreachable!(),
    }
    let _ = stream.flush();
    let mut log = shared.log.lock().unwrap_or_else(|e| e.into_inner());
    log.answered += 1;
    shared.log_changed.notify_all();
    drop(log);
    // Let the client read the answer before the socket goes.
    let _ = stream.shutdown(std::net::Shutdown::Write);
}
