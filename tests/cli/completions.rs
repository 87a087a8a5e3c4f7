//! Shell completion and the manual page, from the binary: the checked-in scripts are what
//! `ims-share completions SHELL` prints, and completion works in a real bash, zsh and fish,
//! for options and for values found on disk (profile names, the images of the last listing).
//! Regenerate the scripts with `IMS_SHARE_UPDATE_COMPLETIONS=1 cargo test --test cli completions`.

use crate::common::*;
use ims_share::emulator::seed::images as img;
use std::path::Path;

const FILES: [(&str, &str); 5] = [
    ("bash", "ims-share.bash"),
    ("zsh", "_ims-share"),
    ("fish", "ims-share.fish"),
    ("powershell", "_ims-share.ps1"),
    ("elvish", "ims-share.elv"),
];

#[test]
fn the_checked_in_scripts_are_what_the_binary_prints() {
    let f = Fixture::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("IMS_SHARE_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in FILES {
        let r = run(f.bare().args(["completions", shell]));
        r.code(0);
        assert!(r.stdout.contains("ims-share"), "{shell}: {}", r.stdout);
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &r.stdout).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(r.stdout.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale completions {stale:?}: run IMS_SHARE_UPDATE_COMPLETIONS=1 cargo test --test cli completions"
    );
}

/// A fixture whose config has one profile and whose cache holds a listing of the sandbox.
fn ready() -> Fixture {
    let f = Fixture::new();
    f.write_config(
        &format!(
            "[profiles.sandbox-lab]\nims_endpoint = \"{}\"\nproject_id = \"{ME}\"\naccess_key = \"{}\"\nsecret_key = \"{}\"\n",
            f.url(),
            ims_share::emulator::seed::ACCESS_KEY,
            ims_share::emulator::seed::SECRET_KEY
        ),
        0o600,
    );
    run(f.bare().args(["--profile", "sandbox-lab", "status"])).code(0);
    f
}

/// Runs `script` with `shell`, the binary first on PATH, in the fixture's environment.
fn shell(f: &Fixture, shell: &str, args: &[&str], script: &str) -> String {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_ims-share")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = f
        .process("timeout")
        .env("PATH", path)
        .arg("30")
        .arg(shell)
        .args(args)
        .arg(script)
        .output()
        .unwrap_or_else(|e| panic!("{shell} is needed for this test ({e})"));
    assert!(
        out.status.success(),
        "{shell} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn bash_completes_options_and_values() {
    let f = ready();
    let script = r#"
source <(ims-share completions bash)
t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=()
      _clap_complete_ims_share ims-share "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
      echo "${COMPREPLY[*]}"; }
t ims-share accept --all-pe
t ims-share --profile sand
t ims-share accept 6596
t ims-share rej
"#;
    let out = shell(&f, "bash", &["-c"], script);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0].trim(), "--all-pending", "{out}");
    assert_eq!(lines[1].trim(), "sandbox-lab", "{out}");
    assert_eq!(lines[2].trim(), img::UBUNTU, "{out}");
    assert_eq!(lines[3].trim(), "reject", "{out}");
}

#[test]
fn fish_completes_options_and_values() {
    let f = ready();
    let script = "ims-share completions fish | source
complete -C 'ims-share accept --all-p'
complete -C 'ims-share --profile sand'
complete -C 'ims-share status rhel-9'";
    let out = shell(&f, "fish", &["-c"], script);
    assert!(out.contains("--all-pending\t"), "{out}");
    assert!(out.contains("sandbox-lab"), "{out}");
    assert!(out.contains("rhel-9.5-golden-2026.11"), "{out}");
}

#[test]
fn zsh_completes_options_and_values() {
    let f = ready();
    // An interactive zsh on a pseudo-terminal (zpty): type, press TAB, read the line back.
    let script = r#"
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z 'PS1="> "; autoload -Uz compinit; compinit -u -D; source <(ims-share completions zsh)'
zpty -w -n z $'ims-share accept --all-pe\t'
zpty -r z out '*--all-pending*' && print -r -- "option: yes"
zpty -w z $'\C-u'
zpty -w -n z $'ims-share --profile sand\t'
zpty -r z out '*sandbox-lab*' && print -r -- "profile: yes"
zpty -d z
"#;
    let out = shell(&f, "zsh", &["-f", "-c"], script);
    assert!(out.contains("option: yes"), "{out}");
    assert!(out.contains("profile: yes"), "{out}");
}

#[test]
fn nothing_completes_from_an_absent_or_old_listing() {
    let script = r#"
source <(ims-share completions bash)
COMP_WORDS=(ims-share accept 6596); COMP_CWORD=2; COMPREPLY=()
_clap_complete_ims_share ims-share 6596 accept
echo "[${COMPREPLY[*]}]"
"#;
    let f = Fixture::new();
    let out = shell(&f, "bash", &["-c"], script);
    assert_eq!(out.trim(), "[]", "no cache, no candidates");
    assert!(f.requests().is_empty(), "TAB never sends a request");
    // A listing of two days ago offers nothing either.
    let g = ready();
    let before = g.requests().len();
    let listing = g.path(".cache/ims-share/listing.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&listing).unwrap()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    v["stored_at"] = serde_json::json!(now - 2 * 24 * 3600);
    std::fs::write(&listing, v.to_string()).unwrap();
    let out = shell(&g, "bash", &["-c"], script);
    assert_eq!(out.trim(), "[]", "an old listing, no candidates");
    assert_eq!(g.requests().len(), before, "TAB never sends a request");
}

#[test]
fn the_manual_page_renders() {
    let f = Fixture::new();
    let r = run(f.bare().arg("man"));
    r.code(0);
    assert!(
        r.stdout.starts_with(".ie") || r.stdout.contains(".TH"),
        "roff"
    );
    let page = f.path("ims-share.1");
    std::fs::write(&page, &r.stdout).unwrap();
    let out = f
        .process("man")
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .arg("-l")
        .arg(&page)
        .output()
        .expect("man is needed for this test (man-db)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("NAME") && text.contains("ims-share"),
        "{text}"
    );
    assert!(text.contains("accept"), "{text}");
}

/// Release hygiene: `--version` names the commit and the build date when built from git.
#[test]
fn version_names_the_commit_and_the_build_date() {
    let f = Fixture::new();
    let r = run(f.bare().arg("--version"));
    r.code(0);
    let line = r.stdout.trim_end();
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let version = format!("ims-share {}", env!("CARGO_PKG_VERSION"));
    match head {
        Some(commit) => {
            let prefix = format!("{version} (commit {commit}, built ");
            assert!(line.starts_with(&prefix), "{line:?} vs {prefix:?}");
            let date = line[prefix.len()..].trim_end_matches(')');
            let parts: Vec<&str> = date.split('-').collect();
            assert!(
                parts.len() == 3 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())),
                "a date: {date:?}"
            );
        }
        // Built outside a git checkout (from a registry's crate): the version alone.
        None => assert_eq!(line, version),
    }
}
