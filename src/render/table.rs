//! The table of each document: its columns, rows and the lines under it, laid out by
//! [`grid`] (a run over several targets merges the grids of its targets first).

use super::Style;
use super::grid::{Column, fixed, grid, status_col, text};
use super::plain::field;
use crate::report::{Document, ErrorInfo, ImagesDoc, SharedRow};
use crate::text::cap;

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

/// A table before layout: its columns, its rows, and the lines printed under it.
#[derive(Clone)]
pub(super) struct Grid {
    pub(super) columns: Vec<Column>,
    pub(super) rows: Vec<Vec<String>>,
    /// Lines under the table that hold for every target alike (the rules of a policy).
    pub(super) legend: Vec<String>,
    /// Lines under the table about this document (its jobs...).
    pub(super) footer: Vec<String>,
}

impl Grid {
    fn new(columns: Vec<Column>, rows: Vec<Vec<String>>) -> Grid {
        Grid {
            columns,
            rows,
            legend: Vec::new(),
            footer: Vec::new(),
        }
    }

    pub(super) fn render(&self, style: Style) -> String {
        // An ERROR column with nothing in it only takes room.
        let keep: Vec<bool> = (0..self.columns.len())
            .map(|i| {
                self.columns[i].header != "ERROR" || self.rows.iter().any(|r| !r[i].is_empty())
            })
            .collect();
        let columns: Vec<Column> = self
            .columns
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| *c)
            .collect();
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&keep)
                    .filter(|(_, k)| **k)
                    .map(|(v, _)| v.clone())
                    .collect()
            })
            .collect();
        let mut text = grid(&columns, &rows, style);
        // Legends and footers carry service text too (a job's status, a project's name).
        for line in self.legend.iter().chain(&self.footer) {
            text.push_str(&crate::text::escape(line));
            text.push('\n');
        }
        text
    }
}

pub(crate) fn table(doc: &Document, style: Style) -> String {
    match doc {
        Document::Targets(d) => super::targets::table(d, style),
        other => layout(other).render(style),
    }
}

/// The grid of a single-target document.
pub(super) fn layout(doc: &Document) -> Grid {
    match doc {
        Document::Targets(_) => Grid::new(Vec::new(), Vec::new()),
        Document::Sync(d) => super::sync::grid(d),
        Document::Journal(d) => Grid::new(
            vec![
                fixed("JOB", 0),
                fixed("ACTION", 1),
                status_col("STATUS"),
                fixed("SUBMITTED", 2),
                text("TARGET", 12, 0),
                fixed("IMAGES", 3),
            ],
            d.jobs
                .iter()
                .map(|j| {
                    vec![
                        j.job_id.clone(),
                        j.action.clone(),
                        j.last_status.clone(),
                        j.submitted_at.clone(),
                        super::journal_target(&j.target, true),
                        j.image_ids.len().to_string(),
                    ]
                })
                .collect(),
        ),
        Document::Change(d) if d.per_image => {
            let member = single(d.images.iter().map(|r| r.member_id.as_deref()));
            let mut columns = vec![fixed("IMAGE", 0)];
            if member.is_none() {
                columns.push(fixed("MEMBER", 3));
            }
            columns.extend([
                status_col("STATUS"),
                fixed("CREATED", 2),
                fixed("UPDATED", 1),
                text("ERROR", 24, 0),
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
            let mut g = Grid::new(columns, rows);
            if let Some(m) = member.filter(|_| !g.rows.is_empty()) {
                g.footer.push(format!("member {}", field(Some(m))));
            }
            g
        }
        Document::Change(d) => {
            let names = d.images.iter().any(|r| r.name.is_some());
            // With one job the column would repeat one id: the jobs are listed under the
            // table. With several, the column holds the first 8 characters of each.
            let jobs_column = d.jobs.len() > 1;
            let mut columns = vec![fixed("IMAGE", 0)];
            if names {
                columns.push(text("NAME", 16, 2));
            }
            columns.push(status_col("STATUS"));
            if jobs_column {
                columns.push(fixed("JOB", 1));
            }
            columns.push(text("ERROR", 24, 0));
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
            let mut g = Grid::new(columns, rows);
            for j in &d.jobs {
                let why = match (&j.error_code, &j.fail_reason) {
                    (None, None) => String::new(),
                    (code, reason) => format!(
                        "  {}",
                        cap(
                            &field(Some(&error_text(Some(&ErrorInfo::new(
                                code.clone().unwrap_or_default(),
                                reason.clone().unwrap_or_default()
                            ))))),
                            200
                        )
                    ),
                };
                g.footer
                    .push(format!("job {}  {}{why}", j.job_id, j.status.as_str()));
            }
            g
        }
        Document::Images(d) => images(d),
        Document::Members(d) => {
            let columns = [
                fixed("IMAGE", 0),
                fixed("MEMBER", 3),
                status_col("STATUS"),
                fixed("CREATED", 2),
                fixed("UPDATED", 1),
                text("ERROR", 24, 0),
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
            Grid::new(columns.to_vec(), rows)
        }
        Document::Jobs(d) if d.per_image => {
            let change = super::as_change(d);
            if change.images.is_empty() {
                // Nothing finished to show per image: the jobs themselves.
                layout(&Document::Jobs(crate::report::JobsDoc {
                    jobs: d.jobs.clone(),
                    per_image: false,
                }))
            } else {
                layout(&Document::Change(change))
            }
        }
        Document::Jobs(d) => {
            let columns = [
                fixed("JOB", 0),
                status_col("STATUS"),
                fixed("TYPE", 3),
                fixed("BEGIN", 2),
                fixed("END", 1),
                text("ERROR", 24, 0),
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
            Grid::new(columns.to_vec(), rows)
        }
        Document::DryRun(d) => {
            let columns = [fixed("IMAGE", 0), text("NAME", 16, 1), text("PLAN", 16, 0)];
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
            let mut g = Grid::new(columns.to_vec(), rows);
            for r in &d.requests {
                g.footer.push(format!(
                    "would send: {} {} {}",
                    r.method,
                    field(Some(&r.url)),
                    field(Some(&r.body.to_string()))
                ));
            }
            g
        }
    }
}

/// The owner as a person reads it: the name from `[owners]` with the id's start, else the id.
fn owner_cell(r: &SharedRow) -> String {
    match (&r.owner_name, &r.owner) {
        (Some(n), Some(id)) => format!("{n} ({})", short_job(id)),
        (Some(n), None) => n.clone(),
        (None, id) => opt(id.as_deref()),
    }
}

/// `status`: the shared images; with `--long`, the facts to decide by. The long columns are
/// never dropped: a terminal too narrow for all of them gets one record per image instead.
fn images(d: &ImagesDoc) -> Grid {
    let mut columns = vec![
        fixed("IMAGE", 0),
        text("NAME", 16, 0),
        fixed("OWNER", if d.long { 0 } else { 1 }),
        status_col("STATUS"),
    ];
    if d.long {
        columns.extend([
            fixed("SIZE", 0),
            fixed("FORMAT", 0),
            text("OS", 10, 0),
            fixed("MIN DISK", 0),
            fixed("MIN RAM", 0),
            fixed("CREATED", 0),
        ]);
    }
    columns.push(fixed("IMAGE UPDATED", 2));
    let rows: Vec<Vec<String>> = d
        .images
        .iter()
        .map(|r| {
            let name = match (&r.name, r.full_ecs) {
                (Some(n), true) => format!("{n} (full-ECS)"),
                (Some(n), false) => n.clone(),
                (None, true) => "- (full-ECS)".into(),
                (None, false) => "-".into(),
            };
            let mut row = vec![
                r.image_id.clone(),
                name,
                owner_cell(r),
                r.member_status.clone(),
            ];
            if d.long {
                row.extend([
                    opt(r.size_bytes.map(crate::text::human_size).as_deref()),
                    opt(r.disk_format.as_deref()),
                    opt(r.os.as_deref()),
                    opt(r
                        .min_disk_gb
                        .map(|n| format!("{} GB", number(n)))
                        .as_deref()),
                    opt(r.min_ram_mb.map(|n| format!("{} MB", number(n))).as_deref()),
                    opt(r.created_at.as_deref()),
                ]);
            }
            row.push(opt(r.updated_at.as_deref()));
            row
        })
        .collect();
    Grid::new(columns, rows)
}

/// A number as a service meant it: `40`, not `40.0`; `0.5` as it is.
pub(super) fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
