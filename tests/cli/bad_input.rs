//! The bad-input matrix: every row is refused before anything is sent, with exit 2 and a
//! message that names the bad value.

use crate::common::*;
use ims_share::emulator::seed::images as img;

struct Row {
    args: Vec<String>,
    config: Option<String>,
    env: Vec<(&'static str, String)>,
    stdin: Option<&'static str>,
    /// Substrings the message must hold.
    says: Vec<String>,
}

fn row(args: &[&str], says: &[&str]) -> Row {
    Row {
        args: args.iter().map(|s| s.to_string()).collect(),
        config: None,
        env: Vec::new(),
        stdin: None,
        says: says.iter().map(|s| s.to_string()).collect(),
    }
}

fn check(f: &Fixture, r: Row) {
    let mut cmd = f.cmd();
    if let Some(text) = &r.config {
        let path = f.path("matrix.toml");
        std::fs::write(&path, text).unwrap();
        cmd.arg("--config").arg(&path);
    }
    for (k, v) in &r.env {
        cmd.env(k, v);
    }
    if let Some(input) = r.stdin {
        cmd.write_stdin(input);
    }
    let out = run(cmd.args(&r.args));
    assert_eq!(out.code, 2, "{:?}\nstderr:\n{}", r.args, out.stderr);
    assert!(
        out.stdout.is_empty(),
        "{:?}: stdout stays empty on exit 2",
        r.args
    );
    for s in &r.says {
        assert!(
            out.stderr.contains(s.as_str()),
            "{:?}: expected {s:?} in\n{}",
            r.args,
            out.stderr
        );
    }
    assert!(f.requests().is_empty(), "{:?}: nothing was sent", r.args);
}

#[test]
fn the_bad_input_matrix() {
    let f = Fixture::new();
    let dir = f.path("a-directory.toml");
    std::fs::create_dir_all(&dir).unwrap();
    let rows = vec![
        row(&["--request-timeout", "0s", "status"], &["'0s' is zero"]),
        row(&["wait", "--interval", "0ms", "x"], &["'0ms' is zero"]),
        row(&["accept", "--timeout", "0s", "x"], &["'0s' is zero"]),
        row(
            &[
                "accept",
                img::UBUNTU,
                "0000-not-hex",
                "d164b5df-1bc3-4c3f-893e-3e471fd16e6",
                "d164b5df\u{1b}[2J",
            ],
            &[
                "'d164b5df-1bc3-4c3f-893e-3e471fd16e6'",
                "'d164b5df\\u{1b}[2J'",
                "nothing was sent",
            ],
        ),
        row(&["reject"], &["nothing to reject", "--all-pending"]),
        row(
            &["accept", "--all-pending", img::UBUNTU],
            &["--all-pending cannot be combined"],
        ),
        Row {
            stdin: Some("x\n"),
            ..row(
                &["accept", "--all-pending", "-"],
                &["--all-pending cannot be combined"],
            )
        },
        Row {
            stdin: Some("d164b5df-0000\n"),
            ..row(&["accept", "-"], &["'d164b5df-0000'"])
        },
        row(
            &[
                "wait",
                "--timeout",
                "30",
                "ffffffffffffffffffffffffffffffff",
            ],
            &["'30' has no unit"],
        ),
        row(
            &["accept", "--interval", "soon", img::UBUNTU],
            &["'soon' is not a duration"],
        ),
        row(&["--request-timeout", "5", "status"], &["'5' has no unit"]),
        row(&["wait", "job/../../x"], &["'job/../../x'"]),
        row(
            &["accept", "--batch-size", "0", img::UBUNTU],
            &["--batch-size", "at least 1"],
        ),
        row(
            &["accept", "--vault-id", "a b", img::UBUNTU],
            &["invalid --vault-id"],
        ),
        row(
            &["accept", "--all-pending", "--name", "[unclosed"],
            &["invalid --name glob '[unclosed'"],
        ),
        row(
            &["accept", "--owner", "p1", img::UBUNTU],
            &["--all-pending"],
        ),
        Row {
            config: Some("[profiles.a]\nregion = \"eu-de\"\n".into()),
            ..row(
                &["--profile", "nope", "status"],
                &["no profile 'nope'", "profiles there: a"],
            )
        },
        Row {
            config: Some("[profiles.a]\nsecret_kye = \"x\"\n".into()),
            ..row(&["status"], &["secret_kye", "line 2"])
        },
        Row {
            config: Some("[profiles.a]\nregion = eu-de\n".into()),
            ..row(&["status"], &["matrix.toml", "line 2, column"])
        },
        row(
            &["--config", dir.to_str().unwrap(), "status"],
            &["cannot read config file", "a-directory.toml"],
        ),
        row(
            &["--endpoint", "not a url", "status"],
            &["invalid endpoint 'not a url' (--endpoint)"],
        ),
        row(
            &["--endpoint", "ftp://ims.example.com", "status"],
            &["scheme 'ftp'"],
        ),
        row(
            &["--endpoint", "http://ims.example.com", "status"],
            &["plain-http endpoint 'http://ims.example.com'"],
        ),
        row(
            &["--project-id", "../x", "status"],
            &["invalid project id '../x' (--project-id)"],
        ),
        row(
            &["--profile", "a", "--os-cloud", "b", "status"],
            &["--profile and --os-cloud"],
        ),
        Row {
            env: vec![("OS_TOKEN", "tok".into())],
            ..row(
                &["status"],
                &["more than one kind of credentials", "AK/SK and token"],
            )
        },
        Row {
            env: vec![("HUAWEICLOUD_SDK_SK", String::new())],
            ..row(
                &["status"],
                &["incomplete AK/SK credentials", "secret key is missing"],
            )
        },
        // (`--mode per-image --no-wait` is accepted since turn 2: per_image.rs tests it.)
        row(
            &["status", "--member-status", "pending", img::UBUNTU],
            &["--member-status"],
        ),
        row(
            &["--ca-bundle", "/nonexistent/ca.pem", "status"],
            &["cannot read the CA bundle /nonexistent/ca.pem"],
        ),
        row(
            &[
                "--sandbox-state",
                "/proc/ims-share-cannot-exist/state.json",
                "--sandbox",
                "status",
            ],
            &["sandbox state file /proc/ims-share-cannot-exist/state.json"],
        ),
    ];
    for r in rows {
        check(&f, r);
    }
}

#[test]
fn a_ca_bundle_without_certificates_is_refused() {
    let f = Fixture::new();
    let path = f.path("empty.pem");
    std::fs::write(&path, "not a certificate\n").unwrap();
    let r = run(f.cmd().arg("--ca-bundle").arg(&path).args(["status"]));
    r.code(2);
    assert!(r.stderr.contains("holds no"), "{}", r.stderr);
    assert!(f.requests().is_empty());
}

#[test]
fn non_json_from_the_server_is_exit_5() {
    use ims_share::emulator::Knobs;
    let f = Fixture::with(
        seeded(),
        Knobs {
            truncate_every: Some(1),
            ..Knobs::default()
        },
    );
    let r = run(f.cmd().args(["--retries", "0", "status", "--json"]));
    r.code(5);
    assert!(r.stderr.contains("not valid JSON"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}
