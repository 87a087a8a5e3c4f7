//! Issue 13, class 4: Bounded work: a listing that never stops inventing `next` markers, an
//! endless standard input, an endless CA bundle, a secret command that prints forever or never
//! exits, and a failing command whose stderr is megabytes of escapes all end, in bounded time
//! and memory, with a message that says what was cut short.
//!
//! The child runs with a capped address space (see `spawn`): today's unbounded reads end in
//! an allocation failure (SIGABRT) instead of exhausting the shared machine.

use super::server::{HostileServer, Reply, Request};
use super::*;
use std::sync::atomic::{AtomicU64, Ordering};

#[test]
fn a_listing_that_invents_next_markers_forever_ends_with_exit_5() {
    let pages = AtomicU64::new(0);
    let server = HostileServer::start(move |r: &Request| {
        if r.is("GET", "/v2/images") {
            // 100 new images per page and a marker never seen before.
            let n = pages.fetch_add(1, Ordering::SeqCst);
            let images: Vec<Value> = (0..100)
                .map(|i| image(&image_id(n * 100 + i + 1), "endless"))
                .collect();
            let marker = image_id(n * 100 + 100);
            Reply::json(200, &page(images, Some(next_link(&marker))))
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--member-status", "pending", "-o", "plain"]);
    let o = run(cmd, QUICK);
    o.within(QUICK).code(5);
    assert!(
        o.stdout.is_empty(),
        "stdout stays empty on exit 5; {}",
        o.describe()
    );
    let said = o.stderr.to_lowercase();
    assert!(
        said.contains("page") || said.contains("listing") || said.contains("images"),
        "the message says the listing was cut short; {}",
        o.describe()
    );
}

/// What the test lets a child read from an endless stream before calling it unbounded.
const READ_CEILING: usize = 256 << 20;

#[track_caller]
fn assert_stopped_reading(o: &Outcome, taken: usize) {
    assert!(
        taken < READ_CEILING,
        "{} MiB of an endless stream were read before the run stopped; {}",
        taken >> 20,
        o.describe()
    );
    assert!(
        !o.stderr.to_lowercase().contains("memory"),
        "the run must stop on its own limit, not when memory runs out; {}",
        o.describe()
    );
}

#[test]
fn ids_from_an_endless_standard_input_are_refused() {
    // `accept - < /dev/zero`, through a pipe that counts what the binary takes.
    let server = HostileServer::start(pending_listing(vec![]));
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["accept", "-"]);
    let o = run_in(cmd, Input::Endless, QUICK);
    o.within(secs(10.0)).code(2);
    assert_stopped_reading(&o, o.stdin_taken);
    assert!(
        o.stderr.to_lowercase().contains("standard input") || o.stderr.contains("stdin"),
        "the message names standard input; {}",
        o.describe()
    );
    assert!(o.stderr_total < 4096, "a short message; {}", o.describe());
    assert!(server.requests().is_empty(), "nothing is sent");
}

#[test]
fn a_ca_bundle_that_never_ends_is_refused() {
    // `--ca-bundle /dev/zero`, as a FIFO fed with NULs so the test can count what is read.
    use std::os::unix::fs::OpenOptionsExt;
    let server = HostileServer::start(pending_listing(vec![]));
    let home = Home::new();
    let fifo = home.path("endless-ca.pem");
    let c_path = std::ffi::CString::new(fifo.display().to_string()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    let writer_path = fifo.clone();
    // Opening for writing blocks until a reader opens the FIFO.
    let writer = std::thread::spawn(move || {
        let w = std::fs::OpenOptions::new()
            .write(true)
            .open(&writer_path)
            .unwrap();
        feed_stdin(w, None)
    });
    let mut cmd = home.aksk(&server);
    cmd.arg("--ca-bundle")
        .arg(&fifo)
        .args(["status", "--member-status", "pending"]);
    let o = run(cmd, QUICK);
    // Unblock the writer if the binary never opened the FIFO, then end it.
    let unblock = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    drop(unblock);
    let taken = writer.join().unwrap();
    o.within(secs(10.0)).code(2);
    assert_stopped_reading(&o, taken);
    assert!(
        o.stderr.contains("endless-ca.pem"),
        "the file is named; {}",
        o.describe()
    );
    assert!(o.stderr_total < 4096, "a short message; {}", o.describe());
    assert!(server.requests().is_empty(), "nothing is sent");
}

/// A profile `cmd` whose secret key comes from `command`.
fn command_profile(home: &Home, server: &HostileServer, command: &str) -> Command {
    let path = home.config(
        "commands.toml",
        &format!(
            "[profiles.cmd]\nims_endpoint = \"{}\"\nproject_id = \"{PROJECT}\"\naccess_key = \"{AK}\"\nsecret_key_command = '{command}'\n",
            server.url()
        ),
    );
    let mut cmd = home.bare();
    cmd.arg("--config").arg(path).args(["--profile", "cmd"]);
    cmd
}

#[track_caller]
fn assert_names_the_command(o: &Outcome, program: &str) {
    assert!(
        o.stderr.contains("secret_key_command") || o.stderr.contains(program),
        "the message names the command; {}",
        o.describe()
    );
}

#[test]
fn a_secret_command_that_prints_forever_is_stopped() {
    let server = HostileServer::start(pending_listing(vec![]));
    let home = Home::new();
    let mut cmd = command_profile(&home, &server, "yes");
    cmd.args(["status", "--member-status", "pending"]);
    let o = run(cmd, QUICK);
    o.within(secs(12.0)).code(2);
    assert_names_the_command(&o, "yes");
    assert!(o.stderr_total < 4096, "a short message; {}", o.describe());
    assert!(
        !o.leftovers,
        "the command is not left running; {}",
        o.describe()
    );
}

#[test]
fn a_secret_command_that_never_exits_is_stopped() {
    let server = HostileServer::start(pending_listing(vec![]));
    let home = Home::new();
    let mut cmd = command_profile(&home, &server, "sleep 1000");
    cmd.args(["status", "--member-status", "pending"]);
    let o = run(cmd, QUICK);
    o.within(secs(12.0)).code(2);
    assert_names_the_command(&o, "sleep");
    assert!(
        !o.leftovers,
        "the command is not left running; {}",
        o.describe()
    );
    assert!(server.requests().is_empty(), "nothing is sent");
}

#[test]
fn a_failing_command_that_floods_stderr_with_escapes_does_not_flood_the_terminal() {
    use std::os::unix::fs::PermissionsExt;
    let server = HostileServer::start(pending_listing(vec![]));
    let home = Home::new();
    let script = home.path("flood.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nyes \"$(printf '\\033]52;c;cm0gLXJmIH4=\\007\\033[2J\\033[H\\r')\" | head -c 4000000 >&2\nexit 3\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = command_profile(&home, &server, &script.display().to_string());
    cmd.args(["status", "--member-status", "pending"]);
    let o = run(cmd, QUICK);
    o.within(secs(10.0)).code(2);
    assert_names_the_command(&o, "flood.sh");
    assert!(
        o.stderr_total <= 16 * 1024,
        "at most 16 KiB on stderr, got {} bytes; {}",
        o.stderr_total,
        o.describe()
    );
    assert_no_controls("stderr", &o.stderr);
    assert_lines_capped("stderr", &o.stderr);
    assert!(server.requests().is_empty(), "nothing is sent");
}
