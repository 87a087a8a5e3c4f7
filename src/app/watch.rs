//! Runs the command in a worker thread while the main thread watches for Ctrl-C; on an
//! interrupt (or a bug that kills the worker) the command's ledger reports what it had done.

use super::connect::{Sandbox, connect};
use super::journal::JournalHook;
use crate::api::guard::Guard;
use crate::commands::Ledger;
use crate::commands::Report;
use crate::commands::change::{self, ChangeLedger};
use crate::commands::status::{self, StatusLedger};
use crate::commands::sync::{self, SyncLedger};
use crate::commands::wait::{self, WaitLedger};
use crate::domain::Action;
use crate::error::Exit;
use crate::journal::Journal;
use crate::output::Output;
use crate::settings::{Planned, Settings, Task};
use std::sync::{Arc, mpsc};
use std::time::Duration;

type Work = Box<dyn FnOnce() -> Report + Send>;

/// The ledgers of one target's run: whichever the task uses records what it did.
#[derive(Default, Clone)]
pub(super) struct Ledgers {
    change: Arc<ChangeLedger>,
    wait: Arc<WaitLedger>,
    status: Arc<StatusLedger>,
    sync: Arc<SyncLedger>,
}

impl Ledgers {
    pub(super) fn of(&self, task: &Task) -> Arc<dyn Ledger> {
        match task {
            Task::Change(_) => self.change.clone(),
            Task::Wait(_) => self.wait.clone(),
            Task::StatusImages(_) | Task::StatusMembers { .. } => self.status.clone(),
            Task::Sync(_) => self.sync.clone(),
        }
    }
}

/// What one target's run found, besides its report: the project it ran in.
pub(super) struct Done {
    pub(super) report: Report,
    pub(super) project_id: Option<String>,
}

/// Connects to the target and runs its task, in the calling thread.
pub(super) fn work(
    settings: &Settings,
    planned: &Planned,
    out: &Arc<Output>,
    ledgers: &Ledgers,
    guard: Arc<Guard>,
    sandbox: Option<&Sandbox>,
    journal: Option<&Arc<Journal>>,
) -> Done {
    let connection = match connect(settings, &planned.target, out, guard, sandbox) {
        Ok(c) => c,
        Err(e) => {
            return Done {
                report: Report::failed(e),
                project_id: None,
            };
        }
    };
    let session = &connection.session;
    let hook = journal.map(|j| JournalHook::new(j.clone(), planned, session, out.clone()));
    let report = match &planned.task {
        Task::Change(t) => {
            if let Some(h) = &hook {
                ledgers.change.on_submit(h.on_submit(t.action));
            }
            change::run(session, out, t, &ledgers.change)
        }
        Task::Wait(t) => wait::run(session, out, t, &ledgers.wait),
        Task::StatusImages(t) => status::list(session, out, t, &ledgers.status),
        Task::StatusMembers { images } => status::members(session, out, images, &ledgers.status),
        Task::Sync(t) => {
            if let Some(h) = &hook {
                ledgers
                    .sync
                    .on_submit(h.on_submit(Action::Accept), h.on_submit(Action::Reject));
            }
            sync::run(session, out, t, &ledgers.sync)
        }
    };
    if let Some(h) = &hook {
        h.after(&report);
    }
    Done {
        report,
        project_id: Some(session.project_id().to_string()),
    }
}

/// Connects and runs the task of the one target in a worker, so that Ctrl-C is honoured at
/// every stage, the login and the project lookup included.
pub(super) fn run_task(
    settings: Settings,
    planned: Planned,
    journal: Option<Arc<Journal>>,
    out: Arc<Output>,
) -> Report {
    let ledgers = Ledgers::default();
    let ledger = ledgers.of(&planned.task);
    if let Some(report) = crate::commands::nothing_to_do(&planned.task, &out) {
        return report;
    }
    let work: Work = Box::new(move || {
        work(
            &settings,
            &planned,
            &out,
            &ledgers,
            Guard::new(),
            None,
            journal.as_ref(),
        )
        .report
    });
    watch(ledger, work)
}

/// Runs the work in a thread; on Ctrl-C, reports what the work had done so far.
fn watch(ledger: Arc<dyn Ledger>, work: Work) -> Report {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(report) => return report,
            Err(mpsc::RecvTimeoutError::Disconnected) => return panicked(ledger.as_ref()),
            Err(mpsc::RecvTimeoutError::Timeout) if crate::interrupt::is_set() => {
                // The work notices the interrupt at its next step; give it a moment to report
                // itself, else report from what it recorded.
                return match rx.recv_timeout(Duration::from_millis(300)) {
                    Ok(mut report) => {
                        report.exit = Exit::Interrupted;
                        report
                    }
                    Err(_) => ledger.so_far(),
                };
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
}

/// The work panicked (a bug): still report every job id it had submitted.
pub(super) fn panicked(ledger: &dyn Ledger) -> Report {
    let mut report = ledger.so_far();
    report.exit = Exit::Failed;
    report.notes.retain(|n| n != "interrupted");
    report.notes.insert(
        0,
        "internal error: the command stopped unexpectedly (please report it)".into(),
    );
    report
}
