//! The picker (issue 16): `accept`/`reject` with no ids on a terminal offer the pending images
//! in a list. Driven through a pseudo-terminal like a person would: wait for the list to be
//! drawn, press keys, read what the run did to the emulator's state.

use crate::common::*;
use std::io::{Read, Write};
use std::process::{Child, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(30);

/// A child on a pseudo-terminal of 100x30 (its stdin, stdout and stderr), and everything it
/// has written so far.
struct Session {
    /// `None` once `exit` has taken it.
    child: Option<Child>,
    keys: Option<std::fs::File>,
    screen: Arc<(Mutex<Vec<u8>>, Condvar)>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Session {
    fn start(mut cmd: std::process::Command) -> Session {
        let (master, slave) = openpty(100, 30);
        let child = cmd
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave))
            .spawn()
            .expect("the binary starts");
        let keys = std::fs::File::from(master.try_clone().unwrap());
        let screen = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let sink = screen.clone();
        let mut master = std::fs::File::from(master);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Ends with EIO once the child has closed its side.
            while let Ok(n) = master.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.0.lock().unwrap().extend_from_slice(&buf[..n]);
                sink.1.notify_all();
            }
        });
        Session {
            child: Some(child),
            keys: Some(keys),
            screen,
            reader: Some(reader),
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.screen.0.lock().unwrap()).into_owned()
    }

    /// Blocks until the screen shows `needle` (or panics with what it shows).
    fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = self.screen.0.lock().unwrap();
        while !String::from_utf8_lossy(&seen).contains(needle) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "never saw {needle:?}; the screen:\n{}",
                String::from_utf8_lossy(&seen)
            );
            seen = self.screen.1.wait_timeout(seen, left).unwrap().0;
        }
    }

    fn press(&mut self, keys: &str) {
        let k = self.keys.as_mut().expect("open");
        k.write_all(keys.as_bytes()).unwrap();
        k.flush().unwrap();
    }

    /// The exit code once the child has ended, and all it wrote.
    fn exit(mut self) -> (i32, String) {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut child = self.child.take().expect("running");
        let pid = child.id();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait().map(|s| s.code().unwrap_or(-1)));
        });
        let code = match rx.recv_timeout(PATIENCE) {
            Ok(code) => code.unwrap(),
            Err(_) => {
                // SAFETY: kill(2) on the pid of our own child, which has not been reaped.
                unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
                panic!(
                    "still running; the screen:\n{}",
                    String::from_utf8_lossy(&self.screen.0.lock().unwrap())
                )
            }
        };
        // The reader ends when the last descriptor of the terminal's other side is closed.
        drop(self.keys.take());
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        let text = String::from_utf8_lossy(&self.screen.0.lock().unwrap()).into_owned();
        (code, text)
    }
}

/// A test that fails before `exit` leaves no child behind.
impl Drop for Session {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

const DOWN: &str = "\x1b[B";

fn on_a_terminal(f: &Fixture, args: &[&str]) -> std::process::Command {
    let mut cmd = f.process(env!("CARGO_BIN_EXE_ims-share"));
    cmd.env("TERM", "xterm").env("NO_COLOR", "1").args(args);
    cmd
}

fn five_pending() -> (Fixture, Vec<String>) {
    let (state, ids) = many_pending(5);
    (Fixture::with(state, Default::default()), ids)
}

#[test]
fn two_of_five_picked_are_accepted_and_only_those() {
    let (f, ids) = five_pending();
    let mut s = Session::start(on_a_terminal(&f, &["accept"]));
    // Newest first: img-000 on top. The list shows name, owner, size and date.
    s.wait_for("img-004");
    let screen = s.text();
    assert!(screen.contains("Accept which images?"), "{screen}");
    assert!(screen.contains("2.0 GiB"), "{screen}");
    s.press(" ");
    s.press(DOWN);
    s.press(DOWN);
    s.press(" ");
    s.press("\r");
    assert_eq!(s.exit().0, 0);
    let statuses: Vec<String> = ids.iter().map(|id| f.member_status(id)).collect();
    assert_eq!(
        statuses,
        ["accepted", "pending", "accepted", "pending", "pending"]
    );
    let writes = f.writes();
    assert_eq!(writes.len(), 1, "one batch: {writes:?}");
    let mut sent: Vec<String> = writes[0].body_json()["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    sent.sort();
    assert_eq!(sent, [ids[0].clone(), ids[2].clone()]);
}

#[test]
fn typing_filters_the_list() {
    let (f, ids) = five_pending();
    let mut s = Session::start(on_a_terminal(&f, &["reject"]));
    s.wait_for("img-004");
    s.press("img-003");
    s.press(" \r");
    assert_eq!(s.exit().0, 0);
    assert_eq!(f.member_status(&ids[3]), "rejected");
    assert_eq!(
        ids.iter()
            .filter(|id| f.member_status(id) == "pending")
            .count(),
        4
    );
}

#[test]
fn escape_cancels_with_130_and_sends_nothing() {
    let (f, _) = five_pending();
    let mut s = Session::start(on_a_terminal(&f, &["accept"]));
    s.wait_for("img-004");
    s.press(" \x1b");
    let (code, screen) = s.exit();
    assert_eq!(code, 130, "{screen}");
    assert!(screen.contains("cancelled: nothing was sent"), "{screen}");
    assert!(f.writes().is_empty());
}

#[test]
fn no_prompt_with_q_or_ims_share_no_prompt_even_on_a_terminal() {
    let (f, _) = five_pending();
    for (env, args) in [(None, &["accept", "-q"][..]), (Some("1"), &["accept"][..])] {
        let mut cmd = on_a_terminal(&f, args);
        if let Some(v) = env {
            cmd.env("IMS_SHARE_NO_PROMPT", v);
        }
        let (code, screen_after) = Session::start(cmd).exit();
        assert_eq!(code, 2, "{args:?} {env:?}: {screen_after}");
        assert!(
            screen_after.contains("no image ids given"),
            "{screen_after}"
        );
        assert!(!screen_after.contains("which images?"), "{screen_after}");
    }
    assert!(f.requests().is_empty());
}

#[test]
fn no_prompt_when_piped() {
    let (f, _) = five_pending();
    let r = run(f.cmd().arg("accept"));
    r.code(2);
    assert!(r.stderr.contains("no image ids given"), "{}", r.stderr);
    assert!(
        r.stderr.contains("a list of the pending images"),
        "{}",
        r.stderr
    );
    assert!(f.requests().is_empty());
}

#[test]
fn several_targets_get_no_picker_but_a_usage_error() {
    let (f, _) = five_pending();
    let url = f.url();
    let (code, screen) = Session::start(on_a_terminal(
        &f,
        &["--iam-endpoint", &url, "--region", "eu-de,eu-nl", "accept"],
    ))
    .exit();
    assert_eq!(code, 2, "{screen}");
    assert!(
        screen.contains("the list to pick from is for one target"),
        "{screen}"
    );
    assert!(!screen.contains("which images?"), "{screen}");
    assert!(f.writes().is_empty());
}

/// The screen a terminal of `cols` columns would show after `bytes`: enough of a terminal for
/// what ims-share writes (text, `\r`, `\n`, clear line, cursor up; other sequences skipped),
/// wrapping at the last column as terminals do.
fn screen(bytes: &str, cols: usize) -> Vec<String> {
    let mut rows: Vec<Vec<char>> = vec![Vec::new()];
    let (mut row, mut col) = (0usize, 0usize);
    let mut chars = bytes.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => col = 0,
            '\n' => {
                row += 1;
                col = 0;
            }
            '\x1b' => {
                if chars.peek() != Some(&'[') {
                    continue;
                }
                chars.next();
                let mut arg = String::new();
                let mut end = ' ';
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() || d == '~' {
                        end = d;
                        break;
                    }
                    arg.push(d);
                }
                let n: usize = arg.trim_start_matches('?').parse().unwrap_or(1);
                match end {
                    'A' => row = row.saturating_sub(n),
                    'B' => row += n,
                    'K' if arg == "2" => rows[row].clear(),
                    'K' => rows[row].truncate(col),
                    _ => {}
                }
            }
            c if c.is_control() => {}
            c => {
                if col == cols {
                    row += 1;
                    col = 0;
                }
                while rows.len() <= row {
                    rows.push(Vec::new());
                }
                let line = &mut rows[row];
                while line.len() < col {
                    line.push(' ');
                }
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.push(c);
                }
                col += 1;
            }
        }
        while rows.len() <= row {
            rows.push(Vec::new());
        }
    }
    rows.into_iter()
        .map(|r| r.into_iter().collect::<String>().trim_end().to_string())
        .collect()
}

/// A session of its own with the terminal as its controlling terminal, so that ^C typed there
/// is a SIGINT for it (and echoed as a person would see it).
fn controlled_by_the_terminal(cmd: &mut std::process::Command) {
    // SAFETY: setsid and ioctl are async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(cmd, || {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY as _, 0);
            Ok(())
        });
    }
}

#[test]
fn ctrl_c_typed_at_the_terminal_leaves_no_spinner_on_screen() {
    let f = Fixture::with(
        seeded(),
        ims_share::emulator::Knobs {
            job_duration: Some(Duration::from_secs(3600)),
            ..Default::default()
        },
    );
    let mut cmd = on_a_terminal(&f, &["reject", ims_share::emulator::seed::images::UBUNTU]);
    controlled_by_the_terminal(&mut cmd);
    let mut s = Session::start(cmd);
    s.wait_for("waiting for 1 job");
    s.press("\x03");
    let (code, text) = s.exit();
    assert_eq!(code, 130, "{text}");
    let shown = screen(&text, 100);
    assert!(
        !shown.iter().any(|l| l.contains("waiting for")),
        "{}",
        shown.join("\n")
    );
    assert!(
        shown.iter().any(|l| l.contains("resume with")),
        "{}",
        shown.join("\n")
    );
}

#[test]
fn several_targets_draw_one_progress_line_each_and_leave_none() {
    let f = Fixture::with(
        seeded(),
        ims_share::emulator::Knobs {
            job_duration: Some(Duration::from_secs(3600)),
            ..Default::default()
        },
    );
    let url = f.url();
    let mut cmd = on_a_terminal(
        &f,
        &[
            "--iam-endpoint",
            &url,
            "--region",
            "eu-de,eu-nl",
            "--all-projects",
            "reject",
            ims_share::emulator::seed::images::UBUNTU,
        ],
    );
    controlled_by_the_terminal(&mut cmd);
    let mut s = Session::start(cmd);
    let progress = |shown: &[String]| -> Vec<String> {
        shown
            .iter()
            .filter(|l| l.contains("waiting for"))
            .cloned()
            .collect()
    };
    let deadline = Instant::now() + PATIENCE;
    loop {
        let lines = progress(&screen(&s.text(), 100));
        if lines.len() == 3 {
            // One row per target, each starting with its target.
            assert!(
                lines.iter().all(|l| l.starts_with("-/eu-")),
                "{}",
                lines.join("\n")
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{}",
            screen(&s.text(), 100).join("\n")
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    s.press("\x03");
    let (code, text) = s.exit();
    assert_eq!(code, 130, "{text}");
    let shown = screen(&text, 100);
    assert!(progress(&shown).is_empty(), "{}", shown.join("\n"));
}
