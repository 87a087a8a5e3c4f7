//! Where progress lines are drawn: standard error, a few columns narrower than the terminal.
//!
//! indicatif pads each line with spaces to the terminal's last column and lets the terminal's
//! wrap start the next line. When Ctrl-C is typed, the terminal echoes `^C` at that edge and
//! wraps, so clearing "the current line" at the end cleared the wrong one and left a spinner
//! on screen. Here lines are padded three columns short (room for the echo), and the line
//! break the terminal's wrap used to make is written instead, only once a next line follows
//! (the cursor stays at the end of the last line, as indicatif expects).

use indicatif::{ProgressDrawTarget, TermLike};
use std::io::{self, Write};

/// Columns left free at the right for the terminal's `^C`.
const ROOM: u16 = 3;

#[derive(Debug, Default)]
struct Stderr {
    state: std::sync::Mutex<Lines>,
}

/// Where indicatif is in drawing its lines: each line comes as two writes, its text and then
/// the spaces that pad it.
#[derive(Debug, Default)]
struct Lines {
    /// The next write is a line's padding.
    padding_next: bool,
    /// A line was drawn and padded: the next line's text starts on the next row.
    ended: bool,
}

impl Stderr {
    fn lines(&self) -> std::sync::MutexGuard<'_, Lines> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Anything but a line's text or padding: the cursor stays where the last line left it.
    fn reset(&self) {
        *self.lines() = Lines::default();
    }

    fn size() -> (u16, u16) {
        terminal_size::terminal_size_of(io::stderr())
            .map(|(w, h)| (w.0, h.0))
            .unwrap_or((80, 24))
    }

    fn put(s: &str) -> io::Result<()> {
        io::stderr().lock().write_all(s.as_bytes())
    }
}

impl TermLike for Stderr {
    fn width(&self) -> u16 {
        Stderr::size().0.saturating_sub(ROOM).max(20)
    }

    fn height(&self) -> u16 {
        Stderr::size().1
    }

    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        self.reset();
        if n == 0 {
            return Ok(());
        }
        Stderr::put(&format!("\x1b[{n}A"))
    }

    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        self.reset();
        if n == 0 {
            return Ok(());
        }
        Stderr::put(&format!("\x1b[{n}B"))
    }

    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        self.reset();
        if n == 0 {
            return Ok(());
        }
        Stderr::put(&format!("\x1b[{n}C"))
    }

    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        self.reset();
        if n == 0 {
            return Ok(());
        }
        Stderr::put(&format!("\x1b[{n}D"))
    }

    fn write_line(&self, s: &str) -> io::Result<()> {
        let ended = std::mem::take(&mut *self.lines()).ended;
        Stderr::put(&format!("{}{s}\n", if ended { "\r\n" } else { "" }))
    }

    fn write_str(&self, s: &str) -> io::Result<()> {
        if s == "\r" {
            self.reset();
            return Stderr::put(s);
        }
        let mut lines = self.lines();
        if lines.padding_next {
            lines.padding_next = false;
            lines.ended = true;
            return Stderr::put(s);
        }
        let ended = std::mem::replace(&mut lines.ended, false);
        lines.padding_next = true;
        drop(lines);
        Stderr::put(&format!("{}{s}", if ended { "\r\n" } else { "" }))
    }

    fn clear_line(&self) -> io::Result<()> {
        self.reset();
        Stderr::put("\r\x1b[2K")
    }

    fn flush(&self) -> io::Result<()> {
        self.reset();
        io::stderr().flush()
    }
}

/// Standard error as a progress target, at most 20 redraws a second.
pub(super) fn stderr() -> ProgressDrawTarget {
    ProgressDrawTarget::term_like_with_hz(Box::new(Stderr::default()), 20)
}
