//! Turning result documents into text: a table for people, tab-separated rows for scripts,
//! JSON for jq. Pure functions from a document to a string; the one writer prints them.

mod grid;
mod layout;
mod plain;
mod sync;
mod table;
mod targets;
#[cfg(test)]
mod tests;

use crate::output::Format;
use crate::report::Document;

pub(crate) use plain::plain;

use crate::report::{ChangeDoc, ChangeRow, JobsDoc};

/// `wait`'s jobs seen as `accept` reports them: one row per image of the jobs, then the jobs.
fn as_change(d: &JobsDoc) -> ChangeDoc {
    ChangeDoc {
        images: d
            .jobs
            .iter()
            .flat_map(|j| {
                j.images.iter().map(|i| ChangeRow {
                    image_id: i.image_id.clone(),
                    status: i.outcome,
                    job_id: Some(j.job_id.clone()),
                    error: i.error.clone(),
                    name: None,
                    member_id: None,
                    created_at: None,
                    updated_at: None,
                })
            })
            .collect(),
        jobs: d
            .jobs
            .iter()
            .map(|j| crate::report::JobRefRow {
                job_id: j.job_id.clone(),
                status: j.status.clone(),
                error_code: j.error_code.clone(),
                fail_reason: j.fail_reason.clone(),
                begin_time: j.begin_time.clone(),
                end_time: j.end_time.clone(),
            })
            .collect(),
        per_image: false,
        no_wait: false,
    }
}
pub(crate) use table::table;

/// A journal's account as the TARGET column shows it. In a table (`short`), a project known
/// only by its id shows the id's first 8 characters, as the JOB column shows job ids: a whole
/// id would break across lines (plain rows and JSON keep it whole).
fn journal_target(t: &crate::report::JournalTarget, short: bool) -> String {
    let project_id = match (&t.project_name, &t.project_id) {
        (None, Some(id)) if short && id.len() > 12 && id.is_ascii() => {
            Some(format!("{}…", &id[..8]))
        }
        (_, id) => id.clone(),
    };
    crate::report::TargetInfo {
        profile: if t.sandbox_state.is_some() {
            Some("sandbox".into())
        } else {
            t.profile.clone()
        },
        cloud: t.cloud.clone(),
        region: t.region.clone(),
        project_id,
        project_name: t.project_name.clone(),
        ..Default::default()
    }
    .label()
}

/// How a table looks: colour and width come from the terminal.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Style {
    pub(crate) color: bool,
    pub(crate) width: Option<u16>,
}

pub(crate) fn render(doc: &Document, format: Format, style: Style) -> String {
    match format {
        Format::Json => json(doc),
        Format::Plain => plain(doc),
        Format::Table => table(doc, style),
    }
}

/// One JSON document, its keys in the order PRODUCT.md writes them (the order of the fields of
/// the report's types), not sorted.
pub(crate) fn json(doc: &Document) -> String {
    let text = match doc {
        Document::Change(d) => serde_json::to_string_pretty(d),
        Document::Images(d) => serde_json::to_string_pretty(d),
        Document::Members(d) => serde_json::to_string_pretty(d),
        Document::Jobs(d) => serde_json::to_string_pretty(d),
        Document::DryRun(d) => serde_json::to_string_pretty(d),
        Document::Targets(d) => serde_json::to_string_pretty(d),
        Document::Journal(d) => serde_json::to_string_pretty(d),
        Document::Sync(d) => serde_json::to_string_pretty(d),
    };
    let mut text = text.expect("documents serialise");
    text.push('\n');
    text
}
