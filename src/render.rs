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

fn status_cell(status: &str, style: Style) -> Cell {
    let c = Cell::new(status);
    match status_color(status) {
        Some(color) if style.color => c.fg(color),
        _ => c,
    }
}

/// Columns that may wrap when the terminal is narrow; ids and times never do.
const WRAPPING: &[&str] = &["NAME", "ERROR", "PLAN"];

fn new_table(header: &[&str], style: Style) -> Table {
    let mut t = Table::new();
    // The renderer is pure: it never asks the terminal itself (no tty lookup); colour and
    // width come from the settings.
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .force_no_tty()
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().map(Cell::new));
    if let Some(w) = style.width {
        t.set_width(w);
    }
    if style.color {
        t.enforce_styling();
    }
    for (i, h) in header.iter().enumerate() {
        if !WRAPPING.contains(h)
            && let Some(c) = t.column_mut(i)
        {
            c.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    t
}

/// A table cell: tabs and line breaks become spaces.
fn cell(text: &str) -> Cell {
    Cell::new(field(Some(text)))
}

fn opt(v: Option<&str>) -> &str {
    v.unwrap_or("-")
}

fn error_text(e: Option<&ErrorInfo>) -> String {
    e.map(|e| format!("{}: {}", e.code, e.message))
        .unwrap_or_default()
}

pub fn table(doc: &Document, style: Style) -> String {
    let t = match doc {
        Document::Change(d) if d.per_image => {
            let mut t = new_table(
                &["IMAGE", "MEMBER", "STATUS", "CREATED", "UPDATED", "ERROR"],
                style,
            );
            for r in &d.images {
                t.add_row(vec![
                    cell(&r.image_id),
                    cell(opt(r.member_id.as_deref())),
                    status_cell(r.status.as_str(), style),
                    cell(opt(r.created_at.as_deref())),
                    cell(opt(r.updated_at.as_deref())),
                    cell(&error_text(r.error.as_ref())),
                ]);
            }
            t
        }
        Document::Change(d) => {
            let names = d.images.iter().any(|r| r.name.is_some());
            let mut header = vec!["IMAGE"];
            if names {
                header.push("NAME");
            }
            header.extend(["STATUS", "JOB", "ERROR"]);
            let mut t = new_table(&header, style);
            for r in &d.images {
                let mut row = vec![cell(&r.image_id)];
                if names {
                    row.push(cell(opt(r.name.as_deref())));
                }
                row.extend([
                    status_cell(r.status.as_str(), style),
                    cell(opt(r.job_id.as_ref().map(JobId::as_str))),
                    cell(&error_text(r.error.as_ref())),
                ]);
                t.add_row(row);
            }
            t
        }
        Document::Images(d) => {
            let mut t = new_table(&["IMAGE", "NAME", "OWNER", "STATUS", "UPDATED"], style);
            for r in &d.images {
                let name = match (&r.name, r.whole_image) {
                    (Some(n), true) => format!("{n} (full-ECS)"),
                    (Some(n), false) => n.clone(),
                    (None, _) => "-".into(),
                };
                t.add_row(vec![
                    cell(&r.image_id),
                    cell(&name),
                    cell(opt(r.owner.as_deref())),
                    status_cell(&r.member_status, style),
                    cell(opt(r.updated_at.as_deref())),
                ]);
            }
            t
        }
        Document::Members(d) => {
            let mut t = new_table(
                &["IMAGE", "MEMBER", "STATUS", "CREATED", "UPDATED", "ERROR"],
                style,
            );
            for r in &d.members {
                t.add_row(vec![
                    cell(&r.image_id),
                    cell(&r.member_id),
                    status_cell(opt(r.status.as_deref()), style),
                    cell(opt(r.created_at.as_deref())),
                    cell(opt(r.updated_at.as_deref())),
                    cell(&error_text(r.error.as_ref())),
                ]);
            }
            t
        }
        Document::Jobs(d) => {
            let mut t = new_table(&["JOB", "STATUS", "TYPE", "BEGIN", "END", "ERROR"], style);
            for j in &d.jobs {
                let error = match (&j.error_code, &j.fail_reason) {
                    (Some(c), Some(r)) => format!("{c}: {r}"),
                    (Some(c), None) => c.clone(),
                    (None, Some(r)) => r.clone(),
                    (None, None) => String::new(),
                };
                t.add_row(vec![
                    cell(j.job_id.as_str()),
                    status_cell(j.status.as_str(), style),
                    cell(opt(j.job_type.as_deref())),
                    cell(opt(j.begin_time.as_deref())),
                    cell(opt(j.end_time.as_deref())),
                    cell(&error),
                ]);
            }
            t
        }
        Document::DryRun(d) => {
            let mut t = new_table(&["IMAGE", "NAME", "PLAN"], style);
            for r in &d.images {
                let plan = match &r.error {
                    Some(e) => format!("{} ({}: {})", r.plan, e.code, e.message),
                    None => r.plan.clone(),
                };
                t.add_row(vec![
                    cell(&r.image_id),
                    cell(opt(r.name.as_deref())),
                    cell(&plan),
                ]);
            }
            let mut text = format!("{t}\n");
            for r in &d.requests {
                text.push_str(&format!("would send: {} {} {}\n", r.method, r.url, r.body));
            }
            return text;
        }
    };
    if t.row_count() == 0 {
        return String::new();
    }
    format!("{t}\n")
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
