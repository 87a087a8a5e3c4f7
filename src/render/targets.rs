//! A run over several targets: every target's rows in one table (or one stream of plain rows)
//! with a TARGET column first; the lines under each target's table follow, prefixed with it.

use super::Style;
use super::grid::{Column, text};
use super::table::{Grid, layout};
use crate::report::{Document, Single, TargetsDoc};

/// One table for all the targets. Columns that only some targets' tables have are kept, with
/// `-` for the others.
pub(super) fn table(d: &TargetsDoc, style: Style) -> String {
    let mut columns: Vec<Column> = vec![text("TARGET", 12, 0)];
    let mut grids = Vec::new();
    for t in &d.targets {
        let g = match &t.doc {
            // A wait's targets all in the accept layout (image rows, then a line per job),
            // also a target with no image to show: one table, not two kinds of rows.
            Single::Jobs(j) if j.per_image => layout(&Document::Change(super::as_change(j))),
            other => layout(&other.document()),
        };
        for c in &g.columns {
            if !columns.iter().any(|k| k.header == c.header) {
                columns.push(*c);
            }
        }
        grids.push((t.target.label(), g));
    }
    let mut merged = Grid {
        columns: columns.clone(),
        rows: Vec::new(),
        legend: Vec::new(),
        footer: Vec::new(),
    };
    for (label, g) in &grids {
        for row in &g.rows {
            let mut line = vec![label.clone()];
            for c in &columns[1..] {
                let at = g.columns.iter().position(|k| k.header == c.header);
                line.push(at.map(|i| row[i].clone()).unwrap_or_else(|| "-".into()));
            }
            merged.rows.push(line);
        }
        // The legend holds for every target: said once.
        for l in &g.legend {
            if !merged.legend.contains(l) {
                merged.legend.push(l.clone());
            }
        }
        merged
            .footer
            .extend(g.footer.iter().map(|f| format!("{label}  {f}")));
    }
    merged.legend.sort();
    merged.render(style)
}

/// Each target's plain rows, with the target first.
pub(super) fn plain(d: &TargetsDoc) -> String {
    let mut out = String::new();
    for t in &d.targets {
        let label = super::plain::field(Some(&t.target.label()));
        for line in super::plain::plain(&t.doc.document()).lines() {
            out.push_str(&label);
            out.push('\t');
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
