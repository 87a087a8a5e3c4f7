//! The commands. Each takes a connected session and its task, reports progress through the
//! [`Output`](crate::output::Output) and returns a [`Report`]; none prints a result.

pub(crate) mod change;
pub(crate) mod jobs;
pub(crate) mod lookup;
#[cfg(feature = "sandbox")]
pub(crate) mod serve;
pub(crate) mod status;
pub(crate) mod sync;
pub(crate) mod wait;

use crate::domain::JobId;
use crate::error::{Error, Exit};
use crate::output::Output;
use crate::report::{ChangeDoc, Document, ImagesDoc, JobsDoc, MembersDoc};
use crate::settings::{Mode, Selection, Task};

/// The document of a task that did nothing (its target could not run), as its own run would
/// write it.
pub(crate) fn empty_doc(task: &Task) -> crate::report::Single {
    use crate::report::{ImagesDoc, MembersDoc, Single};
    match task {
        Task::Change(t) => Single::Change(ChangeDoc {
            images: Vec::new(),
            jobs: Vec::new(),
            per_image: t.mode == Mode::PerImage,
            no_wait: t.no_wait,
        }),
        Task::StatusImages(t) => Single::Images(ImagesDoc {
            images: Vec::new(),
            long: t.long,
        }),
        Task::StatusMembers { .. } => Single::Members(MembersDoc {
            members: Vec::new(),
        }),
        Task::Wait(t) => Single::Jobs(JobsDoc {
            jobs: Vec::new(),
            per_image: !t.once,
        }),
        Task::Sync(t) => Single::Sync(crate::report::SyncDoc {
            dry_run: t.plan_only,
            images: Vec::new(),
            jobs: Vec::new(),
        }),
    }
}

/// An empty `-` (ids or job ids on standard input) is nothing to do: one line on stderr and
/// exit 0, so pipelines do not fail when there is no work; nothing is connected or sent.
pub(crate) fn nothing_to_do(task: &Task, out: &Output) -> Option<Report> {
    match task {
        Task::Change(t) if matches!(&t.selection, Selection::Images(refs) if refs.is_empty()) => {
            out.note(&format!(
                "nothing to {}: no image ids on standard input",
                t.action.verb()
            ));
            Some(Report::ok(
                Document::Change(ChangeDoc {
                    images: Vec::new(),
                    jobs: Vec::new(),
                    per_image: t.mode == Mode::PerImage,
                    no_wait: t.no_wait,
                }),
                Exit::Ok,
            ))
        }
        Task::StatusImages(t) if t.by_ids && t.only.is_empty() => {
            out.note("nothing to show: no image ids on standard input");
            Some(Report::ok(
                Document::Images(ImagesDoc {
                    images: Vec::new(),
                    long: t.long,
                }),
                Exit::Ok,
            ))
        }
        Task::StatusMembers { images } if images.is_empty() => {
            out.note("nothing to show: no image ids on standard input");
            Some(Report::ok(
                Document::Members(MembersDoc {
                    members: Vec::new(),
                }),
                Exit::Ok,
            ))
        }
        Task::Wait(t) if t.jobs.is_empty() => {
            out.note(&if t.unfinished {
                format!(
                    "nothing to wait for: no job of the journal{} is unfinished",
                    t.chosen_by
                )
            } else if t.once {
                "nothing to show: no job ids on standard input".to_string()
            } else {
                "nothing to wait for: no job ids on standard input".to_string()
            });
            Some(Report::ok(
                Document::Jobs(JobsDoc {
                    jobs: Vec::new(),
                    per_image: !t.once,
                }),
                Exit::Ok,
            ))
        }
        _ => None,
    }
}

/// Of the errors of requests sent side by side, the one that says why: not a "stopped after
/// an authentication failure" when the failure itself is there.
pub(crate) fn telling(errors: Vec<Error>) -> Option<Error> {
    let mut errors = errors.into_iter();
    let first = errors.next()?;
    if !matches!(first, Error::Stopped) {
        return Some(first);
    }
    Some(
        errors
            .find(|e| !matches!(e, Error::Stopped))
            .unwrap_or(first),
    )
}

/// What a command has recorded so far, so that Ctrl-C (or a bug in a worker) can still report
/// every job id it submitted.
pub(crate) trait Ledger: Send + Sync {
    fn so_far(&self) -> Report;
}

/// `ims-share --profile p wait A B`: the command that resumes waiting for `jobs` on the same
/// account, `flags` being the flags that chose it (shell-quoted, see `settings`).
pub(crate) fn resume_line(flags: &str, jobs: &[JobId]) -> String {
    let ids: Vec<&str> = jobs.iter().map(|j| j.as_str()).collect();
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(" {flags}")
    };
    format!("ims-share{flags} wait {}", ids.join(" "))
}

/// How a command ended: the document for stdout, the exit code, and what to say on stderr.
#[derive(Debug)]
pub(crate) struct Report {
    /// The result document for stdout (not printed when `error` is set: exits 2, 3 and 5
    /// leave stdout empty).
    pub(crate) doc: Option<Document>,
    pub(crate) exit: Exit,
    /// The failure that ended the run early, if any.
    pub(crate) error: Option<Error>,
    /// Lines for stderr after the result that must not be missed (resume commands): shown
    /// even with `-q`.
    pub(crate) notes: Vec<String>,
    /// A one-line summary for stderr after the result (silenced by `-q`).
    pub(crate) summary: Option<String>,
}

impl Report {
    /// Ended by an error before there was anything to show (stdout stays empty).
    pub(crate) fn failed(e: Error) -> Report {
        Report {
            doc: None,
            exit: e.exit(),
            error: Some(e),
            notes: Vec::new(),
            summary: None,
        }
    }

    pub(crate) fn ok(doc: Document, exit: Exit) -> Report {
        Report {
            doc: Some(doc),
            exit,
            error: None,
            notes: Vec::new(),
            summary: None,
        }
    }
}

impl Report {
    /// Nothing for stdout, nothing to add: only the exit code.
    pub(crate) fn exit_only(exit: Exit) -> Report {
        Report {
            doc: None,
            exit,
            error: None,
            notes: Vec::new(),
            summary: None,
        }
    }
}
