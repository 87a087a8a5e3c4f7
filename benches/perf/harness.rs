//! The harness: the release binary (or a reference program such as curl) run with a clean
//! environment and reaped with wait4 for its wall time, CPU time and peak RSS (by the helper
//! of the `spawn` module); the emulator with latency knobs, over plain http or TLS with a
//! private CA; and the rows of the table.

use crate::spawn::{self, Spec};
use ims_share::emulator::state::{State, image, now_ms};
use ims_share::emulator::{Config, Emulator, Knobs, Store, seed};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub const BIN: &str = env!("CARGO_BIN_EXE_ims-share");

/// One line of the table.
pub struct Row {
    pub what: String,
    pub measured: String,
    pub ideal: String,
    pub ratio: Option<f64>,
    pub goal: String,
    pub rss_kb: Option<u64>,
    pub ok: bool,
}

/// What one run of a program cost, and what it printed.
pub struct Measured {
    pub elapsed: Duration,
    pub exited_at: SystemTime,
    pub code: i32,
    pub rss_kb: u64,
    /// User plus system CPU time, from wait4's rusage.
    pub cpu: Duration,
    pub stdout: String,
    pub stderr: String,
}

/// The release binary with a clean environment: a private HOME, the endpoint, the seed's AK/SK.
pub fn ims(url: &str, home: &Path, args: &[&str]) -> Spec {
    let mut cmd = Spec::new(BIN);
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("IMS_SHARE_ENDPOINT", url)
        .env("HUAWEICLOUD_SDK_AK", seed::ACCESS_KEY)
        .env("HUAWEICLOUD_SDK_SK", seed::SECRET_KEY)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", seed::PROJECT_ID);
    cmd
}

/// Runs the binary against the emulator (see [`ims`]) and reaps it, see [`reap`].
pub fn measure(url: &str, home: &Path, args: &[&str]) -> Measured {
    reap(&ims(url, home, args), None)
}

/// Runs `cmd` (with `input` on its stdin when given, else /dev/null; stdout and stderr into
/// files) from the helper process, which reaps it with wait4: see the `spawn` module.
pub fn reap(cmd: &Spec, input: Option<Vec<u8>>) -> Measured {
    let (reply, stdout, stderr) = spawn::run(cmd, input.as_deref());
    Measured {
        elapsed: reply.elapsed(),
        exited_at: reply.exited_at(),
        code: reply.code,
        rss_kb: reply.rss_kb,
        cpu: reply.cpu(),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

impl Measured {
    /// Asserts the exit code, showing stderr when it is not the one expected.
    #[track_caller]
    pub fn expect_code(&self, code: i32, what: &str) -> &Measured {
        assert_eq!(
            self.code, code,
            "{what}: exit code; stderr:\n{}",
            self.stderr
        );
        self
    }
}

/// An id of the form the emulator's images have: the `n`th one.
pub fn image_id(n: usize) -> String {
    format!("{n:08x}-0000-4000-8000-{n:012x}")
}

/// An account with only the images given, shared with the seed's project from another one:
/// `count` images in each member `status`, ids numbered on across the groups, named
/// bench-image-NNNNN, the newest first.
pub fn shared(groups: &[(usize, &str)]) -> (State, Vec<String>) {
    let mut s = seed::account(now_ms());
    s.images.clear();
    s.members.clear();
    let now = now_ms();
    let mut ids = Vec::new();
    let mut i = 0;
    for &(count, status) in groups {
        for _ in 0..count {
            let id = image_id(i + 1);
            s.share(
                image(
                    &id,
                    &format!("bench-image-{i:05}"),
                    seed::PLATFORM_PROJECT,
                    now - i as u64,
                ),
                seed::PROJECT_ID,
                status,
            );
            ids.push(id);
            i += 1;
        }
    }
    (s, ids)
}

/// An account with `n` images pending for the seed's project.
pub fn pending(n: usize) -> (State, Vec<String>) {
    shared(&[(n, "pending")])
}

pub fn emulator(state: State, knobs: Knobs) -> Emulator {
    start(state, knobs, None)
}

fn start(state: State, knobs: Knobs, tls: Option<Arc<rustls::ServerConfig>>) -> Emulator {
    Emulator::start(
        Store::memory(state),
        Config {
            knobs,
            tls,
            ..Config::default()
        },
    )
    .expect("the emulator starts")
}

/// A private CA and a certificate it issued for 127.0.0.1 and localhost.
pub struct Pki {
    pub ca_pem: String,
    cert: CertificateDer<'static>,
    key: Vec<u8>,
}

impl Pki {
    pub fn new() -> Pki {
        let ca_key = KeyPair::generate().expect("a CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        // Names of their own: OpenSSL (curl) takes a leaf whose issuer is its own subject, as
        // rcgen's default names would make it, for a self-signed certificate.
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "ims-share bench CA");
        let ca = ca_params.self_signed(&ca_key).expect("the CA signs itself");
        let issuer = Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate().expect("a server key");
        let mut params = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
            .expect("server params");
        params
            .distinguished_name
            .push(DnType::CommonName, "127.0.0.1");
        let cert = params.signed_by(&key, &issuer).expect("the CA signs");
        Pki {
            ca_pem: ca.pem(),
            cert: cert.der().clone(),
            key: key.serialize_der(),
        }
    }

    /// Writes the CA certificate into `dir`, for `--ca-bundle` and `curl --cacert`.
    pub fn write_ca(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("the CA is written");
        path
    }
}

/// The emulator behind TLS with `pki`'s certificate, offering h2 and http/1.1 by ALPN.
pub fn tls_emulator(state: State, knobs: Knobs, pki: &Pki) -> Emulator {
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![pki.cert.clone()],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key.clone())),
    )
    .expect("the server certificate");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    start(state, knobs, Some(Arc::new(config)))
}

/// Where `program` is on PATH, if it is.
pub fn find_program(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

pub fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}
