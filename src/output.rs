//! The one writer: stdout for results, stderr for progress, notes, warnings and errors, and the
//! spinner. It alone knows whether streams are terminals; a spinner is drawn only on a terminal
//! stderr, and stderr lines printed while it spins do not tear it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::error::Error;
use crate::settings::OutputSettings;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

pub struct Output {
    settings: OutputSettings,
    spinner: Mutex<Option<ProgressBar>>,
}

impl Output {
    pub fn new(settings: OutputSettings) -> Output {
        Output {
            settings,
            spinner: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> &OutputSettings {
        &self.settings
    }

    fn stderr_line(&self, line: &str) {
        let spinner = self.spinner.lock().unwrap_or_else(|e| e.into_inner());
        match spinner.as_ref() {
            Some(pb) => pb.suspend(|| {
                let _ = writeln!(std::io::stderr(), "{line}");
            }),
            None => {
                let _ = writeln!(std::io::stderr(), "{line}");
            }
        }
    }

    /// Information for people (submitted jobs, summaries); silenced by `-q`.
    pub fn note(&self, line: &str) {
        if !self.settings.quiet {
            self.stderr_line(line);
        }
    }

    /// Always shown.
    pub fn warn(&self, line: &str) {
        self.stderr_line(line);
    }

    /// The `-v` trace.
    pub fn trace(&self, line: &str) {
        if self.settings.verbose > 0 {
            self.stderr_line(line);
        }
    }

    pub fn error(&self, err: &Error) {
        self.stderr_line(&format!("error: {err}"));
        if let Some(hint) = err.hint() {
            self.stderr_line(&format!("hint: {hint}"));
        }
    }

    /// Writes the result. A closed pipe (`| head`) is not an error.
    pub fn stdout(&self, text: &str) {
        self.clear_spinner();
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    }

    /// Starts (or re-labels) the spinner, when progress is shown at all.
    pub fn spin(&self, message: &str) {
        if !self.settings.progress {
            return;
        }
        let mut spinner = self.spinner.lock().unwrap_or_else(|e| e.into_inner());
        match spinner.as_ref() {
            Some(pb) => pb.set_message(message.to_string()),
            None => {
                let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                pb.set_style(
                    ProgressStyle::with_template("{spinner} {msg}")
                        .expect("valid template")
                        .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "),
                );
                pb.set_message(message.to_string());
                pb.enable_steady_tick(Duration::from_millis(100));
                *spinner = Some(pb);
            }
        }
    }

    /// Removes the spinner and its line.
    pub fn clear_spinner(&self) {
        if let Some(pb) = self
            .spinner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            pb.finish_and_clear();
        }
    }
}
