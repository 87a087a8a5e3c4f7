//! Issue 17, the transport: one accept against one `curl` sending the same PUT, over plain
//! http and over TLS with a private CA; the trust store's share of a plain-http run; and
//! per-image accept over TLS with the handshakes counted.

use crate::harness::{
    Measured, Pki, Row, emulator, ims, mb, measure, median, ms, pending, reap, secs, tls_emulator,
};
use crate::spawn::Spec;
use ims_share::emulator::{Emulator, Knobs, seed};
use std::path::Path;
use std::time::Duration;

/// Interleaved runs of each side of a comparison, so that both see the same machine.
const RUNS: usize = 31;

/// The medians of one side: wall time and CPU (user + sys).
struct Side {
    wall: Duration,
    cpu: Duration,
    rss_kb: u64,
}

impl Side {
    fn of(runs: &[Measured]) -> Side {
        Side {
            wall: median(runs.iter().map(|m| m.elapsed).collect()),
            cpu: median(runs.iter().map(|m| m.cpu).collect()),
            rss_kb: runs.iter().map(|m| m.rss_kb).max().unwrap_or(0),
        }
    }
}

/// One accept of one image by ims-share and by curl, against the same emulator.
struct Accepts {
    ims: Side,
    curl: Side,
    /// ims-share with `SSL_CERT_FILE` naming one certificate (plain http only): the issue's
    /// way of taking the trust store out of a run.
    one_cert: Option<Side>,
    /// Requests one ims-share run sends.
    requests: usize,
}

/// `curl` sending the PUT that ims-share sent, with the seed's static token instead of an
/// AK/SK signature (the emulator checks either), `--cacert` for a TLS endpoint.
fn curl_put(curl: &Path, url: &str, content_type: &str, body: &str, ca: Option<&Path>) -> Spec {
    let mut cmd = Spec::new(curl);
    cmd.args(["-q", "-sS", "-o", "/dev/null", "-w", "%{http_code}"])
        .args(["-X", "PUT", "-H"])
        .arg(format!("Content-Type: {content_type}"))
        .arg("-H")
        .arg(format!("X-Auth-Token: {}", seed::TOKEN))
        .args(["--data-binary", body]);
    if let Some(ca) = ca {
        cmd.arg("--cacert").arg(ca);
    }
    cmd.arg(url);
    cmd
}

fn accepts(curl: &Path, emu: &Emulator, ca: Option<&Path>, image: &str) -> Accepts {
    let home = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = Vec::new();
    if let Some(ca) = ca {
        args.extend(["--ca-bundle".into(), ca.display().to_string()]);
    }
    args.extend(["accept", "--mode", "per-image", "-o", "plain", image].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = measure(&emu.url(), home.path(), &args);
    first.expect_code(0, "one accept");
    let sent = emu.requests();
    let put = sent
        .iter()
        .find(|r| r.method == "PUT")
        .expect("the accept sent a PUT");
    let mut url = format!("{}{}", emu.url(), put.path);
    if !put.raw_query.is_empty() {
        url = format!("{url}?{}", put.raw_query);
    }
    let content_type = put.header("content-type").unwrap_or("application/json");
    let body = String::from_utf8(put.body.clone()).expect("a JSON body");
    // For the trust-store check: one certificate, and a directory with none.
    let pki = Pki::new();
    let one_cert = pki.write_ca(home.path());
    let empty = home.path().join("no-certs");
    std::fs::create_dir_all(&empty).unwrap();
    let (mut ours, mut theirs, mut bare) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let m = measure(&emu.url(), home.path(), &args);
        m.expect_code(0, "one accept");
        ours.push(m);
        let m = reap(&curl_put(curl, &url, content_type, &body, ca), None);
        m.expect_code(0, "curl PUT");
        assert_eq!(m.stdout, "200", "curl's PUT was answered 200");
        theirs.push(m);
        if ca.is_none() {
            let mut cmd = ims(&emu.url(), home.path(), &args);
            cmd.env("SSL_CERT_FILE", &one_cert)
                .env("SSL_CERT_DIR", &empty);
            let m = reap(&cmd, None);
            m.expect_code(0, "one accept, SSL_CERT_FILE = one certificate");
            bare.push(m);
        }
    }
    Accepts {
        ims: Side::of(&ours),
        curl: Side::of(&theirs),
        one_cert: (!bare.is_empty()).then(|| Side::of(&bare)),
        requests: sent.len(),
    }
}

/// One accept over plain http against one curl PUT: wall time, CPU, and the trust store's share.
pub fn plain_accept(curl: &Path) -> Vec<Row> {
    let (state, ids) = pending(1);
    let emu = emulator(state, Knobs::default());
    let a = accepts(curl, &emu, None, &ids[0]);
    let wall = a.ims.wall.as_secs_f64() / a.curl.wall.as_secs_f64();
    let cpu = a.ims.cpu.as_secs_f64() / a.curl.cpu.as_secs_f64();
    let bare = a.one_cert.expect("measured for plain http");
    let store = a.ims.cpu.as_secs_f64() / bare.cpu.as_secs_f64();
    vec![
        Row {
            what: format!(
                "one accept over plain http ({} requests) vs one curl PUT, wall (median of {RUNS})",
                a.requests
            ),
            measured: ms(a.ims.wall),
            ideal: format!("{} (curl)", ms(a.curl.wall)),
            ratio: Some(wall),
            goal: "ratio <= 1.0 (no slower than parity)".into(),
            rss_kb: Some(a.ims.rss_kb),
            ok: wall <= 1.0,
        },
        Row {
            what: format!(
                "the same, CPU user+sys from wait4 (median of {RUNS}; curl peak RSS {})",
                mb(a.curl.rss_kb)
            ),
            measured: ms(a.ims.cpu),
            ideal: format!("{} (curl)", ms(a.curl.cpu)),
            ratio: Some(cpu),
            goal: "ratio <= 0.59 (parity less the trust store's +70%: 1/1.7)".into(),
            rss_kb: Some(a.ims.rss_kb),
            ok: cpu <= 1.0 / 1.7,
        },
        Row {
            what: format!(
                "trust store's share: the same CPU, system store vs SSL_CERT_FILE = one certificate (median of {RUNS})"
            ),
            measured: ms(a.ims.cpu),
            ideal: format!("{} (one certificate)", ms(bare.cpu)),
            ratio: Some(store),
            goal: "ratio <= 1.1 (was 1.7)".into(),
            rss_kb: Some(a.ims.rss_kb),
            ok: store <= 1.1,
        },
    ]
}

/// One accept over TLS with a private CA (`--ca-bundle`) against `curl --cacert`.
pub fn tls_accept(curl: &Path) -> Row {
    let pki = Pki::new();
    let (state, ids) = pending(1);
    let emu = tls_emulator(state, Knobs::default(), &pki);
    let dir = tempfile::tempdir().unwrap();
    let ca = pki.write_ca(dir.path());
    let a = accepts(curl, &emu, Some(&ca), &ids[0]);
    let ratio = a.ims.wall.as_secs_f64() / a.curl.wall.as_secs_f64();
    Row {
        what: format!(
            "one accept over TLS, private CA (--ca-bundle; {} requests, {} connections in {} runs) \
             vs curl --cacert, wall (median of {RUNS}; ALPN h2, http/1.1)",
            a.requests,
            emu.connections(),
            2 * RUNS + 1
        ),
        measured: format!("{} (CPU {})", ms(a.ims.wall), ms(a.ims.cpu)),
        ideal: format!("{} (curl; CPU {})", ms(a.curl.wall), ms(a.curl.cpu)),
        ratio: Some(ratio),
        goal: "ratio <= 1.1".into(),
        rss_kb: Some(a.ims.rss_kb),
        ok: ratio <= 1.1,
    }
}

/// Per-image accept of 500 images over TLS at 50 ms latency, `--concurrency 16`: time against
/// 500/16 x 50 ms, and TLS handshakes (connections accepted) against the concurrency.
pub fn per_image_tls() -> Row {
    const RUNS: usize = 3;
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let ca = pki.write_ca(dir.path());
    let ca = ca.display().to_string();
    let mut times = Vec::new();
    let (mut handshakes, mut in_flight, mut rss) = (Vec::new(), 0, 0);
    for _ in 0..RUNS {
        // A fresh account each run: every image pending again.
        let (state, ids) = pending(500);
        let emu = tls_emulator(
            state,
            Knobs {
                latency: Some(Duration::from_millis(50)),
                ..Knobs::default()
            },
            &pki,
        );
        let home = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--ca-bundle",
            &ca,
            "accept",
            "--mode",
            "per-image",
            "--concurrency",
            "16",
            "-o",
            "plain",
        ];
        args.extend(ids.iter().map(String::as_str));
        let m = measure(&emu.url(), home.path(), &args);
        m.expect_code(0, "per-image accept over TLS");
        assert_eq!(m.stdout.lines().count(), 500);
        times.push(m.elapsed);
        handshakes.push(emu.connections());
        in_flight = in_flight.max(emu.max_in_flight());
        rss = rss.max(m.rss_kb);
    }
    let elapsed = median(times.clone());
    let ideal = Duration::from_millis(50) * 500 / 16;
    let ratio = elapsed.as_secs_f64() / ideal.as_secs_f64();
    let most = handshakes.iter().copied().max().unwrap_or(0);
    let runs: Vec<String> = times
        .iter()
        .map(|t| format!("{:.3}", t.as_secs_f64()))
        .collect();
    Row {
        what: format!(
            "per-image accept over TLS, 500 images, 50 ms latency, --concurrency 16 \
             (median of {RUNS}: {} s; max {in_flight} in flight; TLS handshakes {:?})",
            runs.join(", "),
            handshakes
        ),
        measured: format!("{}, {most} handshakes", secs(elapsed)),
        ideal: format!("{} (500/16 x 50 ms), 16", secs(ideal)),
        ratio: Some(ratio),
        goal: "ratio <= 1.15 and handshakes <= 16".into(),
        rss_kb: Some(rss),
        ok: ratio <= 1.15 && most <= 16,
    }
}
