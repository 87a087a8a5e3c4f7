//! The commands. Each takes a connected session and its task, reports progress through the
//! [`Output`](crate::output::Output) and returns a [`Report`]; none prints a result.

pub(crate) mod change;
#[cfg(feature = "sandbox")]
pub(crate) mod serve;
pub(crate) mod status;
pub(crate) mod wait;

use crate::domain::JobId;
use crate::error::{Error, Exit};
use crate::report::Document;

/// What a command has recorded so far, so that Ctrl-C (or a bug in a worker) can still report
/// every job id it submitted.
pub(crate) trait Ledger: Send + Sync {
    fn so_far(&self) -> Report;
}

/// `ims-share wait A B` for a list of job ids.
pub(crate) fn resume_line(jobs: &[JobId]) -> String {
    let ids: Vec<&str> = jobs.iter().map(|j| j.as_str()).collect();
    format!("ims-share wait {}", ids.join(" "))
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
