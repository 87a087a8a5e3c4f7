//! Start-up (`--version`, `accept --help`) and the size of the release binary.

use crate::harness::{BIN, Row, measure};
use std::time::Duration;

pub fn startup(args: &[&str]) -> Row {
    let home = tempfile::tempdir().unwrap();
    let mut times: Vec<Duration> = (0..51)
        .map(|_| {
            let m = measure("http://127.0.0.1:9", home.path(), args);
            assert_eq!(m.code, 0);
            m.elapsed
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    Row {
        what: format!("ims-share {} (median of 51)", args.join(" ")),
        measured: format!("{:.2} ms", median.as_secs_f64() * 1000.0),
        ideal: "-".into(),
        ratio: None,
        goal: "< 5 ms".into(),
        rss_kb: None,
        ok: median < Duration::from_millis(5),
    }
}

pub fn binary_size() -> Row {
    let bytes = std::fs::metadata(BIN).unwrap().len();
    Row {
        what: "release binary size".into(),
        measured: format!("{:.2} MB", bytes as f64 / 1024.0 / 1024.0),
        ideal: "-".into(),
        ratio: None,
        goal: "< 10 MB".into(),
        rss_kb: None,
        ok: bytes < 10 * 1024 * 1024,
    }
}
