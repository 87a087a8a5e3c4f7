//! The run, start to finish: parse, settle the settings, connect, run the command in a worker
//! while watching for Ctrl-C, print the result, pick the exit code.

use crate::api::client::{Http, HttpConfig, TraceSink};
use crate::api::session::Session;
use crate::auth::cache::Cache;
use crate::cli::Cli;
use crate::commands::change::{self, ChangeProgress};
use crate::commands::wait::{self, WaitProgress};
use crate::commands::{Finished, Progress, status};
use crate::error::{Error, Exit};
use crate::model::Outcome;
use crate::output::Output;
use crate::redact::Redactor;
use crate::render::{self, Document, Style};
use crate::sandbox::{Config, Emulator};
use crate::settings::env::Env;
use crate::settings::{self, Settings, Target, Task, Terminal};
use clap::Parser;
use reqwest::Url;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::sync::{Arc, mpsc};
use std::time::Duration;

/// Reads the terminal once.
pub fn detect_terminal() -> Terminal {
    let stdout = std::io::stdout().is_terminal();
    Terminal {
        stdout,
        stderr: std::io::stderr().is_terminal(),
        width: if stdout {
            terminal_size::terminal_size().map(|(w, _)| w.0)
        } else {
            None
        },
    }
}

pub fn main(args: Vec<OsString>, env: Env, terminal: Terminal) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let settings = match settings::from_cli(cli, &env, &mut std::io::stdin(), terminal) {
        Ok(s) => s,
        Err(e) => {
            Output::new(settings::OutputSettings {
                format: settings::Format::Plain,
                color: false,
                progress: false,
                quiet: false,
                verbose: 0,
                terminal,
            })
            .error(&e);
            return e.exit().code();
        }
    };
    let out = Arc::new(Output::new(settings.output.clone()));
    for w in &settings.warnings {
        out.warn(w);
    }
    crate::interrupt::install();
    if let Task::Sandbox(task) = &settings.task {
        return match crate::commands::sandbox::serve(task, &out) {
            Ok(exit) => exit.code(),
            Err(e) => {
                out.error(&e);
                e.exit().code()
            }
        };
    }
    let (session, _emulator) = match connect(&settings, &out) {
        Ok(s) => s,
        Err(e) => {
            out.clear_spinner();
            out.error(&e);
            return e.exit().code();
        }
    };
    let finished = run_task(Arc::new(session), out.clone(), settings.task.clone());
    report(&out, &settings, finished)
}

fn connect(settings: &Settings, out: &Arc<Output>) -> Result<(Session, Option<Emulator>), Error> {
    let trace: TraceSink = {
        let out = out.clone();
        Arc::new(move |line: &str| out.trace(line))
    };
    let redactor = Redactor::new(settings.secrets());
    let http_config = |ca_bundle, direct| HttpConfig {
        request_timeout: settings.net.request_timeout,
        connect_timeout: settings.net.request_timeout.min(Duration::from_secs(10)),
        retries: settings.net.retries,
        ca_bundle,
        verbose: settings.output.verbose,
        direct,
    };
    match settings
        .target
        .as_ref()
        .expect("commands other than sandbox have a target")
    {
        Target::Sandbox { state } => {
            let store = crate::commands::sandbox::open_store(state)?;
            let (ak, sk, project) = store
                .with(|s| {
                    let k = s.access_keys.first().cloned();
                    (
                        k.map(|k| (k.access_key, k.secret_key, k.project_id))
                            .unwrap_or_default(),
                        false,
                    )
                })
                .map_err(|e| Error::usage(e.to_string()))?;
            let emulator = Emulator::start(
                store,
                Config {
                    record: false,
                    ..Config::default()
                },
            )
            .map_err(|e| Error::unavailable(format!("cannot start the sandbox emulator: {e}")))?;
            let http = Http::new(http_config(None, true), trace, redactor)?;
            let url = Url::parse(&emulator.url()).expect("the emulator's URL parses");
            Ok((
                Session::sandbox(http, url, &ak, &sk, &project),
                Some(emulator),
            ))
        }
        Target::Cloud(t) => {
            let loopback = |u: Option<&Url>| u.is_some_and(settings::is_loopback);
            let direct = loopback(t.ims_endpoint.as_ref().map(|s| &s.value))
                || loopback(t.iam_endpoint.as_ref().map(|s| &s.value));
            let http = Http::new(http_config(t.ca_bundle.clone(), direct), trace, redactor)?;
            let session = Session::connect(t, http, Cache::user_default())?;
            Ok((session, None))
        }
    }
}

struct Quiet;

impl Progress for Quiet {
    fn interrupted(&self) -> Finished {
        Finished {
            doc: None,
            exit: Exit::Interrupted,
            fatal: None,
            summary: None,
            notes: vec!["interrupted".into()],
        }
    }
}

fn run_task(session: Arc<Session>, out: Arc<Output>, task: Task) -> Finished {
    let (progress, work): (Arc<dyn Progress>, Box<dyn FnOnce() -> Finished + Send>) = match task {
        Task::Change(t) => {
            let p = Arc::new(ChangeProgress::default());
            let p2 = p.clone();
            (p, Box::new(move || change::run(&session, &out, &t, &p2)))
        }
        Task::Wait(t) => {
            let p = Arc::new(WaitProgress {
                jobs: Default::default(),
            });
            let p2 = p.clone();
            (p, Box::new(move || wait::run(&session, &out, &t, &p2)))
        }
        Task::StatusImages { statuses } => (
            Arc::new(Quiet),
            Box::new(move || status::list(&session, &out, &statuses)),
        ),
        Task::StatusMembers { ids, .. } => (
            Arc::new(Quiet),
            Box::new(move || status::members(&session, &ids)),
        ),
        Task::Sandbox(_) => unreachable!("served before connecting"),
    };
    watch(progress, work)
}

/// Runs the work in a thread; on Ctrl-C, reports what the work had done so far.
fn watch(progress: Arc<dyn Progress>, work: Box<dyn FnOnce() -> Finished + Send>) -> Finished {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(finished) => return finished,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // The work panicked (a bug): still report every job id it had submitted.
                let mut finished = progress.interrupted();
                finished.exit = Exit::Failed;
                finished.notes.retain(|n| n != "interrupted");
                finished.notes.insert(
                    0,
                    "internal error: the command stopped unexpectedly (please report it)".into(),
                );
                return finished;
            }
            Err(mpsc::RecvTimeoutError::Timeout) if crate::interrupt::is_set() => {
                // The work notices the interrupt at its next step; give it a moment to report
                // itself, else report from what it recorded.
                return match rx.recv_timeout(Duration::from_millis(300)) {
                    Ok(mut finished) => {
                        finished.exit = Exit::Interrupted;
                        finished
                    }
                    Err(_) => progress.interrupted(),
                };
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
}

fn report(out: &Output, settings: &Settings, finished: Finished) -> i32 {
    out.clear_spinner();
    let exit = finished.exit;
    if let Some(e) = &finished.fatal {
        out.error(e);
        if let Some(Document::Change(doc)) = &finished.doc {
            let count = |s: Outcome| doc.images.iter().filter(|r| r.status == s).count();
            let not_sent = doc
                .images
                .iter()
                .filter(|r| r.error.as_ref().is_some_and(|e| e.code == "not_sent"))
                .count();
            out.warn(&format!(
                "before the failure: {} accepted, {} rejected, {} submitted (outcome unknown), {} failed, {} not sent",
                count(Outcome::Accepted),
                count(Outcome::Rejected),
                count(Outcome::Submitted),
                count(Outcome::Failed) - not_sent,
                not_sent
            ));
        }
    } else if let Some(doc) = &finished.doc {
        let style = Style {
            color: settings.output.color,
            width: settings.output.terminal.width,
        };
        out.stdout(&render::render(doc, settings.output.format, style));
    }
    if let Some(summary) = &finished.summary {
        out.note(summary);
    }
    for note in &finished.notes {
        out.warn(note);
    }
    exit.code()
}
