//! Runs the command in a worker thread while the main thread watches for Ctrl-C; on an
//! interrupt (or a bug that kills the worker) the command's ledger reports what it had done.

use crate::api::session::Session;
use crate::commands::Report;
use crate::commands::change::{self, ChangeLedger};
use crate::commands::wait::{self, WaitLedger};
use crate::commands::{Ledger, status};
use crate::error::Exit;
use crate::output::Output;
use crate::settings::Task;
use std::sync::{Arc, mpsc};
use std::time::Duration;

/// The ledger of commands that submit nothing: an interrupt leaves nothing to report.
struct Nothing;

impl Ledger for Nothing {
    fn so_far(&self) -> Report {
        let mut report = Report::exit_only(Exit::Interrupted);
        report.notes.push("interrupted".into());
        report
    }
}

type Work = Box<dyn FnOnce() -> Report + Send>;

pub(super) fn run_task(session: Arc<Session>, out: Arc<Output>, task: Task) -> Report {
    let (ledger, work): (Arc<dyn Ledger>, Work) = match task {
        Task::Change(t) => {
            let ledger = Arc::new(ChangeLedger::default());
            let l = ledger.clone();
            (
                ledger,
                Box::new(move || change::run(&session, &out, &t, &l)),
            )
        }
        Task::Wait(t) => {
            let ledger = Arc::new(WaitLedger::default());
            let l = ledger.clone();
            (ledger, Box::new(move || wait::run(&session, &out, &t, &l)))
        }
        Task::StatusImages { statuses } => (
            Arc::new(Nothing),
            Box::new(move || status::list(&session, &out, &statuses)),
        ),
        Task::StatusMembers { ids } => (
            Arc::new(Nothing),
            Box::new(move || status::members(&session, &ids)),
        ),
    };
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
