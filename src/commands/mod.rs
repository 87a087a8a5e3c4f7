//! The commands. Each takes a connected session and its task, reports progress through the
//! [`Output`](crate::output::Output) and returns a [`Finished`] value; none prints a result.

pub mod change;
pub mod sandbox;
pub mod status;
pub mod wait;

use crate::error::{Error, Exit};
use crate::render::Document;

/// How a command ended.
#[derive(Debug)]
pub struct Finished {
    /// The result document for stdout (not printed on exit 2, 3 or 5).
    pub doc: Option<Document>,
    pub exit: Exit,
    /// The failure that ended the run early (exit 3 or 5), if any.
    pub fatal: Option<Error>,
    /// Lines for stderr after the result that must not be missed (resume hints): shown
    /// even with `-q`.
    pub notes: Vec<String>,
    /// A one-line summary for stderr after the result (silenced by `-q`).
    pub summary: Option<String>,
}

impl Finished {
    /// Ended by an error before there was anything to show (stdout stays empty).
    pub fn failed(e: Error) -> Finished {
        Finished {
            doc: None,
            exit: e.exit(),
            fatal: Some(e),
            notes: Vec::new(),
            summary: None,
        }
    }

    pub fn ok(doc: Document, exit: Exit) -> Finished {
        Finished {
            doc: Some(doc),
            exit,
            fatal: None,
            summary: None,
            notes: Vec::new(),
        }
    }
}

/// What a command can say about itself when Ctrl-C stops it half-way.
pub trait Progress: Send + Sync {
    fn interrupted(&self) -> Finished;
}

/// `ims-share wait A B` for a list of job ids.
pub fn resume_line(jobs: &[crate::model::JobId]) -> String {
    let ids: Vec<&str> = jobs.iter().map(|j| j.as_str()).collect();
    format!("ims-share wait {}", ids.join(" "))
}
