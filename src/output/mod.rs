//! The one writer: stdout for results, stderr for progress, notes, warnings and errors, and the
//! spinner. It alone knows whether streams are terminals and owns the `error:`, `warning:` and
//! `hint:` prefixes; a spinner is drawn only on a terminal stderr, and stderr lines printed while
//! it spins do not tear it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod pick;
mod term;

pub(crate) use pick::restore_terminal;

use crate::error::Error;
use crate::redact::Redactor;
use crate::sync::lock;
use crate::text::{cap, escape};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The longest line written to stderr, in characters: a service's text is cut there.
pub(crate) const MAX_LINE: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Table,
    Plain,
    Json,
}

/// What the terminal looks like; read once in `main`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Terminal {
    pub(crate) stdin: bool,
    pub(crate) stdout: bool,
    pub(crate) stderr: bool,
    pub(crate) width: Option<u16>,
}

/// How to write: decided once, from the flags, the environment and the terminal.
#[derive(Debug, Clone)]
pub(crate) struct OutputConfig {
    pub(crate) format: Format,
    pub(crate) color: bool,
    pub(crate) progress: bool,
    pub(crate) quiet: bool,
    pub(crate) verbose: u8,
    pub(crate) terminal: Terminal,
}

impl OutputConfig {
    /// For errors found before the flags could be read: plain, no colour, nothing hidden.
    pub(crate) fn early(terminal: Terminal) -> OutputConfig {
        OutputConfig {
            format: Format::Plain,
            color: false,
            progress: false,
            quiet: false,
            verbose: 0,
            terminal,
        }
    }
}

pub(crate) struct Output {
    config: OutputConfig,
    redactor: Arc<Redactor>,
    spinner: Mutex<Option<ProgressBar>>,
    /// Set once the result is being printed: a worker still running (after Ctrl-C) may not
    /// draw a spinner again. Shared with the outputs of the targets.
    closed: Arc<AtomicBool>,
    /// The output of one target of a run over several: its stderr lines start with this.
    prefix: Option<String>,
    /// The progress lines of the targets, one each (a run over several targets).
    multi: Arc<Mutex<Option<MultiProgress>>>,
}

impl Output {
    /// Every line written goes through `redactor` first.
    pub(crate) fn new(config: OutputConfig, redactor: Arc<Redactor>) -> Output {
        Output {
            config,
            redactor,
            spinner: Mutex::new(None),
            closed: Arc::new(AtomicBool::new(false)),
            prefix: None,
            multi: Arc::default(),
        }
    }

    /// The output of one target of a run over several: its stderr lines start with `label`,
    /// and its progress is one line of the run's progress lines.
    pub(crate) fn for_target(&self, label: &str) -> Arc<Output> {
        if self.config.progress {
            lock(&self.multi)
                .get_or_insert_with(|| MultiProgress::with_draw_target(term::stderr()));
        }
        Arc::new(Output {
            config: self.config.clone(),
            redactor: self.redactor.clone(),
            spinner: Mutex::new(None),
            closed: self.closed.clone(),
            prefix: Some(label.to_string()),
            multi: self.multi.clone(),
        })
    }

    /// The output of one target of a run over several (whose stderr is shared by many).
    pub(crate) fn is_target(&self) -> bool {
        self.prefix.is_some()
    }

    /// No spinner from now on, and none left on screen.
    pub(crate) fn close(&self) {
        {
            let mut spinner = lock(&self.spinner);
            self.closed.store(true, Ordering::SeqCst);
            if let Some(pb) = spinner.take() {
                pb.finish_and_clear();
            }
        }
        if let Some(m) = lock(&self.multi).as_ref() {
            let _ = m.clear();
            // Targets still running after Ctrl-C may not draw their lines again.
            m.set_draw_target(ProgressDrawTarget::hidden());
        }
        restore_terminal();
    }

    pub(crate) fn redactor(&self) -> Arc<Redactor> {
        self.redactor.clone()
    }

    pub(crate) fn config(&self) -> &OutputConfig {
        &self.config
    }

    /// Every stderr line: secrets replaced, control characters written out (text from a
    /// service can neither move the cursor nor forge a line), at most [`MAX_LINE`] characters.
    fn stderr_line(&self, line: &str) {
        let redacted = self.redactor.text(line);
        let line = match &self.prefix {
            Some(p) => format!("{p}: {redacted}"),
            None => redacted,
        };
        let line = cap(&escape(&line), MAX_LINE).into_owned();
        let write = || {
            let _ = writeln!(std::io::stderr(), "{line}");
        };
        if let Some(m) = lock(&self.multi).as_ref() {
            return m.suspend(write);
        }
        let spinner = lock(&self.spinner);
        match spinner.as_ref() {
            Some(pb) => pb.suspend(write),
            None => write(),
        }
    }

    /// Information for people (submitted jobs, summaries); silenced by `-q`.
    pub(crate) fn note(&self, line: &str) {
        if !self.config.quiet {
            self.stderr_line(line);
        }
    }

    /// A hint for people, silenced by `-q`.
    pub(crate) fn hint(&self, line: &str) {
        self.note(&format!("hint: {line}"));
    }

    /// A line that must not be missed (resume commands, "interrupted"): shown even with `-q`.
    pub(crate) fn notice(&self, line: &str) {
        self.stderr_line(line);
    }

    /// Always shown.
    pub(crate) fn warning(&self, line: &str) {
        self.stderr_line(&format!("warning: {line}"));
    }

    /// The `-v` trace.
    pub(crate) fn trace(&self, line: &str) {
        if self.config.verbose > 0 {
            self.stderr_line(line);
        }
    }

    /// The one place errors are printed: the error with its causes on one line, then its hint.
    pub(crate) fn error(&self, err: &Error) {
        self.clear_spinner();
        self.stderr_line(&format!("error: {err}"));
        if let Some(hint) = err.hint() {
            self.stderr_line(&format!("hint: {hint}"));
        }
    }

    /// Writes the result. A closed pipe (`| head`) is not an error; any other failure (a full
    /// disk) is.
    pub(crate) fn stdout(&self, text: &str) -> Result<(), Error> {
        self.clear_spinner();
        let text = self.redactor.text(text);
        let mut out = std::io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::internal(
                anyhow::Error::new(e).context("cannot write the result to standard output"),
            )),
            _ => Ok(()),
        }
    }

    /// Starts (or re-labels) the spinner, when progress is shown at all.
    pub(crate) fn spin(&self, message: &str) {
        if !self.config.progress {
            return;
        }
        // Checked under the lock `close` takes: a worker still running after Ctrl-C cannot
        // draw a spinner between the close and the report.
        let mut spinner = lock(&self.spinner);
        if self.closed.load(Ordering::SeqCst) {
            return;
        }
        match spinner.as_ref() {
            Some(pb) => pb.set_message(message.to_string()),
            None => {
                let multi = lock(&self.multi).clone();
                let pb = match (&multi, &self.prefix) {
                    (Some(m), Some(_)) => m.add(ProgressBar::new_spinner()),
                    _ => ProgressBar::with_draw_target(None, term::stderr()),
                };
                let template = if self.prefix.is_some() {
                    "{prefix} {spinner} {msg}"
                } else {
                    "{spinner} {msg}"
                };
                pb.set_style(
                    ProgressStyle::with_template(template)
                        .expect("valid template")
                        .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "),
                );
                if let Some(p) = &self.prefix {
                    pb.set_prefix(escape(p).into_owned());
                }
                pb.set_message(message.to_string());
                pb.enable_steady_tick(Duration::from_millis(100));
                *spinner = Some(pb);
            }
        }
    }

    /// Removes the spinner and its line.
    pub(crate) fn clear_spinner(&self) {
        if let Some(pb) = lock(&self.spinner).take() {
            pb.finish_and_clear();
        }
    }
}
