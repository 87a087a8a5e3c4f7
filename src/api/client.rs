//! The only place that sends requests: one reqwest client with time-outs, no redirects and the
//! CA bundle, one call sent with retries, and a redacted trace of each attempt.

use crate::api::request::{Call, build};
use crate::api::response::{self, Attempt, Reply, read_capped};
use crate::api::retry::{backoff, exhausted};
use crate::bounded;
use crate::error::Error;
use crate::redact::{Redactor, is_secret_header};
use reqwest::blocking::Client;
use reqwest::header::HeaderMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// The largest CA bundle read (a system bundle is about 200 KiB).
const MAX_CA_BUNDLE: u64 = 4 * 1024 * 1024;

pub(crate) type TraceSink = Arc<dyn Fn(&str) + Send + Sync>;

/// The proxy environment, read once: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`
/// (or their lower-case forms). Applied per destination: loopback is never proxied.
#[derive(Debug, Clone, Default)]
pub(crate) struct Proxies {
    pub(crate) https: Option<String>,
    pub(crate) http: Option<String>,
    pub(crate) all: Option<String>,
    pub(crate) no_proxy: Option<String>,
}

impl Proxies {
    /// The proxies for a client: each skips the user's `NO_PROXY` and every loopback address.
    fn apply(
        &self,
        mut builder: reqwest::blocking::ClientBuilder,
    ) -> Result<reqwest::blocking::ClientBuilder, Error> {
        let exempt = format!(
            "localhost,127.0.0.0/8,::1,[::1],{}",
            self.no_proxy.as_deref().unwrap_or_default()
        );
        type MakeProxy = fn(&str) -> reqwest::Result<reqwest::Proxy>;
        let rules: [(&Option<String>, MakeProxy, &str); 3] = [
            (&self.https, |u| reqwest::Proxy::https(u), "HTTPS_PROXY"),
            (&self.http, |u| reqwest::Proxy::http(u), "HTTP_PROXY"),
            (&self.all, |u| reqwest::Proxy::all(u), "ALL_PROXY"),
        ];
        for (url, make, name) in rules {
            let Some(url) = url else { continue };
            let proxy = make(url)
                .map_err(|e| Error::usage(format!("{name} is not a usable proxy URL ({e})")))?;
            builder = builder.proxy(proxy.no_proxy(reqwest::NoProxy::from_string(&exempt)));
        }
        Ok(builder)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct HttpConfig {
    pub(crate) request_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    /// Retries after the first attempt.
    pub(crate) retries: u32,
    pub(crate) ca_bundle: Option<PathBuf>,
    pub(crate) verbose: u8,
    /// Never use a proxy (the in-process sandbox).
    pub(crate) direct: bool,
    pub(crate) proxies: Proxies,
}

pub(crate) struct Http {
    /// For `http://` URLs (loopback only): built with no trust roots, so a run against the
    /// sandbox or a local emulator never reads the system trust store (most of its start-up
    /// cost, README "Performance").
    plain: Client,
    /// For `https://` URLs: built on the first one, with the platform verifier (the system
    /// store, `SSL_CERT_FILE`/`SSL_CERT_DIR`) and `--ca-bundle`.
    tls: OnceLock<Result<Client, String>>,
    /// `--ca-bundle`, read and checked up front: a bad file is a usage error at once.
    extra_roots: Vec<reqwest::Certificate>,
    config: HttpConfig,
    trace: TraceSink,
    redactor: Arc<Redactor>,
}

impl Http {
    pub(crate) fn new(
        config: HttpConfig,
        trace: TraceSink,
        redactor: Arc<Redactor>,
    ) -> Result<Http, Error> {
        // ring, chosen by measurement (README "Performance"); installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut extra_roots = Vec::new();
        if let Some(path) = &config.ca_bundle {
            let pem = bounded::read_file(path, MAX_CA_BUNDLE).map_err(|e| {
                Error::usage(format!("cannot read the CA bundle {}: {e}", path.display()))
            })?;
            extra_roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::usage(format!(
                    "the CA bundle {} holds no usable PEM certificate: {e}",
                    path.display()
                ))
            })?;
            if extra_roots.is_empty() {
                return Err(Error::usage(format!(
                    "the CA bundle {} holds no PEM certificate",
                    path.display()
                )));
            }
        }
        let plain = Self::builder(&config)?
            .tls_certs_only(Vec::new())
            .build()
            .map_err(|e| {
                Error::internal(anyhow::Error::new(e).context("cannot set up the HTTP client"))
            })?;
        Ok(Http {
            plain,
            tls: OnceLock::new(),
            extra_roots,
            config,
            trace,
            redactor,
        })
    }

    fn builder(config: &HttpConfig) -> Result<reqwest::blocking::ClientBuilder, Error> {
        let builder = Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ims-share/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(30))
            .tcp_nodelay(true)
            // reqwest's own reading of the environment is off: proxies apply per destination.
            .no_proxy();
        if config.direct {
            Ok(builder)
        } else {
            config.proxies.apply(builder)
        }
    }

    /// The client for this URL: the TLS one (and the trust store) only for https. HTTP/2 is
    /// offered by ALPN there, HTTP/1.1 kept when the server does not take it.
    fn client_for(&self, url: &str) -> Result<&Client, Error> {
        if !url.starts_with("https:") {
            return Ok(&self.plain);
        }
        let built = self.tls.get_or_init(|| {
            let builder = Self::builder(&self.config).map_err(|e| e.to_string())?;
            let builder = if self.extra_roots.is_empty() {
                builder
            } else {
                builder.tls_certs_merge(self.extra_roots.iter().cloned())
            };
            builder.build().map_err(|e| {
                // reqwest says only "builder error": the cause is in the chain.
                format!("{:#}", anyhow::Error::new(e))
            })
        });
        built.as_ref().map_err(|e| {
            Error::usage_hint(
                format!("cannot set up the HTTPS client: {e}"),
                "install the system CA certificates (the ca-certificates package), or name a PEM bundle with SSL_CERT_FILE or --ca-bundle",
            )
        })
    }

    /// A secret that came up during the run (a token IAM issued): never printed from now on.
    pub(crate) fn redact(&self, secret: &str) {
        self.redactor.add(secret);
    }

    /// The line is only built when `-v` asked for it: requests are the hot path.
    fn trace(&self, line: impl FnOnce() -> String) {
        if self.config.verbose > 0 {
            (self.trace)(&self.redactor.text(&line()));
        }
    }

    /// Sends a call, retrying what is worth retrying. A 2xx answer must carry JSON (or nothing);
    /// a truncated or non-JSON 2xx body counts as a transient fault.
    pub(crate) fn send(&self, call: &Call<'_>) -> Result<Reply, Error> {
        let what = call.what();
        let mut tried: Vec<String> = Vec::new();
        let mut attempt = 0u32;
        let out_of_time =
            || Error::TimedOut(format!("{what}: no answer before the time given ran out"));
        loop {
            if crate::interrupt::is_set() {
                return Err(Error::Interrupted);
            }
            // Each attempt gets --request-timeout, and never more than what is left before
            // the call's deadline.
            let timeout = match call.deadline {
                None => self.config.request_timeout,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left.min(self.config.request_timeout),
                    _ => return Err(out_of_time()),
                },
            };
            let (failure, retry_after) = match self.attempt(call, &what, timeout) {
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
            if call.deadline.is_some_and(|d| Instant::now() + delay >= d) {
                return Err(out_of_time());
            }
            self.trace(|| {
                format!(
                    "retrying {what} in {} (attempt {} of {})",
                    humantime::format_duration(Duration::from_millis(delay.as_millis() as u64)),
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

    fn attempt(&self, call: &Call<'_>, what: &str, timeout: Duration) -> Result<Reply, Attempt> {
        let client = self
            .client_for(call.base.as_str())
            .map_err(|e| Attempt::Final(Box::new(e)))?;
        let request = build(client, call, timeout).map_err(|e| Attempt::Final(Box::new(e)))?;
        let url = request.url().to_string();
        let method = call.method.as_str();
        self.trace(|| format!("> {method} {url}"));
        if self.config.verbose > 1 {
            self.trace_headers(">", request.headers());
            if let Some(body) = call.body {
                self.trace(|| format!(">   body: {}", self.redactor.body(body)));
            }
        }
        let started = Instant::now();
        let response = match client.execute(request) {
            Ok(r) => r,
            Err(e) => {
                let (summary, failure) = response::transport_failure(&e, what, timeout);
                self.trace(|| {
                    format!(
                        "< {method} {url}: {summary} after {} ms",
                        started.elapsed().as_millis()
                    )
                });
                return Err(failure);
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_capped(response, what, timeout);
        self.trace(|| {
            format!(
                "< {status} {method} {url} {} ms{}",
                started.elapsed().as_millis(),
                response::request_id(&headers)
                    .map(|id| format!(" request-id={id}"))
                    .unwrap_or_default()
            )
        });
        let body = body?;
        if self.config.verbose > 1 {
            self.trace_headers("<", &headers);
            if !body.is_empty() {
                self.trace(|| format!("<   body: {}", self.redactor.body(&body)));
            }
        }
        response::classify(status, &headers, body, what)
    }

    fn trace_headers(&self, arrow: &str, headers: &HeaderMap) {
        for (name, value) in headers {
            let shown = if is_secret_header(name.as_str()) {
                crate::secret::REDACTED
            } else {
                value.to_str().unwrap_or("(binary)")
            };
            self.trace(|| format!("{arrow}   {name}: {shown}"));
        }
    }
}
