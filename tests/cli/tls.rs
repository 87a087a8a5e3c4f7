//! TLS is always verified; --ca-bundle, ca_bundle and OS_CACERT add a CA.

use crate::common::*;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Pki {
    ca_pem: String,
    cert: CertificateDer<'static>,
    key: Vec<u8>,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    Pki {
        ca_pem: ca.pem(),
        cert: cert.der().clone(),
        key: key.serialize_der(),
    }
}

/// A TLS server on 127.0.0.1 that answers every request with an empty image list.
fn serve(pki: &Pki) -> (u16, Arc<AtomicUsize>) {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![pki.cert.clone()],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key.clone())),
    )
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answered = Arc::new(AtomicUsize::new(0));
    let count = answered.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            let ok = loop {
                match tls.read(&mut buf) {
                    Ok(0) | Err(_) => break false,
                    Ok(n) => {
                        request.extend_from_slice(&buf[..n]);
                        if request.windows(4).any(|w| w == b"\r\n\r\n") {
                            break true;
                        }
                    }
                }
            };
            if !ok {
                continue;
            }
            let body = "{\"images\": []}";
            let _ = write!(
                tls,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            tls.conn.send_close_notify();
            let _ = tls.flush();
            count.fetch_add(1, Ordering::SeqCst);
        }
    });
    (port, answered)
}

#[test]
fn an_unknown_ca_is_refused_and_an_added_one_is_trusted() {
    let f = Fixture::new();
    let pki = pki();
    let (port, answered) = serve(&pki);
    let endpoint = format!("https://127.0.0.1:{port}");
    let ca = f.path("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();

    let refused = run(f.cmd().args([
        "--endpoint",
        &endpoint,
        "status",
        "--member-status",
        "pending",
    ]));
    refused.code(5);
    assert!(
        refused.stderr.contains("invalid peer certificate"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("--ca-bundle"),
        "the hint says how to trust a private CA: {}",
        refused.stderr
    );
    assert_eq!(
        answered.load(Ordering::SeqCst),
        0,
        "nothing was answered over an unverified connection"
    );

    let trusted = run(f.cmd().arg("--ca-bundle").arg(&ca).args([
        "--endpoint",
        &endpoint,
        "status",
        "--member-status",
        "pending",
        "--json",
    ]));
    trusted.code(0);
    assert_eq!(trusted.stdout, "{\n  \"images\": []\n}\n");

    let from_env = run(f.cmd().env("OS_CACERT", &ca).args([
        "--endpoint",
        &endpoint,
        "status",
        "--member-status",
        "pending",
    ]));
    from_env.code(0);
    assert_eq!(answered.load(Ordering::SeqCst), 2);
}
/// A server config for the emulator: the test PKI's certificate, offering `alpn`.
fn emulator_tls(pki: &Pki, alpn: &[&[u8]]) -> Arc<rustls::ServerConfig> {
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![pki.cert.clone()],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key.clone())),
    )
    .unwrap();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Arc::new(config)
}

fn tls_fixture(
    state: ims_share::emulator::state::State,
    tls: Arc<rustls::ServerConfig>,
) -> Fixture {
    let emu = ims_share::emulator::Emulator::start(
        ims_share::emulator::Store::memory(state),
        ims_share::emulator::Config {
            tls: Some(tls),
            ..ims_share::emulator::Config::default()
        },
    )
    .unwrap();
    Fixture {
        emu,
        home: tempfile::tempdir().unwrap(),
    }
}

#[test]
fn plain_http_reads_no_trust_store() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .env("SSL_CERT_FILE", "/nonexistent/ca.pem")
        .env("SSL_CERT_DIR", "/nonexistent")
        .args(["status", "--member-status", "pending"]));
    r.code(0);
}

#[test]
fn ssl_cert_file_names_the_trusted_cas() {
    let f = Fixture::new();
    let pki = pki();
    let (port, answered) = serve(&pki);
    let ca = f.path("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let r = run(f.cmd().env("SSL_CERT_FILE", &ca).args([
        "--endpoint",
        &format!("https://127.0.0.1:{port}"),
        "status",
        "--member-status",
        "pending",
    ]));
    r.code(0);
    assert_eq!(answered.load(Ordering::SeqCst), 1);
}

#[test]
fn per_image_over_h2_uses_one_connection_and_falls_back_to_http1() {
    // Over HTTP/1.1: the 4 workers' connections and the listing's, and more when a worker asks
    // before the connection it used is back in the pool (the pool gets it once the body is
    // read, which a loaded machine delays): at most half the 21 requests, which is the point.
    for (alpn, most) in [
        (&[&b"h2"[..], b"http/1.1"][..], 1),
        (&[&b"http/1.1"[..]][..], 10),
    ] {
        let pki = pki();
        let (state, ids) = many_pending(20);
        let f = tls_fixture(state, emulator_tls(&pki, alpn));
        let ca = f.path("ca.pem");
        std::fs::write(&ca, &pki.ca_pem).unwrap();
        let mut cmd = f.cmd();
        cmd.arg("--ca-bundle").arg(&ca).args([
            "accept",
            "--mode",
            "per-image",
            "--concurrency",
            "4",
            "-o",
            "plain",
        ]);
        cmd.args(&ids);
        let r = run(&mut cmd);
        r.code(0);
        assert_eq!(r.stdout.lines().count(), 20);
        let connections = f.emu.connections();
        assert!(
            connections <= most,
            "{connections} connections (at most {most}) with ALPN {alpn:?}"
        );
    }
}
