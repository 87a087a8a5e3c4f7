//! Running a program for a row, from a small helper process, so that its peak RSS is its own.
//!
//! wait4's `ru_maxrss` of a child counts the memory of the process that spawned it: at exec,
//! Linux keeps the high-water mark of the address space being replaced, and a child made by
//! vfork (posix_spawn) or fork starts from its parent's. Spawned from this benchmark, whose
//! emulator holds thousands of images and every request it answered, a 6 MB run of ims-share
//! would read as the benchmark's own size. So every program is started by a helper: this
//! benchmark binary run again with `IMS_SHARE_BENCH_SPAWNER=1` before the first row, while it is
//! still small. For each request (one JSON line on its stdin) it runs the program with a
//! cleared environment, stdin from a file or /dev/null, stdout and stderr into files, times it
//! from spawn to wait4, and answers with one JSON line: wall time, exit time, exit code, peak
//! RSS and CPU time. The helper never holds a program's input or output in memory.

use serde::{Deserialize, Serialize};
use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const HELPER_ENV: &str = "IMS_SHARE_BENCH_SPAWNER";

/// A program to run: its path, its arguments and its whole environment (nothing inherited).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Spec {
    program: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

fn text(s: impl AsRef<OsStr>) -> String {
    s.as_ref()
        .to_str()
        .expect("arguments and paths are UTF-8")
        .to_string()
}

impl Spec {
    pub fn new(program: impl AsRef<OsStr>) -> Spec {
        Spec {
            program: text(program),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Spec {
        self.args.push(text(arg));
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(&mut self, args: I) -> &mut Spec {
        self.args.extend(args.into_iter().map(text));
        self
    }

    pub fn env(&mut self, name: &str, value: impl AsRef<OsStr>) -> &mut Spec {
        self.env.push((name.to_string(), text(value)));
        self
    }
}

#[derive(Serialize, Deserialize)]
struct Request {
    spec: Spec,
    stdin: Option<PathBuf>,
    stdout: PathBuf,
    stderr: PathBuf,
}

/// What the helper measured.
#[derive(Serialize, Deserialize)]
pub struct Reply {
    elapsed_ns: u64,
    exited_at_ns: u64,
    pub code: i32,
    pub rss_kb: u64,
    cpu_ns: u64,
}

impl Reply {
    pub fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.elapsed_ns)
    }

    pub fn exited_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_nanos(self.exited_at_ns)
    }

    /// User plus system CPU time.
    pub fn cpu(&self) -> Duration {
        Duration::from_nanos(self.cpu_ns)
    }
}

/// In the helper process: answers requests until its stdin closes, then exits. Elsewhere:
/// returns at once.
pub fn serve_if_helper() {
    if std::env::var_os(HELPER_ENV).is_none() {
        return;
    }
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("the benchmark's request is readable");
        let request: Request = serde_json::from_str(&line).expect("a request");
        let reply = run_here(&request);
        let reply = serde_json::to_string(&reply).expect("a reply");
        writeln!(out, "{reply}").expect("the benchmark reads replies");
        out.flush().expect("the benchmark reads replies");
    }
    std::process::exit(0);
}

/// Runs one program and reaps it with wait4, not Child::wait, to read its rusage.
#[allow(clippy::zombie_processes)] // reaped by wait4
fn run_here(request: &Request) -> Reply {
    let spec = &request.spec;
    let stdin = match &request.stdin {
        Some(path) => Stdio::from(File::open(path).expect("the input file opens")),
        None => Stdio::null(),
    };
    let stdout = File::create(&request.stdout).expect("the output file is created");
    let stderr = File::create(&request.stderr).expect("the error file is created");
    let mut cmd = Command::new(&spec.program);
    cmd.args(&spec.args)
        .env_clear()
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(stdin)
        .stdout(stdout)
        .stderr(stderr);
    let started = Instant::now();
    let child = cmd.spawn().expect("the program runs");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child, which std has not reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    let elapsed = started.elapsed();
    let exited_at = SystemTime::now();
    let timeval = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Reply {
        elapsed_ns: elapsed.as_nanos() as u64,
        exited_at_ns: exited_at.duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64,
        code: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        rss_kb: usage.ru_maxrss as u64,
        cpu_ns: (timeval(usage.ru_utime) + timeval(usage.ru_stime)).as_nanos() as u64,
    }
}

struct Helper {
    child: Child,
    to: ChildStdin,
    from: BufReader<ChildStdout>,
    dir: tempfile::TempDir,
}

static HELPER: OnceLock<Mutex<Option<Helper>>> = OnceLock::new();

/// Starts the helper; call first thing, while this process is small.
pub fn start() {
    HELPER.get_or_init(|| {
        let mut child = Command::new(std::env::current_exe().expect("this benchmark's path"))
            .env(HELPER_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the helper starts");
        Mutex::new(Some(Helper {
            to: child.stdin.take().expect("piped"),
            from: BufReader::new(child.stdout.take().expect("piped")),
            child,
            dir: tempfile::tempdir().expect("a temporary directory"),
        }))
    });
}

/// Stops the helper (it ends when its stdin closes) and waits for it.
pub fn stop() {
    let Some(helper) = HELPER.get() else { return };
    let taken = helper.lock().expect("the helper lock").take();
    if let Some(Helper { mut child, to, .. }) = taken {
        drop(to);
        let _ = child.wait();
    }
}

/// Runs `spec` through the helper, with `input` on its stdin when given: the measures, and
/// what the program wrote on stdout and stderr.
pub fn run(spec: &Spec, input: Option<&[u8]>) -> (Reply, Vec<u8>, Vec<u8>) {
    let mut guard = HELPER
        .get()
        .expect("spawn::start() ran")
        .lock()
        .expect("the helper lock");
    let helper = guard.as_mut().expect("the helper runs");
    let file = |name: &str| -> PathBuf { helper.dir.path().join(name) };
    let (stdin, stdout, stderr) = (file("stdin"), file("stdout"), file("stderr"));
    if let Some(bytes) = input {
        std::fs::write(&stdin, bytes).expect("the input is written");
    }
    let request = Request {
        spec: spec.clone(),
        stdin: input.map(|_| stdin.clone()),
        stdout: stdout.clone(),
        stderr: stderr.clone(),
    };
    let line = serde_json::to_string(&request).expect("a request");
    writeln!(helper.to, "{line}").expect("the helper reads requests");
    helper.to.flush().expect("the helper reads requests");
    let mut answer = String::new();
    helper
        .from
        .read_line(&mut answer)
        .expect("the helper answers");
    assert!(!answer.is_empty(), "the helper ended (see its panic above)");
    let reply: Reply = serde_json::from_str(&answer).expect("a reply");
    let read = |path: &Path| std::fs::read(path).unwrap_or_default();
    let (out, err) = (read(&stdout), read(&stderr));
    for path in [&stdin, &stdout, &stderr] {
        let _ = std::fs::remove_file(path);
    }
    (reply, out, err)
}
