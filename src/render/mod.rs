//! Turning result documents into text: a table for people, tab-separated rows for scripts,
//! JSON for jq. Pure functions from a document to a string; the one writer prints them.

mod grid;
mod plain;
mod table;
#[cfg(test)]
mod tests;

use crate::output::Format;
use crate::report::Document;

pub(crate) use plain::plain;
pub(crate) use table::table;

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

pub(crate) fn json(doc: &Document) -> String {
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
