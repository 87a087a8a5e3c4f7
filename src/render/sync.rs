//! `sync`: the plan (image, name, owner, status, rule, action) or what was applied (the
//! accept/reject row with the rule and the action).

use super::grid::{fixed, status_col, text};
use super::plain::field;
use super::table::Grid;
use crate::report::{SyncDoc, SyncRow};

/// The rules' labels, once each, under the table: `rule 2: golden images`.
fn legend(d: &SyncDoc) -> Vec<String> {
    let mut seen: Vec<(u32, String)> = Vec::new();
    for r in &d.images {
        if let (Ok(n), Some(label)) = (r.rule.parse::<u32>(), &r.label)
            && !seen.iter().any(|(m, _)| *m == n)
        {
            seen.push((n, format!("rule {n}: {}", field(Some(label)))));
        }
    }
    seen.sort();
    seen.into_iter().map(|(_, line)| line).collect()
}

/// The action, and whether it changes anything.
fn action(r: &SyncRow) -> String {
    if r.change || r.action == "ignore" {
        r.action.clone()
    } else {
        format!("{} (already)", r.action)
    }
}

fn opt(v: Option<&str>) -> String {
    v.unwrap_or("-").to_string()
}

pub(super) fn grid(d: &SyncDoc) -> Grid {
    if d.dry_run {
        return Grid {
            columns: vec![
                // Dropped first when narrow: the owner, then the name; never the rule, which
                // the legend under the table explains.
                fixed("IMAGE", 0),
                text("NAME", 16, 2),
                fixed("OWNER", 3),
                status_col("STATUS"),
                fixed("RULE", 0),
                fixed("ACTION", 0),
            ],
            rows: d
                .images
                .iter()
                .map(|r| {
                    vec![
                        r.image_id.clone(),
                        opt(r.name.as_deref()),
                        match (&r.owner_name, &r.owner) {
                            (Some(n), Some(id)) => format!("{n} ({})", &id[..id.len().min(8)]),
                            (_, id) => opt(id.as_deref()),
                        },
                        r.member_status.clone(),
                        r.rule.clone(),
                        action(r),
                    ]
                })
                .collect(),
            legend: legend(d),
            footer: Vec::new(),
        };
    }
    let footer = if d.images.is_empty() {
        Vec::new()
    } else {
        d.jobs
            .iter()
            .map(|j| format!("job {}  {}", j.job_id, j.status.as_str()))
            .collect()
    };
    Grid {
        columns: vec![
            fixed("IMAGE", 0),
            text("NAME", 16, 2),
            status_col("STATUS"),
            fixed("RULE", 0),
            fixed("ACTION", 0),
            text("ERROR", 24, 0),
        ],
        rows: d
            .images
            .iter()
            .map(|r| {
                vec![
                    r.image_id.clone(),
                    opt(r.name.as_deref()),
                    r.status.clone(),
                    r.rule.clone(),
                    action(r),
                    r.error
                        .as_ref()
                        .map(|e| format!("{}: {}", e.code, e.message))
                        .unwrap_or_default(),
                ]
            })
            .collect(),
        legend: legend(d),
        footer,
    }
}

/// Plain rows: the plan `image_id name owner member_status rule action`, or what was applied
/// `image_id status job_id error_code error_message action rule`.
pub(super) fn plain(d: &SyncDoc) -> Vec<Vec<String>> {
    d.images
        .iter()
        .map(|r| {
            if d.dry_run {
                vec![
                    field(Some(&r.image_id)),
                    field(r.name.as_deref()),
                    field(r.owner.as_deref()),
                    field(Some(&r.member_status)),
                    field(Some(&r.rule)),
                    field(Some(&r.action)),
                ]
            } else {
                vec![
                    field(Some(&r.image_id)),
                    field(Some(&r.status)),
                    field(r.job_id.as_deref()),
                    field(r.error.as_ref().map(|e| e.code.as_str())),
                    field(r.error.as_ref().map(|e| e.message.as_str())),
                    field(Some(&r.action)),
                    field(Some(&r.rule)),
                ]
            }
        })
        .collect()
}
