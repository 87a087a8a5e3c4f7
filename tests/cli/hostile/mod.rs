//! Issue 13, "Hostile input and stuck servers": the attacks as end-to-end tests.
//!
//! The real binary (`CARGO_BIN_EXE_ims-share`) runs against [`server::HostileServer`], a
//! scripted HTTP/1.1 server on 127.0.0.1 that answers whatever a test wants (control
//! characters, invalid UTF-8, endless pages, bodies trickled one byte at a time, answers that
//! never come). Nothing here uses the `ims_share` library: only std, the dev-dependencies and
//! the binary, so the suite survives the library's reorganisation.
//!
//! Every run goes through [`spawn`]: the child gets its own process group (so whatever it
//! starts, such as a `secret_key_command`, is killed with it), a capped address space (so an
//! unbounded read fails fast instead of eating the shared machine's memory), and a hard
//! deadline. Output is captured with a cap (the total size is still counted).
//!
//! Assertions on wording use key words only (the final messages are the engineer's choice).

mod bounded;
mod cache;
mod deadlines;
mod linear;
mod proxy;
mod secrets;
mod server;
mod terminal;
mod unreadable;

use serde_json::{Value, json};
use server::{HostileServer, Reply, Request};
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const AK: &str = "AK1234567890";
/// The configured secret key: must never be printed.
pub const SK: &str = "hostile-sk-0d9c4b7a2e6f51c3";
pub const PROJECT: &str = "5f2c8a1e9b3d4c7a8e6f1a2b3c4d5e6f";
pub const OWNER: &str = "9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f";
pub const JOB: &str = "ff8080814dbd65d7014dbe0d84db0013";
pub const USERNAME: &str = "hostile-user";
pub const PASSWORD: &str = "hostile-password-3e8a1f";
pub const DOMAIN: &str = "hostile-domain";

/// The longest stderr line (in characters) a run may print, whatever the service sends.
pub const MAX_STDERR_LINE: usize = 1000;

/// Text a tenant or a compromised server controls: OSC 52 (clipboard write), OSC 8 (link),
/// CSI clear screen + home, OSC 0 (title), a `\r\n` that forges a "resume with" line, C0
/// (NUL, BS, VT, FF), DEL, C1 (U+009B CSI, U+0085 NEL), U+2028/2029, bidi overrides and
/// isolates, and a tab.
pub const NASTY: &str = "evil\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}]8;;https://x.invalid/\u{7}link\u{1b}]8;;\u{7}\u{1b}[2J\u{1b}[H\u{1b}]0;pwned\u{7}\r\nsubmitted job 00000000000000000000000000000bad; resume with: ims-share wait 00000000000000000000000000000bad\r\n\u{0}\u{8}\u{b}\u{c}\u{7f}\u{9b}31m\u{85}\u{2028}\u{2029}\u{202e}gpj.exe\u{2066}x\u{2069}\tend";

/// The forged line NASTY tries to print.
pub const FORGED: &str = "submitted job 00000000000000000000000000000bad";

pub fn image_id(n: u64) -> String {
    format!("{:08x}-0000-4000-8000-{:012x}", n, n)
}

/// A character that changes what a terminal shows beyond the text itself, or breaks a line.
/// Tab and newline are allowed (separators of plain rows and lines).
pub fn is_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}'
        | '\u{b}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}' | '\u{200f}'
        | '\u{2028}' | '\u{2029}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// Output shown in an assertion message: escaped, so a failing test does not attack the
/// terminal of whoever runs it, and cut to a readable length.
pub fn show(text: &str) -> String {
    let mut s: String = text
        .chars()
        .take(3000)
        .collect::<String>()
        .escape_debug()
        .to_string();
    if text.chars().count() > 3000 {
        s.push_str(&format!("… ({} chars in all)", text.chars().count()));
    }
    s
}

#[track_caller]
pub fn assert_no_controls(what: &str, text: &str) {
    let bad: Vec<String> = text
        .char_indices()
        .filter(|(_, c)| is_control(*c))
        .take(8)
        .map(|(i, c)| format!("{:?} at byte {i}", c))
        .collect();
    assert!(
        bad.is_empty(),
        "{what} carries raw control characters ({}):\n{}",
        bad.join(", "),
        show(text)
    );
}

#[track_caller]
pub fn assert_lines_capped(what: &str, text: &str) {
    for line in text.lines() {
        let n = line.chars().count();
        assert!(
            n <= MAX_STDERR_LINE,
            "{what}: a line of {n} characters (at most {MAX_STDERR_LINE}):\n{}",
            show(line)
        );
    }
}

/// No line of `stderr` starts with the line NASTY tries to forge.
#[track_caller]
pub fn assert_no_forged_line(what: &str, text: &str) {
    for line in text.split(['\n', '\r']) {
        assert!(
            !line.trim_start().starts_with(FORGED)
                && !line
                    .trim_start()
                    .starts_with("resume with: ims-share wait 00000000000000000000000000000bad"),
            "{what}: service text forged a line:\n{}",
            show(text)
        );
    }
}

/// Plain output: exactly `records` lines of exactly `fields` tab-separated fields.
#[track_caller]
pub fn assert_plain_rows(text: &str, records: usize, fields: usize) {
    assert!(text.is_empty() || text.ends_with('\n'), "{}", show(text));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        records,
        "one line per record expected:\n{}",
        show(text)
    );
    for l in &lines {
        assert_eq!(
            l.split('\t').count(),
            fields,
            "{fields} tab-separated fields expected in {}",
            show(l)
        );
    }
}

pub fn parse_json(text: &str) -> Value {
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", show(text)))
}

// ---------------------------------------------------------------------------------------------
// Service answers.

pub fn image(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "owner": OWNER,
        "status": "active",
        "visibility": "shared",
        "created_at": "2026-11-20T10:00:00Z",
        "updated_at": "2026-11-21T14:49:40Z",
    })
}

pub fn page(images: Vec<Value>, next: Option<String>) -> Value {
    let mut v = json!({
        "images": images,
        "first": "/v2/images?visibility=shared&member_status=pending&limit=1000",
        "schema": "/v2/schemas/images",
    });
    if let Some(n) = next {
        v["next"] = json!(n);
    }
    v
}

pub fn next_link(marker: &str) -> String {
    format!("/v2/images?visibility=shared&member_status=pending&limit=1000&marker={marker}")
}

/// A listing of `images` for `member_status=pending`, empty pages for the other statuses.
pub fn pending_listing(images: Vec<Value>) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    move |r: &Request| {
        if r.is("GET", "/v2/images") {
            if r.param("member_status").as_deref() == Some("pending") && r.param("marker").is_none()
            {
                Reply::json(200, &page(images.clone(), None))
            } else {
                Reply::json(200, &page(vec![], None))
            }
        } else {
            not_found(r)
        }
    }
}

pub fn not_found(r: &Request) -> Reply {
    Reply::json(
        404,
        &json!({"error": {"code": "IMG.0027", "message": format!("no route {} {}", r.method, r.path)}}),
    )
}

/// An IAM token body (the token itself travels in `X-Subject-Token`).
pub fn token_body(project_id: &str) -> Value {
    json!({"token": {
        "expires_at": "2099-01-01T00:00:00.000000Z",
        "issued_at": "2026-01-01T00:00:00.000000Z",
        "methods": ["password"],
        "project": {"id": project_id, "name": "lab-1", "domain": {"name": DOMAIN}},
        "user": {"name": USERNAME, "domain": {"name": DOMAIN}},
        "catalog": []
    }})
}

pub fn login_reply(token: &str, project_id: &str) -> Reply {
    Reply::json(201, &token_body(project_id)).header("X-Subject-Token", token)
}

// ---------------------------------------------------------------------------------------------
// The binary, in a private home.

/// A private HOME with XDG directories, removed at the end of the test.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.path(".cache/ims-share")
    }

    /// The binary with a clean environment: PATH, a private HOME and XDG directories, no
    /// credentials.
    pub fn bare(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ims-share"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path(".config"))
            .env("XDG_CACHE_HOME", self.path(".cache"))
            .env("XDG_DATA_HOME", self.path(".local/share"))
            .env("XDG_STATE_HOME", self.path(".local/state"))
            .env("IMS_SHARE_NO_PROMPT", "1");
        cmd
    }

    /// The binary pointed at `server` with AK/SK and a project id from the environment.
    pub fn aksk(&self, server: &HostileServer) -> Command {
        let mut cmd = self.bare();
        cmd.env("IMS_SHARE_ENDPOINT", server.url())
            .env("HUAWEICLOUD_SDK_AK", AK)
            .env("HUAWEICLOUD_SDK_SK", SK)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT);
        cmd
    }

    /// Writes a config file (mode 0600) and returns its path.
    pub fn config(&self, name: &str, text: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path
    }

    /// A password profile `pw`: IAM and IMS both on `server` (unless overridden).
    pub fn password_profile(&self, iam: &str, ims: &str) -> PathBuf {
        self.config(
            "password.toml",
            &format!(
                "[profiles.pw]\nregion = \"lab-1\"\niam_endpoint = \"{iam}/v3\"\nims_endpoint = \"{ims}\"\nusername = \"{USERNAME}\"\npassword = \"{PASSWORD}\"\ndomain = \"{DOMAIN}\"\n"
            ),
        )
    }

    /// The binary with the password profile (`--config FILE --profile pw`).
    pub fn password(&self, iam: &str, ims: &str) -> Command {
        let path = self.password_profile(iam, ims);
        let mut cmd = self.bare();
        cmd.arg("--config").arg(path).args(["--profile", "pw"]);
        cmd
    }
}

// ---------------------------------------------------------------------------------------------
// Running it: own process group, capped memory, hard deadline, capped capture.

/// Address space of the child: an unbounded read fails at this size instead of growing.
const CHILD_ADDRESS_SPACE: u64 = 2 << 30;
/// Bytes of each stream kept in memory (the total is still counted).
const CAPTURE: usize = 16 << 20;

pub enum Input {
    Null,
    Bytes(Vec<u8>),
    /// NUL bytes for as long as the child reads them (like `/dev/zero`), counted in
    /// [`Outcome::stdin_taken`].
    Endless,
}

pub enum Out {
    Capture,
    File(PathBuf),
    Given(Stdio),
}

#[derive(Default)]
struct Captured {
    head: Vec<u8>,
    total: usize,
}

fn capture(mut r: impl Read + Send + 'static) -> JoinHandle<Captured> {
    std::thread::spawn(move || {
        let mut c = Captured::default();
        let mut buf = [0u8; 65536];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => return c,
                Ok(n) => {
                    c.total += n;
                    let room = CAPTURE.saturating_sub(c.head.len());
                    c.head.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
    })
}

/// Writes `bytes` (or NULs without end) until the reader goes away; returns what was taken.
pub fn feed_stdin(mut w: impl Write, bytes: Option<Vec<u8>>) -> usize {
    match bytes {
        Some(b) => match w.write_all(&b) {
            Ok(()) => b.len(),
            Err(_) => 0,
        },
        None => {
            let zeros = vec![0u8; 1 << 20];
            let mut taken = 0;
            while let Ok(n) = w.write(&zeros) {
                if n == 0 {
                    break;
                }
                taken += n;
            }
            taken
        }
    }
}

pub struct Spawned {
    pub pid: i32,
    started: Instant,
    status: mpsc::Receiver<ExitStatus>,
    stdout: Option<JoinHandle<Captured>>,
    stderr: JoinHandle<Captured>,
    stdin: Option<JoinHandle<usize>>,
}

/// How a run ended.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub stdout_total: usize,
    pub stderr_total: usize,
    /// Bytes of standard input the child accepted (with [`Input::Bytes`] or [`Input::Endless`]).
    pub stdin_taken: usize,
    /// From spawn to exit.
    pub elapsed: Duration,
    /// The deadline passed and the process group was killed.
    pub killed: bool,
    /// Processes of its group (commands it started) were still alive after it exited.
    pub leftovers: bool,
}

impl Outcome {
    pub fn describe(&self) -> String {
        format!(
            "exit {:?} signal {:?} after {:.1?}{}{}\nstdout ({} bytes):\n{}\nstderr ({} bytes):\n{}",
            self.code,
            self.signal,
            self.elapsed,
            if self.killed {
                " (KILLED at the test's deadline)"
            } else {
                ""
            },
            if self.leftovers {
                " (left processes behind)"
            } else {
                ""
            },
            self.stdout_total,
            show(&self.stdout),
            self.stderr_total,
            show(&self.stderr)
        )
    }

    #[track_caller]
    pub fn code(&self, expected: i32) -> &Outcome {
        assert_eq!(self.code, Some(expected), "exit code; {}", self.describe());
        self
    }

    #[track_caller]
    pub fn within(&self, limit: Duration) -> &Outcome {
        assert!(
            !self.killed && self.elapsed <= limit,
            "the run should end within {limit:?}; {}",
            self.describe()
        );
        self
    }
}

pub fn spawn(cmd: Command, input: Input) -> Spawned {
    spawn_with(cmd, input, Out::Capture)
}

pub fn spawn_with(mut cmd: Command, input: Input, out: Out) -> Spawned {
    cmd.process_group(0);
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: CHILD_ADDRESS_SPACE as libc::rlim_t,
                rlim_max: CHILD_ADDRESS_SPACE as libc::rlim_t,
            };
            libc::setrlimit(libc::RLIMIT_AS, &lim);
            Ok(())
        });
    }
    let feed = match input {
        Input::Null => {
            cmd.stdin(Stdio::null());
            None
        }
        Input::Bytes(b) => {
            cmd.stdin(Stdio::piped());
            Some(Some(b))
        }
        Input::Endless => {
            cmd.stdin(Stdio::piped());
            Some(None)
        }
    };
    let capture_stdout = match out {
        Out::Capture => {
            cmd.stdout(Stdio::piped());
            true
        }
        Out::File(p) => {
            cmd.stdout(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&p)
                    .expect("open the stdout file"),
            );
            false
        }
        Out::Given(s) => {
            cmd.stdout(s);
            false
        }
    };
    cmd.stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("the binary starts");
    // Close our copies of the child's descriptors (a pty slave, a file).
    drop(cmd);
    let pid = child.id() as i32;
    let stdin = feed.map(|bytes| {
        let w = child.stdin.take().unwrap();
        std::thread::spawn(move || feed_stdin(w, bytes))
    });
    let stdout = capture_stdout.then(|| capture(child.stdout.take().unwrap()));
    let stderr = capture(child.stderr.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        if let Ok(s) = child.wait() {
            let _ = tx.send(s);
        }
    });
    Spawned {
        pid,
        started,
        status: rx,
        stdout,
        stderr,
        stdin,
    }
}

impl Spawned {
    pub fn signal(&self, sig: i32) {
        // SAFETY: a plain kill(2) of the process this test started.
        let rc = unsafe { libc::kill(self.pid, sig) };
        assert_eq!(rc, 0, "kill({}, {sig})", self.pid);
    }

    /// Waits at most `limit` more for the process to exit; kills its process group at the
    /// deadline (and afterwards, to remove whatever it left running).
    pub fn finish(self, limit: Duration) -> Outcome {
        let (status, killed) = match self.status.recv_timeout(limit) {
            Ok(s) => (s, false),
            Err(_) => {
                // SAFETY: the process group this test created for the child.
                unsafe { libc::kill(-self.pid, libc::SIGKILL) };
                (
                    self.status
                        .recv_timeout(Duration::from_secs(10))
                        .expect("the killed process is reaped"),
                    true,
                )
            }
        };
        let elapsed = self.started.elapsed();
        // SAFETY: as above; signal 0 only asks whether the group still has members.
        let leftovers = !killed && unsafe { libc::kill(-self.pid, 0) } == 0;
        unsafe { libc::kill(-self.pid, libc::SIGKILL) };
        let stdout = self.stdout.map(|h| h.join().unwrap()).unwrap_or_default();
        let stderr = self.stderr.join().unwrap();
        let stdin_taken = self.stdin.map(|h| h.join().unwrap()).unwrap_or(0);
        use std::os::unix::process::ExitStatusExt;
        Outcome {
            code: status.code(),
            signal: status.signal(),
            stdout: String::from_utf8_lossy(&stdout.head).into_owned(),
            stderr: String::from_utf8_lossy(&stderr.head).into_owned(),
            stdout_total: stdout.total,
            stderr_total: stderr.total,
            stdin_taken,
            elapsed,
            killed,
            leftovers,
        }
    }
}

/// Runs to the end, at most `limit`.
pub fn run(cmd: Command, limit: Duration) -> Outcome {
    spawn(cmd, Input::Null).finish(limit)
}

pub fn run_in(cmd: Command, input: Input, limit: Duration) -> Outcome {
    spawn(cmd, input).finish(limit)
}

/// The usual limit for a run that should be quick.
pub const QUICK: Duration = Duration::from_secs(15);

pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// Waits for a request matching `pred`, panicking with the run's output when it never comes.
#[track_caller]
pub fn arrived(server: &HostileServer, sp: Spawned, pred: impl Fn(&Request) -> bool) -> Spawned {
    if server.wait_for(Duration::from_secs(10), pred).is_none() {
        let o = sp.finish(Duration::from_millis(1));
        panic!(
            "the expected request never arrived; requests: {:?}\n{}",
            server
                .requests()
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>(),
            o.describe()
        );
    }
    sp
}

/// Files of a directory (names), sorted.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}
