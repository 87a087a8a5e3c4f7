//! Where progress lines are drawn: standard error, a few columns narrower than the terminal.
//!
//! indicatif pads each line with spaces to the terminal's last column. When Ctrl-C is typed,
//! the terminal echoes `^C` there and wraps to a new line, so clearing "the current line" at
//! the end cleared the wrong one and left a spinner on screen. Drawing three columns short
//! leaves room for the echo on the same line.

use indicatif::{ProgressDrawTarget, TermLike};
use std::io::{self, Write};

/// Columns left free at the right for the terminal's `^C`.
const ROOM: u16 = 3;

#[derive(Debug)]
struct Stderr;

impl Stderr {
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
        if n == 0 {
            return Ok(());
        }
        Stderr::put(&format!("\x1b[{n}A"))
    }

    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        Stderr::put(&format!("\x1b[{n}B"))
    }

    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        Stderr::put(&format!("\x1b[{n}C"))
    }

    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        Stderr::put(&format!("\x1b[{n}D"))
    }

    fn write_line(&self, s: &str) -> io::Result<()> {
        Stderr::put(&format!("{s}\n"))
    }

    fn write_str(&self, s: &str) -> io::Result<()> {
        Stderr::put(s)
    }

    fn clear_line(&self) -> io::Result<()> {
        Stderr::put("\r\x1b[2K")
    }

    fn flush(&self) -> io::Result<()> {
        io::stderr().flush()
    }
}

/// Standard error as a progress target, at most 20 redraws a second.
pub(super) fn stderr() -> ProgressDrawTarget {
    ProgressDrawTarget::term_like_with_hz(Box::new(Stderr), 20)
}
