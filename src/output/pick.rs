//! The picker: a list to choose from on the terminal (drawn on stderr, read from the
//! keyboard), for `accept` and `reject` run without ids by a person.

use super::Output;
use crate::error::Error;
use crate::sync::lock;
use crate::text::escape;
use inquire::InquireError;
use inquire::list_option::ListOption;
use inquire::ui::RenderConfig;
use std::fmt;
use std::sync::Mutex;

/// The terminal's settings from before the picker put it in raw mode: put back by
/// [`restore_terminal`] should the process end while the list is open (a SIGTERM from outside;
/// Ctrl-C inside the list is a key, not a signal).
static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

/// One line of the list; the index is where it came from.
struct Choice {
    index: usize,
    label: String,
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl Output {
    /// Asks which of `labels` to take; returns their indices, in the list's order (none is a
    /// valid answer). Esc and Ctrl-C are [`Error::Interrupted`]. Every label is escaped and cut
    /// to the terminal's width: the names come from other tenants.
    pub(crate) fn pick(&self, question: &str, labels: Vec<String>) -> Result<Vec<usize>, Error> {
        self.clear_spinner();
        let width = self.config.terminal.width.unwrap_or(80) as usize;
        let choices: Vec<Choice> = labels
            .into_iter()
            .enumerate()
            .map(|(index, label)| Choice {
                index,
                // Room for the cursor and the check box in front of each line.
                label: fit(&escape(&label), width.saturating_sub(7).max(20)),
            })
            .collect();
        let rows = terminal_size::terminal_size()
            .map(|(_, h)| h.0 as usize)
            .unwrap_or(24);
        let summary = |chosen: &[ListOption<&Choice>]| match chosen.len() {
            0 => "none".to_string(),
            1 => "1 image".to_string(),
            n => format!("{n} images"),
        };
        let render = if self.config.color {
            RenderConfig::default_colored()
        } else {
            RenderConfig::empty()
        };
        save_terminal();
        let answer = inquire::MultiSelect::new(question, choices)
            .with_page_size(rows.saturating_sub(4).clamp(3, 15))
            .with_formatter(&summary)
            .with_render_config(render)
            .prompt();
        lock(&SAVED).take();
        match answer {
            Ok(chosen) => Ok(chosen.into_iter().map(|c| c.index).collect()),
            Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => {
                Err(Error::Interrupted)
            }
            Err(e) => Err(Error::internal(
                anyhow::Error::new(e).context("cannot show the list of images to pick from"),
            )),
        }
    }
}

/// At most `max` characters: a longer label is cut with `…` (the list is for reading; the run
/// uses the ids behind the labels).
fn fit(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        label.chars().take(max - 1).chain(['…']).collect()
    }
}

fn save_terminal() {
    // SAFETY: tcgetattr fills a plain-data struct for descriptor 0, which it only reads.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(0, &mut t) } == 0 {
        *lock(&SAVED) = Some(t);
    }
}

/// Puts the terminal back as it was before a picker that is still open (a no-op otherwise).
pub(crate) fn restore_terminal() {
    if let Some(t) = lock(&SAVED).take() {
        // SAFETY: restores settings read from the same descriptor by tcgetattr.
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, &t);
        }
        let _ = std::io::Write::write_all(&mut std::io::stderr(), b"\n");
    }
}
