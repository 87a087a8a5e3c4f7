//! The result documents and their three renderings (table, plain, json), as pure functions
//! from data to text. PRODUCT.md "Output" fixes the plain columns and the JSON keys.

use crate::model::{ErrorInfo, JobId, JobStatus, Outcome};
use crate::settings::Format;
use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, presets};
use serde::Serialize;

/// The outcome of one image of an accept or reject.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageRow {
    pub image_id: String,
    pub status: Outcome,
    pub job_id: Option<JobId>,
    pub error: Option<ErrorInfo>,
    /// Known when the image came from the listing (--all-pending).
    pub name: Option<String>,
    /// Per-image mode: the member object the service returned.
    pub member_id: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRef {
    pub job_id: JobId,
    pub status: JobStatus,
}

/// accept / reject: `{"images":[...], "jobs":[...]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeDoc {
    pub images: Vec<ImageRow>,
    pub jobs: Vec<JobRef>,
    #[serde(skip)]
    pub per_image: bool,
    /// `--no-wait`: plain output is only the job ids.
    #[serde(skip)]
    pub no_wait: bool,
}

/// One image shared with you (status without ids).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedRow {
    pub image_id: String,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub member_status: String,
    pub updated_at: Option<String>,
    pub created_at: Option<String>,
    pub image_status: Option<String>,
    pub visibility: Option<String>,
    pub whole_image: bool,
    pub os_version: Option<String>,
    pub image_type: Option<String>,
    pub min_disk: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImagesDoc {
    pub images: Vec<SharedRow>,
}

/// Your membership of one image (status IMAGE...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberRow {
    pub image_id: String,
    pub member_id: String,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MembersDoc {
    pub members: Vec<MemberRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobImage {
    pub image_id: String,
    pub status: String,
}

/// One job (wait, status --job).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRow {
    pub job_id: JobId,
    pub job_type: Option<String>,
    pub status: JobStatus,
    pub begin_time: Option<String>,
    pub end_time: Option<String>,
    pub fail_reason: Option<String>,
    pub error_code: Option<String>,
    pub images: Vec<JobImage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobsDoc {
    pub jobs: Vec<JobRow>,
}

/// A request `--dry-run` would have sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRequest {
    pub method: String,
    pub url: String,
    pub body: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedImage {
    pub image_id: String,
    pub name: Option<String>,
    /// What would happen: `accept`, `reject`, or `skip` (with the reason in `error`).
    pub plan: String,
    pub error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DryRunDoc {
    pub dry_run: bool,
    pub images: Vec<PlannedImage>,
    pub requests: Vec<PlannedRequest>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    Change(ChangeDoc),
    Images(ImagesDoc),
    Members(MembersDoc),
    Jobs(JobsDoc),
    DryRun(DryRunDoc),
}

/// How a table looks: colour and width come from the terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    pub width: Option<u16>,
}

pub fn render(doc: &Document, format: Format, style: Style) -> String {
    match format {
        Format::Json => json(doc),
        Format::Plain => plain(doc),
        Format::Table => table(doc, style),
    }
}

pub fn json(doc: &Document) -> String {
    let value = match doc {
        Document::Change(d) => serde_json::to_value(d),
        Document::Images(d) => serde_json::to_value(d),
        Document::Members(d) => serde_json::to_value(d),
        Document::Jobs(d) => serde_json::to_value(d),
        Document::DryRun(d) => serde_json::to_value(d),
    }
    .expect("documents serialise");
    let mut text = serde_json::to_string_pretty(&value).expect("documents serialise");
    text.push('\n');
    text
}

/// A value for a tab-separated row: tabs and newlines become spaces, null is empty.
fn field(v: Option<&str>) -> String {
    v.unwrap_or_default()
        .chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn rows(lines: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&line.join("\t"));
        out.push('\n');
    }
    out
}

pub fn plain(doc: &Document) -> String {
    match doc {
        Document::Change(d) if d.no_wait => {
            rows(d.jobs.iter().map(|j| vec![field(Some(j.job_id.as_str()))]))
        }
        Document::Change(d) => rows(d.images.iter().map(|r| {
            vec![
                field(Some(&r.image_id)),
                field(Some(r.status.as_str())),
                field(r.job_id.as_ref().map(JobId::as_str)),
                field(r.error.as_ref().map(|e| e.code.as_str())),
                field(r.error.as_ref().map(|e| e.message.as_str())),
            ]
        })),
        Document::Images(d) => rows(d.images.iter().map(|r| {
            vec![
                field(Some(&r.image_id)),
                field(r.name.as_deref()),
                field(r.owner.as_deref()),
                field(Some(&r.member_status)),
                field(r.updated_at.as_deref()),
            ]
        })),
        Document::Members(d) => rows(d.members.iter().map(|r| {
            vec![
                field(Some(&r.image_id)),
                field(Some(&r.member_id)),
                field(r.status.as_deref()),
                field(r.created_at.as_deref()),
                field(r.updated_at.as_deref()),
            ]
        })),
        Document::Jobs(d) => rows(d.jobs.iter().map(|j| {
            vec![
                field(Some(j.job_id.as_str())),
                field(Some(j.status.as_str())),
                field(j.job_type.as_deref()),
                field(j.begin_time.as_deref()),
                field(j.end_time.as_deref()),
                field(j.error_code.as_deref()),
                field(j.fail_reason.as_deref()),
            ]
        })),
        Document::DryRun(d) => rows(
            d.requests
                .iter()
                .map(|r| vec![r.method.clone(), field(Some(&r.url)), r.body.to_string()]),
        ),
    }
}

fn status_color(status: &str) -> Option<Color> {
    match status {
        "accepted" | "success" => Some(Color::Green),
        "pending" | "running" | "init" | "submitted" => Some(Color::Yellow),
        "rejected" | "failed" => Some(Color::Red),
        _ => None,
    }
}

/// One column of a table: whether its text may wrap, and how readily it is dropped when the
/// terminal is too narrow even with wrapping (0: never; higher numbers go first).
#[derive(Clone, Copy)]
struct Column {
    header: &'static str,
    wraps: bool,
    drop_rank: u8,
    /// Statuses are coloured.
    status: bool,
}

const fn col(header: &'static str, wraps: bool, drop_rank: u8) -> Column {
    Column {
        header,
        wraps,
        drop_rank,
        status: false,
    }
}

const fn status_col(header: &'static str) -> Column {
    Column {
        header,
        wraps: false,
        drop_rank: 0,
        status: true,
    }
}

/// The narrowest a wrapping column may become.
const MIN_WRAPPED: usize = 12;
/// Space between two columns, and at the edges (the `NOTHING` style pads each cell by one).
const GAP: usize = 2;

/// The columns that fit `width`: dropping the highest drop rank first, until the ids and
/// statuses (which never wrap) and the wrapping columns at their narrowest fit.
fn fitting(columns: &[Column], rows: &[Vec<String>], width: Option<u16>) -> Vec<usize> {
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let Some(width) = width.map(usize::from) else {
        return kept;
    };
    let need = |kept: &[usize]| -> usize {
        kept.iter()
            .map(|&i| {
                let content = rows
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([columns[i].header.len()])
                    .max()
                    .unwrap_or(0);
                if columns[i].wraps {
                    content.min(MIN_WRAPPED)
                } else {
                    content
                }
            })
            .sum::<usize>()
            + GAP * kept.len()
    };
    while need(&kept) > width {
        let Some((pos, _)) = kept
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].drop_rank > 0)
            .max_by_key(|(_, i)| columns[**i].drop_rank)
        else {
            break;
        };
        kept.remove(pos);
    }
    kept
}

/// Lays out rows as a borderless table (like gh and kubectl) that fits the terminal: ids
/// never wrap, names and errors do, and low-priority columns go when space runs out.
fn grid(columns: &[Column], rows: &[Vec<String>], style: Style) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|v| field(Some(v))).collect())
        .collect();
    let kept = fitting(columns, &rows, style.width);
    let mut t = Table::new();
    // The renderer is pure: it never asks the terminal itself; colour and width come from
    // the settings.
    t.load_style(presets::NOTHING)
        .force_no_tty()
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(kept.iter().map(|&i| {
            let c = Cell::new(columns[i].header);
            if style.color {
                c.add_attribute(comfy_table::Attribute::Bold)
            } else {
                c
            }
        }));
    if let Some(w) = style.width {
        t.set_width(w);
    }
    if style.color {
        t.enforce_styling();
    }
    for (n, &i) in kept.iter().enumerate() {
        if !columns[i].wraps
            && let Some(c) = t.column_mut(n)
        {
            c.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    for r in &rows {
        t.add_row(kept.iter().map(|&i| {
            let c = Cell::new(&r[i]);
            match status_color(&r[i]) {
                Some(color) if style.color && columns[i].status => c.fg(color),
                _ => c,
            }
        }));
    }
    let text: Vec<String> = t.lines().map(|l| l.trim_end().to_string()).collect();
    format!("{}\n", text.join("\n"))
}

fn short_job(id: &str) -> &str {
    &id[..id.len().min(8)]
}

fn opt(v: Option<&str>) -> String {
    v.unwrap_or("-").to_string()
}

fn error_text(e: Option<&ErrorInfo>) -> String {
    e.map(|e| format!("{}: {}", e.code, e.message))
        .unwrap_or_default()
}

/// The same member on every row goes under the table instead of in a column.
fn single<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Option<&'a str> {
    let mut first = None;
    for v in values {
        match (first, v) {
            (_, None) => return None,
            (None, Some(v)) => first = Some(v),
            (Some(f), Some(v)) if f != v => return None,
            _ => {}
        }
    }
    first
}

pub fn table(doc: &Document, style: Style) -> String {
    match doc {
        Document::Change(d) if d.per_image => {
            let member = single(d.images.iter().map(|r| r.member_id.as_deref()));
            let mut columns = vec![col("IMAGE", false, 0)];
            if member.is_none() {
                columns.push(col("MEMBER", false, 3));
            }
            columns.extend([
                status_col("STATUS"),
                col("CREATED", false, 2),
                col("UPDATED", false, 1),
                col("ERROR", true, 0),
            ]);
            let rows: Vec<Vec<String>> = d
                .images
                .iter()
                .map(|r| {
                    let mut row = vec![r.image_id.clone()];
                    if member.is_none() {
                        row.push(opt(r.member_id.as_deref()));
                    }
                    row.extend([
                        r.status.as_str().to_string(),
                        opt(r.created_at.as_deref()),
                        opt(r.updated_at.as_deref()),
                        error_text(r.error.as_ref()),
                    ]);
                    row
                })
                .collect();
            let mut text = grid(&columns, &rows, style);
            if let Some(m) = member.filter(|_| !text.is_empty()) {
                text.push_str(&format!("member {m}\n"));
            }
            text
        }
        Document::Change(d) => {
            let names = d.images.iter().any(|r| r.name.is_some());
            // With one job the column would repeat one id: the jobs are listed under the
            // table. With several, the column holds the first 8 characters of each.
            let jobs_column = d.jobs.len() > 1;
            let mut columns = vec![col("IMAGE", false, 0)];
            if names {
                columns.push(col("NAME", true, 2));
            }
            columns.push(status_col("STATUS"));
            if jobs_column {
                columns.push(col("JOB", false, 1));
            }
            columns.push(col("ERROR", true, 0));
            let rows: Vec<Vec<String>> = d
                .images
                .iter()
                .map(|r| {
                    let mut row = vec![r.image_id.clone()];
                    if names {
                        row.push(opt(r.name.as_deref()));
                    }
                    row.push(r.status.as_str().to_string());
                    if jobs_column {
                        row.push(opt(r.job_id.as_ref().map(|j| short_job(j.as_str()))));
                    }
                    row.push(error_text(r.error.as_ref()));
                    row
                })
                .collect();
            let mut text = grid(&columns, &rows, style);
            if !text.is_empty() {
                for j in &d.jobs {
                    text.push_str(&format!("job {}  {}\n", j.job_id, j.status.as_str()));
                }
            }
            text
        }
        Document::Images(d) => {
            let columns = [
                col("IMAGE", false, 0),
                col("NAME", true, 0),
                col("OWNER", false, 2),
                status_col("STATUS"),
                col("UPDATED", false, 1),
            ];
            let rows: Vec<Vec<String>> = d
                .images
                .iter()
                .map(|r| {
                    let name = match (&r.name, r.whole_image) {
                        (Some(n), true) => format!("{n} (full-ECS)"),
                        (Some(n), false) => n.clone(),
                        (None, _) => "-".into(),
                    };
                    vec![
                        r.image_id.clone(),
                        name,
                        opt(r.owner.as_deref()),
                        r.member_status.clone(),
                        opt(r.updated_at.as_deref()),
                    ]
                })
                .collect();
            grid(&columns, &rows, style)
        }
        Document::Members(d) => {
            let columns = [
                col("IMAGE", false, 0),
                col("MEMBER", false, 3),
                status_col("STATUS"),
                col("CREATED", false, 2),
                col("UPDATED", false, 1),
                col("ERROR", true, 0),
            ];
            let rows: Vec<Vec<String>> = d
                .members
                .iter()
                .map(|r| {
                    vec![
                        r.image_id.clone(),
                        r.member_id.clone(),
                        opt(r.status.as_deref()),
                        opt(r.created_at.as_deref()),
                        opt(r.updated_at.as_deref()),
                        error_text(r.error.as_ref()),
                    ]
                })
                .collect();
            grid(&columns, &rows, style)
        }
        Document::Jobs(d) => {
            let columns = [
                col("JOB", false, 0),
                status_col("STATUS"),
                col("TYPE", false, 3),
                col("BEGIN", false, 2),
                col("END", false, 1),
                col("ERROR", true, 0),
            ];
            let rows: Vec<Vec<String>> = d
                .jobs
                .iter()
                .map(|j| {
                    let error = match (&j.error_code, &j.fail_reason) {
                        (Some(c), Some(r)) => format!("{c}: {r}"),
                        (Some(c), None) => c.clone(),
                        (None, Some(r)) => r.clone(),
                        (None, None) => String::new(),
                    };
                    vec![
                        j.job_id.to_string(),
                        j.status.as_str().to_string(),
                        opt(j.job_type.as_deref()),
                        opt(j.begin_time.as_deref()),
                        opt(j.end_time.as_deref()),
                        error,
                    ]
                })
                .collect();
            grid(&columns, &rows, style)
        }
        Document::DryRun(d) => {
            let columns = [
                col("IMAGE", false, 0),
                col("NAME", true, 1),
                col("PLAN", true, 0),
            ];
            let rows: Vec<Vec<String>> = d
                .images
                .iter()
                .map(|r| {
                    let plan = match &r.error {
                        Some(e) => format!("{} ({}: {})", r.plan, e.code, e.message),
                        None => r.plan.clone(),
                    };
                    vec![r.image_id.clone(), opt(r.name.as_deref()), plan]
                })
                .collect();
            let mut text = grid(&columns, &rows, style);
            for r in &d.requests {
                text.push_str(&format!("would send: {} {} {}\n", r.method, r.url, r.body));
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str) -> JobId {
        JobId::parse(id).unwrap()
    }

    fn change_doc() -> ChangeDoc {
        ChangeDoc {
            images: vec![
                ImageRow {
                    image_id: "d164b5df-1bc3-4c3f-893e-3e471fd16e64".into(),
                    status: Outcome::Accepted,
                    job_id: Some(job("ff8080814dbd65d7014dbe0d84db0013")),
                    error: None,
                    name: None,
                    member_id: None,
                    created_at: None,
                    updated_at: None,
                },
                ImageRow {
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
            jobs: vec![JobRef {
                job_id: job("ff8080814dbd65d7014dbe0d84db0013"),
                status: JobStatus::Failed,
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
            created_at: None,
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
        let doc = Document::Images(ImagesDoc { images: vec![] });
        assert_eq!(table(&doc, Style::default()), "");
        assert_eq!(plain(&doc), "");
        assert_eq!(json(&doc), "{\n  \"images\": []\n}\n");
    }
}
