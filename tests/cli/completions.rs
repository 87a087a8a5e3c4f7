//! The shell completions in completions/ are generated from the clap definition; this test
//! fails when they are stale. Regenerate with:
//! `IMS_SHARE_UPDATE_COMPLETIONS=1 cargo test --test cli completions`

use clap::CommandFactory;
use clap_complete::Shell;
use ims_share::cli::Cli;

const FILES: [(Shell, &str); 5] = [
    (Shell::Bash, "ims-share.bash"),
    (Shell::Zsh, "_ims-share"),
    (Shell::Fish, "ims-share.fish"),
    (Shell::PowerShell, "_ims-share.ps1"),
    (Shell::Elvish, "ims-share.elv"),
];

fn generate(shell: Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "ims-share", &mut out);
    String::from_utf8(out).expect("completions are text")
}

#[test]
fn completions_are_fresh() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("IMS_SHARE_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in FILES {
        let path = dir.join(file);
        let fresh = generate(shell);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(fresh.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale completions {stale:?}: run IMS_SHARE_UPDATE_COMPLETIONS=1 cargo test --test cli completions"
    );
    for (_, file) in FILES {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(
            text.contains("all-pending") && text.contains("member-status"),
            "{file}"
        );
    }
}
