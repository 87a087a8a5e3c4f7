//! The run, start to finish: parse, settle the settings, connect, run the command in a worker
//! while watching for Ctrl-C, print the report, pick the exit code.

mod complete;
mod connect;
mod elsewhere;
mod journal;
mod names;
mod targets;
mod watch;

use crate::commands::Report;
use crate::error::{Error, Exit};
use crate::output::{Output, OutputConfig, Terminal};
use crate::redact::Redactor;
use crate::render::{self, Style};
use crate::report::{Document, Single, TargetDoc, TargetsDoc, code};
use crate::settings::env::Env;
use crate::settings::{self, Plan, Settings};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::sync::Arc;

/// The whole program: the process's arguments, environment and terminal in, the exit code out.
pub fn main() -> i32 {
    // On TAB, the shell runs `COMPLETE=<shell> ims-share -- <words>`: answer and exit.
    clap_complete::CompleteEnv::with_factory(complete::command)
        .bin("ims-share")
        .completer("ims-share")
        .complete();
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match crate::cli::parse(args) {
        Ok(cli) => cli,
        Err(e) => {
            if let Some(better) = crate::cli::misplaced_option(&e) {
                let out = Output::new(OutputConfig::early(detect_terminal()), Arc::default());
                return finish(&out, Report::failed(better));
            }
            let _ = e.print();
            return e.exit_code();
        }
    };
    let terminal = detect_terminal();
    let early = Output::new(OutputConfig::early(terminal), Arc::default());
    let mut stdin = Announced {
        inner: std::io::stdin(),
        terminal: terminal.stdin,
        out: &early,
    };
    let settings = match settings::from_cli(cli, &Env::from_process(), &mut stdin, terminal) {
        Ok(s) => s,
        Err(e) => return finish(&early, Report::failed(e)),
    };
    let out = Arc::new(Output::new(
        settings.output.clone(),
        Arc::new(Redactor::new(settings.secrets())),
    ));
    for w in &settings.warnings {
        out.warning(w);
    }
    for line in &settings.trace {
        out.trace(line);
    }
    crate::interrupt::install();
    match run(settings, &out) {
        Ok(Ran::One(report)) => finish(&out, report),
        Ok(Ran::Many(outcomes, floor)) => finish_many(&out, outcomes, floor),
        Err(e) => finish(&out, Report::failed(e)),
    }
}

/// What a run did: on one target, or on several.
enum Ran {
    One(Report),
    /// The outcomes, and the least exit code of the run.
    Many(Vec<targets::Outcome>, Exit),
}

/// Standard input that, when it is a terminal, says what it waits for before the first read
/// (`accept -` typed at a prompt would otherwise wait in silence).
struct Announced<'a> {
    inner: std::io::Stdin,
    terminal: bool,
    out: &'a Output,
}

impl std::io::Read for Announced<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if std::mem::take(&mut self.terminal) {
            self.out.notice(
                "reading ids from standard input, separated by spaces or new lines; end with Ctrl-D",
            );
        }
        self.inner.read(buf)
    }
}

/// Reads the terminal once.
fn detect_terminal() -> Terminal {
    let stdout = std::io::stdout().is_terminal();
    Terminal {
        stdin: std::io::stdin().is_terminal(),
        stdout,
        stderr: std::io::stderr().is_terminal(),
        width: if stdout {
            terminal_size::terminal_size().map(|(w, _)| w.0)
        } else {
            // `-o table` into a pipe: as wide as COLUMNS says, when it says (`COLUMNS=100
            // ims-share status -o table | less`); else every column at its full width.
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<u16>().ok())
                .filter(|w| (20..=1000).contains(w))
        },
    }
}

fn run(mut settings: Settings, out: &Arc<Output>) -> Result<Ran, Error> {
    // The plan moves out of the settings: a run may carry 100,000 ids, not worth a copy.
    let plan = std::mem::replace(&mut settings.plan, Plan::Man);
    match plan {
        #[cfg(feature = "sandbox")]
        Plan::Serve(task) => crate::commands::serve::serve(&task, out)
            .map(Report::exit_only)
            .map(Ran::One),
        Plan::Completions(shell) => {
            out.stdout(&complete::script(shell))?;
            Ok(Ran::One(Report::exit_only(Exit::Ok)))
        }
        Plan::Man => {
            out.stdout(&complete::manual())?;
            Ok(Ran::One(Report::exit_only(Exit::Ok)))
        }
        Plan::Jobs(task) => Ok(Ran::One(crate::commands::jobs::list(&task, out))),
        Plan::Idle(task) => Ok(Ran::One(
            crate::commands::nothing_to_do(&task, out).unwrap_or_else(|| {
                Report::ok(crate::commands::empty_doc(&task).document(), Exit::Ok)
            }),
        )),
        Plan::Run(mut run) if run.single() => {
            let journal = run
                .journal
                .take()
                .map(|p| Arc::new(crate::journal::Journal::at(p)));
            let one = run.runs.pop().expect("one target");
            let mut report = watch::run_task(settings, one, journal, out.clone());
            report.exit = report.exit.worst(run.floor);
            Ok(Ran::One(report))
        }
        Plan::Run(run) => Ok(Ran::Many(
            targets::run_many(&settings, &run, out),
            run.floor,
        )),
    }
}

/// Prints the report: the document (except on exits 2, 3 and 5, which leave stdout empty), the
/// error with what was done before it, then the summary and the notes; returns the exit code.
fn finish(out: &Output, report: Report) -> i32 {
    out.close();
    let mut exit = report.exit;
    let document_shown = !matches!(exit, Exit::Usage | Exit::Auth | Exit::Unavailable);
    if let Some(doc) = report.doc.as_ref().filter(|_| document_shown) {
        exit = exit.worst(print(out, doc));
    }
    tell(out, &report);
    exit.code()
}

/// Writes a document to stdout; a failure to write is said, and is its exit code.
fn print(out: &Output, doc: &Document) -> Exit {
    let config = out.config();
    let style = Style {
        color: config.color,
        width: config.terminal.width,
    };
    match out.stdout(&render::render(doc, config.format, style)) {
        Ok(()) => Exit::Ok,
        Err(e) => {
            out.error(&e);
            e.exit()
        }
    }
}

/// The stderr part of a report: the error with what was done before it, the summary, the notes.
fn tell(out: &Output, report: &Report) {
    if let Some(e) = &report.error {
        out.error(e);
        // What was done before the failure, when anything was (an id or name refused before
        // any request leaves an empty document: nothing to tally).
        if let Some(Document::Change(doc)) = report.doc.as_ref().filter(|d| match d {
            Document::Change(d) => !d.images.is_empty(),
            _ => false,
        }) {
            let count =
                |s: crate::domain::Outcome| doc.images.iter().filter(|r| r.status == s).count();
            let not_sent = doc
                .images
                .iter()
                .filter(|r| r.error.as_ref().is_some_and(|e| e.code == code::NOT_SENT))
                .count();
            out.notice(&format!(
                "before the failure: {} accepted, {} rejected, {} submitted (outcome unknown), {} failed, {} not sent",
                count(crate::domain::Outcome::Accepted),
                count(crate::domain::Outcome::Rejected),
                count(crate::domain::Outcome::Submitted),
                count(crate::domain::Outcome::Failed) - not_sent,
                not_sent
            ));
        }
    }
    if let Some(summary) = &report.summary {
        out.note(summary);
    }
    for note in &report.notes {
        out.notice(note);
    }
}

/// A run over several targets: one document with every target (always written: each target's
/// error is in it), then each target's stderr lines prefixed with it, and one line for all.
/// The exit code is the worst of the targets'.
fn finish_many(out: &Output, outcomes: Vec<targets::Outcome>, floor: Exit) -> i32 {
    out.close();
    let exit = outcomes
        .iter()
        .fold(floor, |worst, o| worst.worst(o.report.exit));
    let doc = Document::Targets(TargetsDoc {
        targets: outcomes
            .iter()
            .map(|o| TargetDoc {
                target: o.label.clone(),
                exit: o.report.exit.code(),
                error: o.report.error.as_ref().map(Error::info),
                doc: o
                    .report
                    .doc
                    .clone()
                    .and_then(Single::of)
                    .unwrap_or_else(|| o.empty.clone()),
            })
            .collect(),
        exit: exit.code(),
    });
    let written = print(out, &doc);
    for o in &outcomes {
        tell(&out.for_target(&o.label.label()), &o.report);
    }
    let count = |f: &dyn Fn(Exit) -> bool| outcomes.iter().filter(|o| f(o.report.exit)).count();
    let changes = count(&|e| e == Exit::Changes);
    let failed = count(&|e| !matches!(e, Exit::Ok | Exit::Changes));
    let mut parts = vec![format!("{} done", outcomes.len() - failed - changes)];
    if changes > 0 {
        parts.push(format!("{changes} with changes to make"));
    }
    parts.push(format!("{failed} with errors"));
    out.note(&format!(
        "{} target{}: {}",
        outcomes.len(),
        crate::text::s(outcomes.len()),
        parts.join(", ")
    ));
    exit.worst(written).code()
}
