//! The renderers, document by document.

use super::*;
use crate::domain::{JobId, JobStatus, Outcome};
use crate::report::*;

fn job(id: &str) -> JobId {
    JobId::parse(id).unwrap()
}

fn change_doc() -> ChangeDoc {
    ChangeDoc {
        images: vec![
            ChangeRow {
                image_id: "d164b5df-1bc3-4c3f-893e-3e471fd16e64".into(),
                status: Outcome::Accepted,
                job_id: Some(job("ff8080814dbd65d7014dbe0d84db0013")),
                error: None,
                name: None,
                member_id: None,
                created_at: None,
                updated_at: None,
            },
            ChangeRow {
                image_id: "20f60f75-de9e-43e7-bd56-da1276f699df".into(),
                status: Outcome::Failed,
                job_id: Some(job("ff8080814dbd65d7014dbe0d84db0013")),
                error: Some(ErrorInfo::new(
                    "IMG.0046",
                    "The image is\tunavailable.\nReally.",
                )),
                name: None,
                member_id: None,
                created_at: None,
                updated_at: None,
            },
        ],
        jobs: vec![JobRefRow {
            job_id: job("ff8080814dbd65d7014dbe0d84db0013"),
            status: JobStatus::Failed,
            error_code: Some("IMG.0046".into()),
            fail_reason: Some("The image is unavailable.".into()),
            begin_time: None,
            end_time: None,
        }],
        per_image: false,
        no_wait: false,
    }
}

#[test]
fn change_plain_rows() {
    let text = plain(&Document::Change(change_doc()));
    insta::assert_snapshot!(text, @r"
    d164b5df-1bc3-4c3f-893e-3e471fd16e64	accepted	ff8080814dbd65d7014dbe0d84db0013		
    20f60f75-de9e-43e7-bd56-da1276f699df	failed	ff8080814dbd65d7014dbe0d84db0013	IMG.0046	The image is unavailable. Really.
    ");
}

#[test]
fn no_wait_plain_is_only_job_ids() {
    let mut d = change_doc();
    d.no_wait = true;
    assert_eq!(
        plain(&Document::Change(d)),
        "ff8080814dbd65d7014dbe0d84db0013\n"
    );
}

#[test]
fn change_json_keys() {
    let v: serde_json::Value =
        serde_json::from_str(&json(&Document::Change(change_doc()))).unwrap();
    assert_eq!(v["images"][0]["status"], "accepted");
    assert_eq!(v["images"][0]["error"], serde_json::Value::Null);
    assert_eq!(v["images"][1]["error"]["code"], "IMG.0046");
    assert_eq!(v["jobs"][0]["status"], "failed");
    assert_eq!(v["jobs"][0]["job_id"], "ff8080814dbd65d7014dbe0d84db0013");
}

#[test]
fn change_table_without_colour_has_no_escapes() {
    let text = table(
        &Document::Change(change_doc()),
        Style {
            color: false,
            width: Some(100),
        },
    );
    assert!(!text.contains('\u{1b}'), "{text}");
    insta::assert_snapshot!(text);
}

fn shared_row(name: &str) -> SharedRow {
    SharedRow {
        image_id: "6596628c-42d4-4ff1-8660-8ea5ae61f243".into(),
        name: Some(name.into()),
        owner: Some("9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f".into()),
        member_status: "pending".into(),
        updated_at: Some("2026-11-21T14:49:40Z".into()),
        size_bytes: None,
        disk_format: None,
        os: None,
        min_disk_gb: None,
        min_ram_mb: None,
        created_at: None,
        full_ecs: false,
        owner_name: None,
        image_status: None,
        visibility: None,
        whole_image: false,
        os_version: None,
        image_type: None,
        min_disk: None,
    }
}

#[test]
fn tables_fit_the_terminal_dropping_the_least_useful_columns() {
    let doc = Document::Images(ImagesDoc {
        images: vec![shared_row(
            "ubuntu-24.04-server-hardened-2026.11-with-a-very-long-name",
        )],
        long: false,
    });
    for width in [80u16, 100, 200] {
        let text = table(
            &doc,
            Style {
                color: false,
                width: Some(width),
            },
        );
        for line in text.lines() {
            assert!(line.chars().count() <= width as usize, "{width}: {line:?}");
        }
        assert!(
            text.contains("6596628c-42d4-4ff1-8660-8ea5ae61f243"),
            "ids never wrap"
        );
        assert!(text.contains("pending"));
    }
    let narrow = table(
        &doc,
        Style {
            color: false,
            width: Some(80),
        },
    );
    assert!(
        !narrow.contains("UPDATED") && !narrow.contains("OWNER"),
        "{narrow}"
    );
    let wide = table(
        &doc,
        Style {
            color: false,
            width: Some(200),
        },
    );
    assert!(wide.contains("OWNER") && wide.contains("UPDATED"), "{wide}");
    assert!(
        wide.contains("ubuntu-24.04-server-hardened-2026.11-with-a-very-long-name"),
        "{wide}"
    );
}

#[test]
fn one_member_goes_under_the_per_image_table() {
    let mut d = change_doc();
    d.per_image = true;
    for r in d.images.iter_mut() {
        r.member_id = Some("5f2c8a1e9b3d4c7a8e6f1a2b3c4d5e6f".into());
        r.job_id = None;
    }
    let text = table(
        &Document::Change(d),
        Style {
            color: false,
            width: Some(120),
        },
    );
    assert!(!text.contains("MEMBER"), "{text}");
    assert!(
        text.ends_with("member 5f2c8a1e9b3d4c7a8e6f1a2b3c4d5e6f\n"),
        "{text}"
    );
}

#[test]
fn colour_marks_statuses() {
    let text = table(
        &Document::Change(change_doc()),
        Style {
            color: true,
            width: Some(120),
        },
    );
    assert!(text.contains('\u{1b}'));
}

#[test]
fn jobs_plain_columns() {
    let doc = Document::Jobs(JobsDoc {
        per_image: false,
        jobs: vec![JobRow {
            job_id: job("9a175ac692fa12540193005c340f321c"),
            job_type: Some("imsUpdateImageMembersJob".into()),
            status: JobStatus::Success,
            begin_time: Some("2024-11-06T07:24:22.925Z".into()),
            end_time: None,
            fail_reason: None,
            error_code: None,
            images: vec![],
        }],
    });
    assert_eq!(
        plain(&doc),
        "9a175ac692fa12540193005c340f321c\tsuccess\timsUpdateImageMembersJob\t2024-11-06T07:24:22.925Z\t\t\t\n"
    );
}

#[test]
fn an_empty_table_prints_nothing() {
    let doc = Document::Images(ImagesDoc {
        images: vec![],
        long: false,
    });
    assert_eq!(table(&doc, Style::default()), "");
    assert_eq!(plain(&doc), "");
    assert_eq!(json(&doc), "{\n  \"images\": []\n}\n");
}

/// Issue 12 #10: at 40, 80, 120 and 200 columns every line fits, ids never break, names break
/// only at their punctuation, and below what columns can honestly use, a record per image.
#[test]
fn tables_at_four_widths() {
    let mut images: Vec<SharedRow> = [
        "ubuntu-24.04-server-hardened-2026.11",
        "postgres-16-full-ecs-backup-2026.11",
        "rhel-9.5-golden-2026.11",
    ]
    .iter()
    .map(|n| shared_row(n))
    .collect();
    images[1].image_id = "8f14e45f-ceea-467f-a0e6-d5b7c9e3a1f2".into();
    let doc = Document::Images(ImagesDoc {
        images,
        long: false,
    });
    for width in [40u16, 80, 120, 200] {
        let text = table(
            &doc,
            Style {
                color: false,
                width: Some(width),
            },
        );
        for line in text.lines() {
            assert!(line.chars().count() <= width as usize, "{width}: {line:?}");
        }
        assert!(
            text.contains("6596628c-42d4-4ff1-8660-8ea5ae61f243"),
            "{width}"
        );
        assert!(
            text.contains("9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f") || width < 200,
            "{width}"
        );
        // Every piece of a broken name ends at a separator (or is the name's end).
        let joined: String = text.lines().map(str::trim).collect::<Vec<_>>().join("|");
        assert!(
            !joined.contains("hard|ened"),
            "{width}: mid-word break\n{text}"
        );
        if width == 40 {
            assert!(
                !text.starts_with(" IMAGE"),
                "a record layout at 40:\n{text}"
            );
            assert!(text.contains("  NAME"), "{text}");
        } else {
            assert!(text.starts_with(" IMAGE"), "{width}:\n{text}");
        }
    }
    let wide = table(
        &doc,
        Style {
            color: false,
            width: Some(200),
        },
    );
    assert!(
        wide.contains("ubuntu-24.04-server-hardened-2026.11"),
        "whole at 200:\n{wide}"
    );
}

#[test]
fn sizes_and_numbers_read_as_people_write_them() {
    use super::table::number;
    use crate::text::human_size;
    assert_eq!(human_size(0), "0 B");
    assert_eq!(human_size(1023), "1023 B");
    assert_eq!(human_size(1536), "1.5 KiB");
    assert_eq!(human_size((14 << 30) + (205 << 20)), "14.2 GiB");
    assert_eq!(human_size(150 << 30), "150 GiB");
    assert_eq!(human_size(u64::MAX), "16.0 EiB");
    assert_eq!(number(40.0), "40");
    assert_eq!(number(0.5), "0.5");
}

#[test]
fn a_job_status_from_the_service_cannot_drive_the_terminal_from_a_table_footer() {
    let mut d = change_doc();
    d.jobs[0].status = JobStatus::from_service(Some("RUNNING\u{1b}]0;owned\u{7}\u{1b}[31m"));
    let text = table(
        &Document::Change(d),
        Style {
            color: false,
            width: Some(100),
        },
    );
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.contains("running\\u{1b}]0;owned"), "{text}");
}

#[test]
fn a_journal_project_known_by_id_only_is_shortened_in_tables_and_whole_in_plain() {
    let doc = Document::Journal(JournalDoc {
        jobs: vec![JournalEntry {
            job_id: "ff8080814dbd65d7014dbe0d84db0013".into(),
            action: "accept".into(),
            image_ids: vec!["6596628c-42d4-4ff1-8660-8ea5ae61f243".into()],
            target: JournalTarget {
                profile: Some("prod".into()),
                region: Some("eu-de".into()),
                project_id: Some("5f2c8a1e9b3d4c7a8e6f1a2b3c4d5e6f".into()),
                ..JournalTarget::default()
            },
            submitted_at: "2026-12-03T10:00:00Z".into(),
            last_status: "success".into(),
            last_seen_at: "2026-12-03T10:01:00Z".into(),
        }],
    });
    let t = table(
        &doc,
        Style {
            color: false,
            width: Some(80),
        },
    );
    assert!(t.contains("prod/eu-de/5f2c8a1e…"), "{t}");
    assert!(!t.contains("5f2c8a1e9b3d"), "{t}");
    assert!(plain(&doc).contains("prod/eu-de/5f2c8a1e9b3d4c7a8e6f1a2b3c4d5e6f"));
}
