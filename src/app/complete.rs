//! Shell completion and the manual page, both from the one command line definition.
//!
//! Completion is dynamic: the script a shell sources calls ims-share on TAB, which answers from
//! the clap definition plus a few values it finds on disk, never from the network: the profile
//! names of the config file, the clouds of clouds.yaml, the KooCLI profiles, and the images of
//! the last listing (kept in the cache directory for a day).

use crate::auth::cache::Cache;
use crate::cli::ShellArg;
use crate::settings::complete as values;
use crate::settings::env::Env;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use std::sync::Arc;
use std::time::SystemTime;

fn candidates(values: Vec<(String, Option<String>)>) -> Vec<CompletionCandidate> {
    values
        .into_iter()
        .map(|(v, help)| CompletionCandidate::new(v).help(help.map(Into::into)))
        .collect()
}

/// The images of the last listing: ids (with the name as help) and names.
fn images() -> Vec<CompletionCandidate> {
    let Some(cache) = Cache::user_default(Arc::new(|_: &str| {})) else {
        return Vec::new();
    };
    let recent = cache.load_listing(SystemTime::now());
    let mut out: Vec<(String, Option<String>)> = recent
        .iter()
        .map(|i| {
            let help = format!(
                "{} ({})",
                i.name.as_deref().unwrap_or("no name"),
                i.member_status
            );
            (i.id.clone(), Some(help))
        })
        .collect();
    out.extend(recent.iter().filter_map(|i| {
        let name = i.name.clone()?;
        (!name.contains(char::is_whitespace)).then(|| (name, Some(i.id.clone())))
    }));
    candidates(out)
}

fn owners() -> Vec<CompletionCandidate> {
    let env = Env::from_process();
    let named = values::owner_names(&env);
    let mut out: Vec<(String, Option<String>)> = named
        .iter()
        .map(|(id, name)| (name.clone(), Some(id.clone())))
        .collect();
    if let Some(cache) = Cache::user_default(Arc::new(|_: &str| {})) {
        let mut seen = std::collections::HashSet::new();
        for i in cache.load_listing(SystemTime::now()) {
            if let Some(o) = i.owner.filter(|o| seen.insert(o.clone())) {
                out.push((o, None));
            }
        }
    }
    candidates(out)
}

/// The command line definition with the completers of its values.
pub(crate) fn command() -> clap::Command {
    let with =
        |arg: clap::Arg, f: fn() -> Vec<CompletionCandidate>| arg.add(ArgValueCandidates::new(f));
    let images_of = |sub: clap::Command| {
        sub.mut_arg("ids", |a| with(a, images))
            .mut_arg("owner", |a| with(a, owners))
    };
    crate::cli::command()
        .mut_arg("profile", |a| {
            with(a, || {
                candidates(values::profile_names(&Env::from_process()))
            })
        })
        .mut_arg("os_cloud", |a| {
            with(a, || candidates(values::cloud_names(&Env::from_process())))
        })
        .mut_arg("hcloud_profile", |a| {
            with(a, || candidates(values::hcloud_names()))
        })
        .mut_subcommand("accept", images_of)
        .mut_subcommand("reject", images_of)
        .mut_subcommand("status", images_of)
}

/// The script that registers completion for `shell`.
pub(crate) fn script(shell: ShellArg) -> String {
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(shell.name())
        .expect("clap_complete knows every shell ims-share offers");
    let mut out = Vec::new();
    completer
        .write_registration("COMPLETE", "ims-share", "ims-share", "ims-share", &mut out)
        .expect("writing to memory cannot fail");
    String::from_utf8(out).expect("the script is text")
}

/// The manual page, in roff.
pub(crate) fn manual() -> String {
    let mut out = Vec::new();
    clap_mangen::Man::new(crate::cli::command())
        .render(&mut out)
        .expect("writing to memory cannot fail");
    String::from_utf8(out).expect("the page is text")
}
