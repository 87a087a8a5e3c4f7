//! Runs the command in a worker thread while the main thread watches for Ctrl-C; on an
//! interrupt (or a bug that kills the worker) the command's ledger reports what it had done.

use super::connect::connect;
use crate::commands::Ledger;
use crate::commands::Report;
use crate::commands::change::{self, ChangeLedger};
use crate::commands::status::{self, StatusLedger};
use crate::commands::wait::{self, WaitLedger};
use crate::error::Exit;
use crate::output::Output;
use crate::settings::{Settings, Target, Task};
use std::sync::{Arc, mpsc};
use std::time::Duration;

type Work = Box<dyn FnOnce() -> Report + Send>;

/// Connects and runs the task in a worker, so that Ctrl-C is honoured at every stage, the
/// login and the project lookup included.
pub(super) fn run_task(settings: Settings, target: Target, task: Task, out: Arc<Output>) -> Report {
    let change_ledger = Arc::new(ChangeLedger::default());
    let wait_ledger = Arc::new(WaitLedger::default());
    let status_ledger = Arc::new(StatusLedger::default());
    let ledger: Arc<dyn Ledger> = match &task {
        Task::Change(_) => change_ledger.clone(),
        Task::Wait(_) => wait_ledger.clone(),
        Task::StatusImages(_) | Task::StatusMembers { .. } => status_ledger.clone(),
    };
    if let Some(report) = crate::commands::nothing_to_do(&task, &out) {
        return report;
    }
    let work: Work = Box::new(move || {
        let connection = match connect(&settings, &target, &out) {
            Ok(c) => c,
            Err(e) => return Report::failed(e),
        };
        let session = &connection.session;
        match &task {
            Task::Change(t) => change::run(session, &out, t, &change_ledger),
            Task::Wait(t) => wait::run(session, &out, t, &wait_ledger),
            Task::StatusImages(t) => status::list(session, &out, t, &status_ledger),
            Task::StatusMembers { images } => {
                status::members(session, &out, images, &status_ledger)
            }
        }
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
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // The work panicked (a bug): still report every job id it had submitted.
                let mut report = ledger.so_far();
                report.exit = Exit::Failed;
                report.notes.retain(|n| n != "interrupted");
                report.notes.insert(
                    0,
                    "internal error: the command stopped unexpectedly (please report it)".into(),
                );
                return report;
            }
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
