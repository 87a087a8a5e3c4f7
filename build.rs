//! Tells `--version` which commit it was built from and when, when built from a git checkout
//! (a crate downloaded from a registry has no `.git`: then the version alone).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_string())
}

fn main() {
    // Rebuilt when HEAD moves (a commit, a checkout), so the commit shown is the one built.
    if let Some(head) = git(&["rev-parse", "--git-path", "HEAD"]) {
        println!("cargo:rerun-if-changed={head}");
    }
    if let Some(branch) =
        git(&["symbolic-ref", "-q", "HEAD"]).and_then(|r| git(&["rev-parse", "--git-path", &r]))
    {
        println!("cargo:rerun-if-changed={branch}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let version = env!("CARGO_PKG_VERSION");
    let long = match git(&["rev-parse", "--short=10", "HEAD"]) {
        Some(commit) => {
            // SOURCE_DATE_EPOCH (reproducible builds) wins over the clock.
            let when = std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .map(|s| std::time::UNIX_EPOCH + std::time::Duration::from_secs(s))
                .unwrap_or_else(std::time::SystemTime::now);
            let date = humantime::format_rfc3339_seconds(when).to_string();
            format!("{version} (commit {commit}, built {})", &date[..10])
        }
        None => version.to_string(),
    };
    println!("cargo:rustc-env=IMS_SHARE_LONG_VERSION={long}");
}
