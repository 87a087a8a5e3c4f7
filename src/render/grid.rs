//! The layout shared by every table: borderless columns (like gh and kubectl) that fit the
//! terminal, ids that never wrap, and the least useful columns dropped first.

use super::Style;
use super::layout::{self, Fit};
use super::plain::field;
use crate::text::cap;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

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

/// One column of a table: whether its text may wrap (and how narrow it may become), and how
/// readily it is dropped when the terminal is too narrow (0: never; higher numbers go first).
#[derive(Clone, Copy)]
pub(super) struct Column {
    pub(super) header: &'static str,
    wrap_min: Option<usize>,
    drop_rank: u8,
    /// Statuses are coloured.
    status: bool,
}

/// A column that never wraps: an id, a date.
pub(super) const fn fixed(header: &'static str, drop_rank: u8) -> Column {
    Column {
        header,
        wrap_min: None,
        drop_rank,
        status: false,
    }
}

/// A column of text that wraps, never narrower than `min` characters.
pub(super) const fn text(header: &'static str, min: usize, drop_rank: u8) -> Column {
    Column {
        header,
        wrap_min: Some(min),
        drop_rank,
        status: false,
    }
}

pub(super) const fn status_col(header: &'static str) -> Column {
    Column {
        header,
        wrap_min: None,
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

fn paint(text: String, color: Option<Color>, style: Style) -> Cell {
    match color {
        Some(c) if style.color => Cell::new(text).fg(c),
        _ => Cell::new(text),
    }
}

/// Lays out rows as a borderless table (like gh and kubectl) that fits the terminal: ids and
/// statuses never wrap, names and errors wrap at word or punctuation boundaries, the least
/// useful columns go when space runs out, and below that a record per row.
pub(super) fn grid(columns: &[Column], rows: &[Vec<String>], style: Style) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|v| cell(v)).collect())
        .collect();
    let fits: Vec<Fit> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| Fit {
            natural: rows
                .iter()
                .map(|r| r[i].chars().count())
                .chain([c.header.len()])
                .max()
                .unwrap_or(0),
            wrap_min: c.wrap_min,
            drop_rank: c.drop_rank,
        })
        .collect();
    let Some(widths) = layout::widths(&fits, style.width.map(usize::from)) else {
        return records(columns, &rows, style);
    };
    let mut t = Table::new();
    // The renderer is pure: it never asks the terminal itself; colour and width come from
    // the settings. The layout is ours; comfy-table pads, aligns and colours.
    t.load_style(presets::NOTHING)
        .force_no_tty()
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(widths.iter().map(|&(i, _)| {
            let c = Cell::new(columns[i].header);
            if style.color {
                c.add_attribute(comfy_table::Attribute::Bold)
            } else {
                c
            }
        }));
    if style.color {
        t.enforce_styling();
    }
    for r in &rows {
        t.add_row(widths.iter().map(|&(i, w)| {
            let text = match columns[i].wrap_min {
                Some(_) => layout::wrap(&r[i], w).join("\n"),
                None => r[i].clone(),
            };
            let color = columns[i].status.then(|| status_color(&r[i])).flatten();
            paint(text, color, style)
        }));
    }
    let text: Vec<String> = t.lines().map(|l| l.trim_end().to_string()).collect();
    format!("{}\n", text.join("\n"))
}

/// Too narrow for columns: one block per row, its first value on a line of its own and the
/// others as `KEY  value` below it, wrapped to the width.
/// (No colour here: a record is read line by line, not scanned down a column.)
fn records(columns: &[Column], rows: &[Vec<String>], style: Style) -> String {
    let width = style.width.map(usize::from).unwrap_or(usize::MAX);
    let key_width = columns[1..]
        .iter()
        .map(|c| c.header.len())
        .max()
        .unwrap_or(0);
    let indent = 2;
    let value_width = width
        .saturating_sub(indent + key_width + layout::GAP)
        .max(8);
    let mut out = String::new();
    for (n, r) in rows.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&r[0]);
        out.push('\n');
        for (c, v) in columns[1..].iter().zip(&r[1..]) {
            if v.is_empty() || v == "-" {
                continue;
            }
            let key = format!("{:indent$}{:<key_width$}", "", c.header);
            if c.wrap_min.is_none() && v.chars().count() > value_width {
                // An id never breaks: on a line of its own when it does not fit beside its key.
                out.push_str(&format!(
                    "{}\n{:w$}{v}\n",
                    key.trim_end(),
                    "",
                    w = indent * 2
                ));
                continue;
            }
            for (k, line) in layout::wrap(v, value_width).iter().enumerate() {
                let key = if k == 0 { key.as_str() } else { "" };
                out.push_str(&format!(
                    "{key:<w$}{:gap$}{line}\n",
                    "",
                    w = indent + key_width,
                    gap = layout::GAP
                ));
            }
        }
    }
    out
}
