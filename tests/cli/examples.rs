//! Every example of every `--help` runs as written (on the sandbox, in a fresh account):
//! no usage error, and the commands meant to succeed succeed.

use crate::common::*;
use ims_share::emulator::seed::images as img;
use std::process::Command;

/// The example lines of one help text: the lines after "Examples:" that start with a command.
fn examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.trim().to_string())
        .collect()
}

/// Runs one example line with bash, `ims-share` being the binary on a sandbox account.
fn run_example(f: &Fixture, line: &str) -> (i32, String) {
    let state = f.path("examples-sandbox.json");
    if !state.exists() {
        // The seeded account, with jobs short enough for a test.
        std::fs::write(&state, serde_json::to_vec(&seeded()).unwrap()).unwrap();
    }
    let work = f.path("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(
        work.join("ids.txt"),
        format!("{}\n{}\n", img::UBUNTU, img::RHEL),
    )
    .unwrap();
    if !work.join("jobs.txt").exists() {
        std::fs::write(work.join("jobs.txt"), "").unwrap();
    }
    // The examples that name a file of the repository (examples/policy.toml) find it.
    let examples = work.join("examples");
    if !examples.exists() {
        std::fs::create_dir_all(&examples).unwrap();
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        for entry in std::fs::read_dir(repo).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), examples.join(entry.file_name())).unwrap();
        }
    }
    let bin = env!("CARGO_BIN_EXE_ims-share");
    // The server examples would serve for ever: on a free port, stopped by Ctrl-C.
    let line = if line.starts_with("ims-share sandbox") && !line.contains("--reset") {
        let listen = if line.contains("--listen") {
            ""
        } else {
            " --listen 127.0.0.1:0"
        };
        format!("timeout --preserve-status -s INT 2 bash -c '{line}{listen}'")
    } else {
        line.to_string()
    };
    let script = format!(
        "ims-share() {{ '{bin}' --sandbox --sandbox-state '{}' \"$@\"; }}\nexport -f ims-share\nset -o pipefail\n{line}",
        state.display()
    );
    let out = f
        .process("bash")
        .current_dir(&work)
        .args(["-c", &script])
        .output()
        .expect("bash runs");
    let said = format!(
        "{line}\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), said)
}

#[test]
fn every_help_example_runs() {
    let have = |tool: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    assert!(
        have("bash") && have("jq") && have("timeout"),
        "bash, jq and timeout are needed"
    );
    let f = Fixture::new();
    let mut ran = 0;
    for cmd in [
        "", "accept", "reject", "status", "wait", "sync", "jobs", "sandbox",
    ] {
        let mut help = f.bare();
        if !cmd.is_empty() {
            help.arg(cmd);
        }
        let text = run(help.arg("--help")).stdout;
        let lines = examples(&text);
        assert!(!lines.is_empty(), "`{cmd} --help` has examples");
        for line in lines {
            let (code, said) = run_example(&f, &line);
            // 0, or 1 where the sandbox's seeded failures show (the full-ECS image without a
            // vault, the image whose job fails, a job id that is only an example).
            assert!(code == 0 || code == 1, "exit {code}: {said}");
            ran += 1;
        }
    }
    assert!(ran >= 20, "{ran} examples");
}
