//! The harness: an emulator on 127.0.0.1 port 0, a private HOME, and the real binary run
//! against it with a clean environment.

use ims_share::emulator::state::{State, image};
use ims_share::emulator::{Config, Emulator, Knobs, Recorded, Store, seed};
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const ME: &str = seed::PROJECT_ID;
pub const OTHER: &str = seed::PLATFORM_PROJECT;

pub struct Fixture {
    pub emu: Emulator,
    pub home: tempfile::TempDir,
}

/// What a run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json<T: for<'de> Deserialize<'de>>(&self) -> T {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not the expected JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(
            self.code, expected,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// The seeded account, with jobs short enough for tests.
pub fn seeded() -> State {
    let mut s = seed::account(ims_share::emulator::state::now_ms());
    s.settings.job_duration_ms = 300;
    s
}

/// An account in a region no endpoint table knows, so the IMS endpoint must come from the
/// token's catalog.
pub fn lab_account() -> State {
    let mut s = seeded();
    s.region = "lab-1".into();
    for p in s.projects.iter_mut() {
        p.name = "lab-1".into();
    }
    s
}

/// An account with `n` images pending from OTHER, named img-000...
pub fn many_pending(n: usize) -> (State, Vec<String>) {
    let mut s = seeded();
    s.images.clear();
    s.members.clear();
    let now = ims_share::emulator::state::now_ms();
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("{:08x}-0000-4000-8000-{:012x}", i + 1, i + 1);
        s.share(
            image(&id, &format!("img-{i:03}"), OTHER, now - i as u64 * 1000),
            ME,
            "pending",
        );
        ids.push(id);
    }
    (s, ids)
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::with(seeded(), Knobs::default())
    }

    pub fn with(state: State, knobs: Knobs) -> Fixture {
        let emu = Emulator::start(
            Store::memory(state),
            Config {
                knobs,
                ..Config::default()
            },
        )
        .expect("the emulator starts");
        Fixture {
            emu,
            home: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn url(&self) -> String {
        self.emu.url()
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }

    /// The binary with no credentials at all, and a private HOME and XDG directories.
    pub fn bare(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_ims-share"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.path(".config"))
            .env("XDG_CACHE_HOME", self.path(".cache"))
            .env("XDG_DATA_HOME", self.path(".local/share"))
            .timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// The binary pointed at the emulator with the Huawei SDK variables (AK/SK).
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = self.bare();
        cmd.env("IMS_SHARE_ENDPOINT", self.url())
            .env("HUAWEICLOUD_SDK_AK", seed::ACCESS_KEY)
            .env("HUAWEICLOUD_SDK_SK", seed::SECRET_KEY)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", ME);
        cmd
    }

    /// A std `Command` (for spawning, pipes and signals) with the same clean environment as
    /// [`Fixture::cmd`]: private HOME and XDG directories, AK/SK pointed at the emulator.
    pub fn process(&self, program: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.path(".config"))
            .env("XDG_CACHE_HOME", self.path(".cache"))
            .env("XDG_DATA_HOME", self.path(".local/share"))
            .env("IMS_SHARE_ENDPOINT", self.url())
            .env("HUAWEICLOUD_SDK_AK", seed::ACCESS_KEY)
            .env("HUAWEICLOUD_SDK_SK", seed::SECRET_KEY)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", ME);
        cmd
    }

    /// Writes `<config dir>/ims-share/config.toml` with the given file mode.
    pub fn write_config(&self, text: &str, mode: u32) -> PathBuf {
        let dir = self.path(".config/ims-share");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        path
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.emu.requests()
    }

    pub fn writes(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| {
                r.method == "PUT" || r.method == "POST" && !r.path.ends_with("/auth/tokens")
            })
            .collect()
    }

    pub fn member_status(&self, image: &str) -> String {
        self.emu.with_state(|s| {
            s.member(image, ME)
                .map(|m| m.status.clone())
                .unwrap_or_default()
        })
    }
}

pub fn run(cmd: &mut assert_cmd::Command) -> Run {
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// Typed views of the JSON documents (PRODUCT.md "Output").

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorOut {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Deserialize)]
pub struct ImageOut {
    pub image_id: String,
    pub status: String,
    pub job_id: Option<String>,
    pub error: Option<ErrorOut>,
    pub member_id: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct JobRefOut {
    pub job_id: String,
    pub status: String,
}

#[derive(Debug, Deserialize)]
pub struct ChangeOut {
    pub images: Vec<ImageOut>,
    pub jobs: Vec<JobRefOut>,
}

impl ChangeOut {
    pub fn image(&self, id: &str) -> &ImageOut {
        self.images
            .iter()
            .find(|i| i.image_id == id)
            .unwrap_or_else(|| panic!("{id} not in the output"))
    }
}

#[derive(Debug, Deserialize)]
pub struct JobImageOut {
    pub image_id: String,
    pub status: String,
}

#[derive(Debug, Deserialize)]
pub struct JobOut {
    pub job_id: String,
    pub job_type: Option<String>,
    pub status: String,
    pub begin_time: Option<String>,
    pub end_time: Option<String>,
    pub fail_reason: Option<String>,
    pub error_code: Option<String>,
    pub images: Vec<JobImageOut>,
}

#[derive(Debug, Deserialize)]
pub struct JobsOut {
    pub jobs: Vec<JobOut>,
}

#[derive(Debug, Deserialize)]
pub struct SharedOut {
    pub image_id: String,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub member_status: String,
    pub updated_at: Option<String>,
    pub whole_image: bool,
}

#[derive(Debug, Deserialize)]
pub struct ImagesOut {
    pub images: Vec<SharedOut>,
}

#[derive(Debug, Deserialize)]
pub struct MemberOut {
    pub image_id: String,
    pub member_id: String,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub error: Option<ErrorOut>,
}

#[derive(Debug, Deserialize)]
pub struct MembersOut {
    pub members: Vec<MemberOut>,
}

pub fn is_job_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A pseudo-terminal of `cols` x `rows`: its master (what the terminal shows, and the keys
/// typed) and its slave (the child's side).
#[cfg(unix)]
pub fn openpty(cols: u16, rows: u16) -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd;
    let mut master: libc::c_int = -1;
    let mut slave: libc::c_int = -1;
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors into the given ints; name and termios are null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: both descriptors were just opened and are owned by nobody else.
    unsafe {
        (
            std::os::fd::OwnedFd::from_raw_fd(master),
            std::os::fd::OwnedFd::from_raw_fd(slave),
        )
    }
}
