//! The layout shared by every table: borderless columns (like gh and kubectl) that fit the
//! terminal, ids that never wrap, and the least useful columns dropped first.

use super::Style;
use super::plain::field;
use crate::text::cap;
use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, presets};

/// Green for what is settled as asked (an image accepted or rejected, a job done), yellow for
/// what is still under way, red for failures only.
fn status_color(status: &str) -> Option<Color> {
    match status {
        "accepted" | "rejected" | "success" => Some(Color::Green),
        "pending" | "running" | "init" | "submitted" => Some(Color::Yellow),
        "failed" | "not_found" => Some(Color::Red),
        _ => None,
    }
}

/// One column of a table: whether its text may wrap, and how readily it is dropped when the
/// terminal is too narrow even with wrapping (0: never; higher numbers go first).
#[derive(Clone, Copy)]
pub(super) struct Column {
    header: &'static str,
    wraps: bool,
    drop_rank: u8,
    /// Statuses are coloured.
    status: bool,
}

pub(super) const fn col(header: &'static str, wraps: bool, drop_rank: u8) -> Column {
    Column {
        header,
        wraps,
        drop_rank,
        status: false,
    }
}

pub(super) const fn status_col(header: &'static str) -> Column {
    Column {
        header,
        wraps: false,
        drop_rank: 0,
        status: true,
    }
}

/// The most characters of one value a table shows (tables are for people; plain and JSON
/// output carry every character): keeps the layout's cost bounded whatever a service sends.
const MAX_CELL: usize = 500;

/// A value as a table shows it: as in a plain row (line breaks as spaces, other control
/// characters written out), cut at [`MAX_CELL`].
fn cell(v: &str) -> String {
    cap(&field(Some(v)), MAX_CELL).into_owned()
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
pub(super) fn grid(columns: &[Column], rows: &[Vec<String>], style: Style) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|v| cell(v)).collect())
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
