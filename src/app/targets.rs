//! A run over several targets (PRODUCT.md "Many targets in one run"): `--all-projects` widens
//! each target to its projects first; then the targets run `--parallel` at a time, each with
//! its own session, ledger and progress line. Targets that share credentials share one
//! lock-out guard: their first request goes alone, and a 401 stops all of them (five refused
//! signatures would lock the key), while other credentials go on. Ctrl-C reports what every
//! target had done.

use super::connect::{self, Sandbox};
use super::names::Looked;
use super::watch::{self, Done, Ledgers};
use crate::api::guard::Guard;
use crate::commands::Report;
use crate::error::{Error, Exit};
use crate::journal::Journal;
use crate::output::Output;
use crate::report::{Single, TargetInfo};
use crate::settings::{Planned, Run, Settings, Target};
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// What one target did.
pub(super) struct Outcome {
    pub(super) label: TargetInfo,
    pub(super) report: Report,
    /// The target's document when it has none to show (it could not run).
    pub(super) empty: Single,
}

pub(super) fn outcome(label: TargetInfo, report: Report, task: &crate::settings::Task) -> Outcome {
    Outcome {
        label,
        report,
        empty: crate::commands::empty_doc(task),
    }
}

/// Runs the task on every target; the outcomes in the order of the targets.
pub(super) fn run_many(settings: &Settings, run: &Run, out: &Arc<Output>) -> Vec<Outcome> {
    let sandbox = match start_sandbox(run) {
        Ok(s) => s.map(Arc::new),
        Err(e) => {
            return run
                .runs
                .iter()
                .map(|p| outcome(p.label.clone(), Report::failed(clone_error(&e)), &p.task))
                .collect();
        }
    };
    let guards = Guards::default();
    let mut outcomes: Vec<Option<Outcome>> = Vec::new();
    let mut planned: Vec<(usize, Planned)> = Vec::new();
    if run.all_projects {
        for (seed, widened) in widen(settings, run, out, &guards, sandbox.as_deref()) {
            match widened {
                Ok(list) => {
                    for p in list {
                        planned.push((outcomes.len(), p));
                        outcomes.push(None);
                    }
                }
                Err(e) => outcomes.push(Some(outcome(
                    seed.label.clone(),
                    Report::failed(e),
                    &seed.task,
                ))),
            }
        }
    } else {
        for p in &run.runs {
            planned.push((outcomes.len(), p.clone()));
            outcomes.push(None);
        }
    }
    let shared = super::elsewhere::mark(&mut planned);
    let looked = super::names::look_up(
        settings,
        run.parallel,
        &mut planned,
        out,
        &guards,
        sandbox.as_deref(),
    );
    let (finished, stop) = match looked {
        Looked::Go(done) => (done, false),
        Looked::Stop(done) => (done, true),
    };
    for (i, outcome) in finished {
        outcomes[i] = Some(outcome);
    }
    if stop {
        return outcomes.into_iter().flatten().collect();
    }
    let journal = run.journal.clone().map(|p| Arc::new(Journal::at(p)));
    let done = run_all(
        settings,
        run.parallel,
        planned,
        out,
        &guards,
        sandbox,
        journal,
    );
    for (i, outcome) in done {
        outcomes[i] = Some(outcome);
    }
    let mut outcomes: Vec<Outcome> = outcomes.into_iter().flatten().collect();
    super::elsewhere::settle(&mut outcomes, &shared, out);
    outcomes
}

/// One lock-out guard per set of credentials.
#[derive(Default, Clone)]
pub(super) struct Guards(Arc<Mutex<HashMap<String, Arc<Guard>>>>);

impl Guards {
    pub(super) fn of(&self, target: &Target) -> Arc<Guard> {
        lock(&self.0)
            .entry(connect::credential_id(target))
            .or_default()
            .clone()
    }
}

#[cfg(feature = "sandbox")]
fn start_sandbox(run: &Run) -> Result<Option<Sandbox>, Error> {
    match run.runs.iter().find_map(|p| match &p.target {
        Target::Sandbox { state, .. } => Some(state.clone()),
        Target::Cloud(_) => None,
    }) {
        Some(state) => Sandbox::start(&state).map(Some),
        None => Ok(None),
    }
}

#[cfg(not(feature = "sandbox"))]
fn start_sandbox(_: &Run) -> Result<Option<Sandbox>, Error> {
    Ok(None)
}

/// Errors are not `Clone` (some carry an `anyhow` chain): the same failure for each target.
fn clone_error(e: &Error) -> Error {
    match e {
        Error::Usage { message, hint } => Error::Usage {
            message: message.clone(),
            hint: hint.clone(),
        },
        other => Error::internal(anyhow::anyhow!("{other}")),
    }
}

/// `--all-projects`: each target's projects in its region (`eu-de`, and `eu-de_*`), from IAM.
fn widen<'a>(
    settings: &Settings,
    run: &'a Run,
    out: &Arc<Output>,
    guards: &Guards,
    sandbox: Option<&Sandbox>,
) -> Vec<(&'a Planned, Result<Vec<Planned>, Error>)> {
    let results = crate::pool::run(
        &run.runs,
        run.parallel,
        false,
        &crate::interrupt::is_set,
        &|seed: &Planned| projects_of(settings, seed, out, guards, sandbox),
    );
    run.runs
        .iter()
        .zip(results)
        .map(|(seed, r)| (seed, r.unwrap_or(Err(Error::Interrupted))))
        .collect()
}

fn projects_of(
    settings: &Settings,
    seed: &Planned,
    out: &Arc<Output>,
    guards: &Guards,
    sandbox: Option<&Sandbox>,
) -> Result<Vec<Planned>, Error> {
    let Some(region) = seed.label.region.clone() else {
        return Err(Error::usage_hint(
            "--all-projects keeps the projects of a region, and this target has none",
            "give --region (or set region in the profile)",
        ));
    };
    let iam = connect::iam_of(&seed.target, sandbox).ok_or_else(|| {
        Error::usage_hint(
            "--all-projects asks IAM for the projects, and this target has no IAM endpoint",
            "set cloud and region, or iam_endpoint, in the profile (or --iam-endpoint)",
        )
    })?;
    let label = seed.label.label();
    let target_out = out.for_target(&label);
    let guard = guards.of(&seed.target);
    target_out.spin("listing the projects…");
    let connection = connect::connect(settings, &seed.target, &target_out, guard, sandbox)?;
    let projects = connection.session.auth_projects(&iam);
    target_out.clear_spinner();
    let sub = format!("{region}_");
    let mut widened = Vec::new();
    for p in projects? {
        if p.name != region && !p.name.starts_with(&sub) {
            continue;
        }
        let mut one = seed.clone();
        one.label.project_id = Some(p.id.clone());
        one.label.project_name = Some(p.name.clone());
        one.task.in_project(&p.id);
        match &mut one.target {
            Target::Cloud(t) => t.account.project = crate::api::account::ProjectRef::Id(p.id),
            #[cfg(feature = "sandbox")]
            Target::Sandbox { project_id, .. } => *project_id = Some(p.id),
        }
        widened.push(one);
    }
    if widened.is_empty() {
        out.warning(&format!(
            "{label}: the credentials reach no project of region {region}"
        ));
    }
    Ok(widened)
}

/// Runs the targets `parallel` at a time, watching for Ctrl-C.
fn run_all(
    settings: &Settings,
    parallel: usize,
    planned: Vec<(usize, Planned)>,
    out: &Arc<Output>,
    guards: &Guards,
    sandbox: Option<Arc<Sandbox>>,
    journal: Option<Arc<Journal>>,
) -> Vec<(usize, Outcome)> {
    let ledgers: Vec<Ledgers> = planned.iter().map(|_| Ledgers::default()).collect();
    let started: Arc<Vec<Mutex<bool>>> =
        Arc::new(planned.iter().map(|_| Mutex::new(false)).collect());
    let results: Arc<Vec<Mutex<Option<Done>>>> =
        Arc::new(planned.iter().map(|_| Mutex::new(None)).collect());
    let (tx, rx) = mpsc::channel();
    {
        let settings = settings.clone();
        let planned = planned.clone();
        let ledgers = ledgers.clone();
        let started = started.clone();
        let results = results.clone();
        let out = out.clone();
        let guards = guards.clone();
        std::thread::spawn(move || {
            let indices: Vec<usize> = (0..planned.len()).collect();
            crate::pool::run(
                &indices,
                parallel,
                false,
                &crate::interrupt::is_set,
                &|&i| {
                    *lock(&started[i]) = true;
                    let p = &planned[i].1;
                    let target_out = out.for_target(&p.label.label());
                    // A bug in one target's work is that target's failure (its job ids kept),
                    // not the end of the others.
                    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        match crate::commands::nothing_to_do(&p.task, &target_out) {
                            Some(report) => Done {
                                report,
                                project_id: None,
                            },
                            None => watch::work(
                                &settings,
                                p,
                                &target_out,
                                &ledgers[i],
                                guards.of(&p.target),
                                sandbox.as_deref(),
                                journal.as_ref(),
                            ),
                        }
                    }))
                    .unwrap_or_else(|_| Done {
                        report: watch::panicked(ledgers[i].of(&p.task).as_ref()),
                        project_id: None,
                    });
                    target_out.clear_spinner();
                    *lock(&results[i]) = Some(done);
                },
            );
            let _ = tx.send(());
        });
    }
    wait_or_interrupt(&rx);
    planned
        .iter()
        .enumerate()
        .map(|(i, (slot, p))| {
            let mut label = p.label.clone();
            let report = match lock(&results[i]).take() {
                Some(done) => {
                    if label.project_id.is_none() {
                        label.project_id = done.project_id;
                    }
                    done.report
                }
                None if *lock(&started[i]) => ledgers[i].of(&p.task).so_far(),
                None => {
                    let mut r = Report::failed(Error::Interrupted);
                    r.exit = Exit::Interrupted;
                    r
                }
            };
            (*slot, outcome(label, report, &p.task))
        })
        .collect()
}

/// Until every target is done, or Ctrl-C (then a moment for the targets to report themselves).
fn wait_or_interrupt(rx: &mpsc::Receiver<()>) {
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
            Err(mpsc::RecvTimeoutError::Timeout) if crate::interrupt::is_set() => {
                let _ = rx.recv_timeout(Duration::from_millis(300));
                return;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
}
