//! Reading what comes from outside the process within a limit: files and standard input up
//! to a size, and a child process (a `*_command`) up to a size and a time, after which it is
//! killed. Nothing from outside can make ims-share read or wait forever.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why a bounded read did not give the whole input.
#[derive(Debug)]
pub(crate) enum Overflow {
    /// More than the limit (in bytes).
    TooLarge(u64),
    Io(std::io::Error),
}

impl std::fmt::Display for Overflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Overflow::TooLarge(max) => write!(f, "larger than {}", size(*max)),
            Overflow::Io(e) => write!(f, "{e}"),
        }
    }
}

/// "16 MiB", "64 KiB".
pub(crate) fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

/// All of `reader`, if it holds at most `max` bytes.
pub(crate) fn read_all(reader: impl Read, max: u64) -> Result<Vec<u8>, Overflow> {
    let mut bytes = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(Overflow::Io)?;
    if bytes.len() as u64 > max {
        return Err(Overflow::TooLarge(max));
    }
    Ok(bytes)
}

/// A file of at most `max` bytes (a FIFO or `/dev/zero` named by mistake ends there).
pub(crate) fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, Overflow> {
    read_all(std::fs::File::open(path).map_err(Overflow::Io)?, max)
}

/// A text file of at most `max` bytes.
pub(crate) fn read_text(path: &Path, max: u64) -> Result<String, Overflow> {
    String::from_utf8(read_file(path, max)?).map_err(|_| {
        Overflow::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not UTF-8 text",
        ))
    })
}

impl Overflow {
    pub(crate) fn not_found(&self) -> bool {
        matches!(self, Overflow::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// The largest configuration file read (config.toml, clouds.yaml, KooCLI's config.json).
pub(crate) const MAX_CONFIG: u64 = 1024 * 1024;

/// What a child process printed before it ended or was stopped.
#[derive(Debug)]
pub(crate) struct Finished {
    /// `None` when it was killed for running too long or printing too much.
    pub(crate) status: Option<ExitStatus>,
    pub(crate) stdout: Vec<u8>,
    /// The first bytes of its error output (the rest is read and dropped).
    pub(crate) stderr: Vec<u8>,
    pub(crate) stopped: Option<Stop>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    TooLong(Duration),
    TooMuchOutput(u64),
}

/// Runs `command` (stdin closed) for at most `timeout`, keeping at most `max_stdout` bytes of
/// its output and `max_stderr` of its error output; past either limit it is killed.
pub(crate) fn run(
    mut command: Command,
    timeout: Duration,
    max_stdout: u64,
    max_stderr: u64,
) -> std::io::Result<Finished> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let out = child.stdout.take().map(|s| drain(s, max_stdout));
    let err = child.stderr.take().map(|s| drain(s, max_stderr));
    let started = Instant::now();
    let mut stopped = None;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if out.as_ref().is_some_and(|o| o.overflowed()) {
            stopped = Some(Stop::TooMuchOutput(max_stdout));
        } else if started.elapsed() >= timeout {
            stopped = Some(Stop::TooLong(timeout));
        }
        if stopped.is_some() {
            kill(&mut child);
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = out.map(Drain::finish).unwrap_or_default();
    let stderr = err.map(Drain::finish).unwrap_or_default();
    Ok(Finished {
        status,
        stdout,
        stderr,
        stopped,
    })
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A pipe read on a thread, keeping the first `max` bytes (the rest is read and dropped).
struct Drain {
    kept: Arc<Mutex<Vec<u8>>>,
    overflowed: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
}

impl Drain {
    fn overflowed(&self) -> bool {
        self.overflowed.load(Ordering::SeqCst)
    }

    /// What was read. A process the command left behind may hold the pipe open: wait for the
    /// end of the pipe a moment, not for ever.
    fn finish(self) -> Vec<u8> {
        let until = Instant::now() + Duration::from_secs(1);
        while !self.done.load(Ordering::SeqCst) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        crate::sync::lock(&self.kept).clone()
    }
}

fn drain(mut pipe: impl Read + Send + 'static, max: u64) -> Drain {
    let drain = Drain {
        kept: Arc::default(),
        overflowed: Arc::default(),
        done: Arc::default(),
    };
    let (kept, overflowed, done) = (
        drain.kept.clone(),
        drain.overflowed.clone(),
        drain.done.clone(),
    );
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let mut kept = crate::sync::lock(&kept);
                    let room = (max as usize).saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    if n > room {
                        overflowed.store(true, Ordering::SeqCst);
                    }
                }
            }
        }
        done.store(true, Ordering::SeqCst);
    });
    drain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_cut_at_the_limit() {
        assert_eq!(read_all(&b"abc"[..], 3).unwrap(), b"abc");
        assert!(matches!(
            read_all(&b"abcd"[..], 3),
            Err(Overflow::TooLarge(3))
        ));
        assert!(matches!(
            read_all(std::io::repeat(0), 1 << 20),
            Err(Overflow::TooLarge(_))
        ));
    }

    #[test]
    fn a_command_that_runs_too_long_is_killed() {
        let mut c = Command::new("sleep");
        c.arg("30");
        let started = Instant::now();
        let f = run(c, Duration::from_millis(200), 1024, 1024).unwrap();
        assert_eq!(f.stopped, Some(Stop::TooLong(Duration::from_millis(200))));
        assert!(f.status.is_none());
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_command_that_prints_too_much_is_killed() {
        let f = run(Command::new("yes"), Duration::from_secs(20), 4096, 1024).unwrap();
        assert_eq!(f.stopped, Some(Stop::TooMuchOutput(4096)));
        assert_eq!(f.stdout.len(), 4096);
    }

    #[test]
    fn a_process_left_behind_does_not_hold_the_run() {
        let mut c = Command::new("sh");
        c.args(["-c", "sleep 30 & echo secret"]);
        let started = Instant::now();
        let f = run(c, Duration::from_secs(20), 1024, 1024).unwrap();
        assert_eq!(f.stdout, b"secret\n");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_quick_command_gives_its_output() {
        let mut c = Command::new("sh");
        c.args(["-c", "echo out; echo err >&2; exit 3"]);
        let f = run(c, Duration::from_secs(20), 1024, 1024).unwrap();
        assert_eq!(f.stdout, b"out\n");
        assert_eq!(f.stderr, b"err\n");
        assert_eq!(f.status.unwrap().code(), Some(3));
        assert_eq!(f.stopped, None);
    }
}
