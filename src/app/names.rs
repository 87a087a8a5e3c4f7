//! `accept NAME` or `reject NAME` over several targets: a name is looked up on every target
//! before any target sends anything, so a name that one target does not know (or knows twice)
//! stops the whole run with nothing changed anywhere (exit 2), as it does on one target.

use super::connect::{self, Sandbox};
use super::targets::{Guards, Outcome, outcome};
use crate::commands::Report;
use crate::commands::lookup;
use crate::domain::{ImageRef, MemberStatus};
use crate::error::{Error, Exit};
use crate::output::Output;
use crate::settings::{KnownImage, Planned, Selection, Settings, Task};
use std::sync::Arc;

/// What the look-up decided.
pub(super) enum Looked {
    /// Every name is an id now; the targets that could not be asked are done (their failure).
    Go(Vec<(usize, Outcome)>),
    /// A name did not resolve somewhere, or Ctrl-C: every target is done, nothing was sent.
    Stop(Vec<(usize, Outcome)>),
}

/// The refs of a change, when they hold a name (a dry run too: it plans what the run would
/// do, and the run would stop).
fn names_of(task: &Task) -> Option<&[ImageRef]> {
    match task {
        Task::Change(c) => match &c.selection {
            Selection::Images(refs) if lookup::has_names(refs) => Some(refs),
            _ => None,
        },
        _ => None,
    }
}

/// Looks the names up on every target (`parallel` at a time) and, when all resolve, puts the
/// ids in their place.
pub(super) fn look_up(
    settings: &Settings,
    parallel: usize,
    planned: &mut Vec<(usize, Planned)>,
    out: &Arc<Output>,
    guards: &Guards,
    sandbox: Option<&Sandbox>,
) -> Looked {
    if planned.len() < 2 || !planned.iter().any(|(_, p)| names_of(&p.task).is_some()) {
        return Looked::Go(Vec::new());
    }
    let answers = crate::pool::run(
        planned.as_slice(),
        parallel,
        false,
        &crate::interrupt::is_set,
        &|(_, p): &(usize, Planned)| -> Result<Option<Vec<KnownImage>>, Lookup> {
            let Some(refs) = names_of(&p.task) else {
                return Ok(None);
            };
            let target_out = out.for_target(&p.label.label());
            target_out.spin("looking up image names…");
            let listed = connect::connect(
                settings,
                &p.target,
                &target_out,
                guards.of(&p.target),
                sandbox,
            )
            .and_then(|c| lookup::list(&c.session, &MemberStatus::ALL));
            target_out.clear_spinner();
            let listed = listed.map_err(Lookup::Failed)?;
            let ids = lookup::resolve(refs, &listed).map_err(Lookup::Names)?;
            // What the listing says of each (its name, full-ECS or not): the run need not
            // list again.
            Ok(Some(
                ids.into_iter()
                    .map(|id| match listed.iter().find(|l| l.id == id) {
                        Some(l) => KnownImage {
                            id,
                            name: l.name.clone(),
                            whole_image: l.whole_image,
                        },
                        None => KnownImage {
                            id,
                            name: None,
                            whole_image: false,
                        },
                    })
                    .collect(),
            ))
        },
    );
    let answers: Vec<Result<Option<Vec<KnownImage>>, Lookup>> = answers
        .into_iter()
        .map(|a| a.unwrap_or(Err(Lookup::Failed(Error::Interrupted))))
        .collect();
    let interrupted = crate::interrupt::is_set();
    let unresolved: Vec<String> = planned
        .iter()
        .zip(&answers)
        .filter(|(_, a)| matches!(a, Err(Lookup::Names(_))))
        .map(|((_, p), _)| p.label.label())
        .collect();
    if interrupted || !unresolved.is_empty() {
        let why = if interrupted {
            "interrupted while looking up image names: nothing was sent".to_string()
        } else {
            format!(
                "not sent: an image name does not resolve on {}; nothing was sent on any target",
                unresolved.join(", ")
            )
        };
        return Looked::Stop(
            planned
                .iter()
                .zip(answers)
                .map(|((slot, p), answer)| {
                    let report = match answer {
                        _ if interrupted => {
                            let mut r = Report::exit_only(Exit::Interrupted);
                            r.notes.push(why.clone());
                            r
                        }
                        Err(Lookup::Names(e) | Lookup::Failed(e)) => Report::failed(e),
                        Ok(_) => Report::failed(Error::usage_hint(
                            why.clone(),
                            "every target looks the names up; give ids instead (`ims-share status` lists each target's images), or leave out the targets that lack the image",
                        )),
                    };
                    (*slot, outcome(p.label.clone(), report, &p.task))
                })
                .collect(),
        );
    }
    let mut done = Vec::new();
    let mut kept = Vec::new();
    for ((slot, mut p), answer) in std::mem::take(planned).into_iter().zip(answers) {
        match answer {
            Ok(Some(images)) => {
                if let Task::Change(c) = &mut p.task {
                    c.selection = Selection::Resolved(images);
                }
                kept.push((slot, p));
            }
            Ok(None) => kept.push((slot, p)),
            Err(Lookup::Names(e) | Lookup::Failed(e)) => {
                done.push((slot, outcome(p.label.clone(), Report::failed(e), &p.task)));
            }
        }
    }
    *planned = kept;
    Looked::Go(done)
}

/// Why a target's look-up failed: its names, or anything else (credentials, network...).
enum Lookup {
    Names(Error),
    Failed(Error),
}
