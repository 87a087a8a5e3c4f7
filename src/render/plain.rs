//! Tab-separated rows without a header (PRODUCT.md "Output": the plain columns).

use crate::domain::JobId;
use crate::report::Document;
use crate::text::escape;

/// A value for a tab-separated row: tabs and line breaks become spaces, other control
/// characters are written out (`\u{1b}`), null is empty. A row stays one line of tab-separated
/// fields whatever a service sent.
pub(super) fn field(v: Option<&str>) -> String {
    let spaced: String = v
        .unwrap_or_default()
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c => c,
        })
        .collect();
    escape(&spaced).into_owned()
}

fn rows(lines: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&line.join("\t"));
        out.push('\n');
    }
    out
}

pub(crate) fn plain(doc: &Document) -> String {
    match doc {
        Document::Targets(d) => super::targets::plain(d),
        Document::Sync(d) => rows(super::sync::plain(d).into_iter()),
        Document::Journal(d) => rows(d.jobs.iter().map(|j| {
            vec![
                field(Some(&j.job_id)),
                field(Some(&j.action)),
                field(Some(&j.last_status)),
                field(Some(&j.submitted_at)),
                field(Some(&super::journal_target(&j.target, false))),
                j.image_ids.len().to_string(),
            ]
        })),
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
            let mut row = vec![
                field(Some(&r.image_id)),
                field(r.name.as_deref()),
                field(r.owner.as_deref()),
                field(Some(&r.member_status)),
                field(r.updated_at.as_deref()),
            ];
            if d.long {
                // Bare values for scripts: bytes, GB and MB as numbers, full_ecs true/false.
                row.extend([
                    r.size_bytes.map(|b| b.to_string()).unwrap_or_default(),
                    field(r.disk_format.as_deref()),
                    field(r.os.as_deref()),
                    r.min_disk_gb.map(super::table::number).unwrap_or_default(),
                    r.min_ram_mb.map(super::table::number).unwrap_or_default(),
                    field(r.created_at.as_deref()),
                    r.full_ecs.to_string(),
                    field(r.owner_name.as_deref()),
                ]);
            }
            row
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
        // `wait`: the accept/reject rows, one per image of the jobs; a job with no image to
        // show (not found, failed before it named any, still running) has one row of its own
        // with an empty image id and the job's status.
        Document::Jobs(d) if d.per_image => rows(d.jobs.iter().flat_map(|j| {
            let job = field(Some(j.job_id.as_str()));
            if j.images.is_empty() {
                return vec![vec![
                    String::new(),
                    field(Some(j.status.as_str())),
                    job,
                    field(j.error_code.as_deref()),
                    field(j.fail_reason.as_deref()),
                ]];
            }
            j.images
                .iter()
                .map(|i| {
                    vec![
                        field(Some(&i.image_id)),
                        field(Some(i.outcome.as_str())),
                        job.clone(),
                        field(i.error.as_ref().map(|e| e.code.as_str())),
                        field(i.error.as_ref().map(|e| e.message.as_str())),
                    ]
                })
                .collect()
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
