//! Issue 13, class 7: Linear cost: a 1 MB image name in a table on an 80-column terminal
//! renders in reasonable time (and Ctrl-C is honoured meanwhile); `--dry-run` with 100k ids
//! finishes in a few seconds.
//!
//! ims-share reads the terminal width only when stdout is a terminal, so the table tests give
//! the binary a pseudo-terminal of 80x24 as stdout (libc::openpty) and drain its master side.
//! The limits allow for the debug build the tests run.

use super::server::HostileServer;
use super::*;
use crate::common::openpty;

/// A pseudo-terminal of 80x24: the slave for the child's stdout, and a thread draining the
/// master (returns the number of bytes the child wrote).
fn terminal_80x24() -> (Stdio, JoinHandle<usize>) {
    let (master, slave) = openpty(80, 24);
    let mut reader = std::fs::File::from(master);
    let drain = std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        let mut total = 0;
        // Ends with EIO once every slave descriptor is closed.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n;
        }
        total
    });
    (Stdio::from(slave), drain)
}

fn huge_name_server() -> HostileServer {
    let name = "x".repeat(1_000_000);
    HostileServer::start(pending_listing(vec![image(&image_id(1), &name)]))
}

fn table_on_a_terminal(home: &Home, server: &HostileServer) -> (Spawned, JoinHandle<usize>) {
    let (tty, drain) = terminal_80x24();
    let mut cmd = home.aksk(server);
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .env("TERM", "xterm")
        .args(["status", "--member-status", "pending"]);
    (spawn_with(cmd, Input::Null, Out::Given(tty)), drain)
}

#[test]
fn a_one_megabyte_name_renders_in_an_80_column_table_quickly() {
    let server = huge_name_server();
    let home = Home::new();
    let (sp, drain) = table_on_a_terminal(&home, &server);
    let o = sp.finish(QUICK);
    let written = drain.join().unwrap();
    o.within(secs(10.0)).code(0);
    assert!(
        written > 0,
        "the table reached the terminal; {}",
        o.describe()
    );
}

#[test]
fn ctrl_c_is_honoured_while_a_huge_table_is_laid_out() {
    let server = huge_name_server();
    let home = Home::new();
    let (sp, drain) = table_on_a_terminal(&home, &server);
    assert!(
        server.wait_answered(1, Duration::from_secs(10)),
        "the listing was never served"
    );
    let at = Instant::now();
    // The run may already be over (a fast layout): that is fine too.
    // SAFETY: a plain kill(2) of the process this test started (ESRCH ignored).
    unsafe { libc::kill(sp.pid, libc::SIGINT) };
    let o = sp.finish(secs(8.0));
    drop(drain);
    assert!(
        !o.killed && at.elapsed() <= secs(2.0),
        "Ctrl-C should end the run within 2s (took {:.1?}); {}",
        at.elapsed(),
        o.describe()
    );
    assert!(
        matches!(o.code, Some(0) | Some(130)),
        "exit 0 (done) or 130 (interrupted); {}",
        o.describe()
    );
}

#[test]
fn a_dry_run_with_100k_ids_finishes_in_seconds() {
    let server = HostileServer::start(pending_listing(vec![]));
    let home = Home::new();
    let mut ids = String::with_capacity(100_000 * 37);
    for n in 1..=100_000u64 {
        ids.push_str(&image_id(n));
        ids.push('\n');
    }
    let mut cmd = home.aksk(&server);
    cmd.args(["accept", "--dry-run", "-o", "plain", "-"]);
    let o = run_in(cmd, Input::Bytes(ids.into_bytes()), QUICK);
    o.within(secs(8.0)).code(0);
    assert_eq!(
        server.count(|r| r.method == "PUT"),
        0,
        "a dry run sends no write"
    );
    assert!(o.stdout.contains(&image_id(100_000)), "{}", o.describe());
}
