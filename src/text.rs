//! Small helpers for the words ims-share prints, and the one rule for text from outside:
//! shown on a terminal with its control characters escaped, so that an image name, an error
//! message or a job id can never move the cursor, clear the screen, set the clipboard or the
//! window title, reorder text (bidi), or start a forged line.

use std::borrow::Cow;

/// The plural ending of a regular English noun for `n` things: "" or "s".
pub(crate) fn s(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A character that can change what a terminal shows beyond itself, or end a line: C0 (tab
/// and newline included), DEL, C1, the line and paragraph separators, and the bidirectional
/// marks, embeddings, overrides and isolates.
pub(crate) fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every control character written out (`\n`, `\t`, `\u{1b}`): one line, shown as
/// it is, whatever it holds.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// At most `max` characters of `text`; a longer text is cut and says how much was left out
/// (the note counts in the `max`).
pub(crate) fn cap(text: &str, max: usize) -> Cow<'_, str> {
    if text.char_indices().nth(max).is_none() {
        return Cow::Borrowed(text);
    }
    let total = text.chars().count();
    let mut keep = max.saturating_sub(40);
    loop {
        let note = format!("… ({} more characters)", total - keep);
        if keep + note.chars().count() <= max || keep == 0 {
            let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
            return Cow::Owned(format!("{}{note}", &text[..end]));
        }
        keep -= 1;
    }
}

/// A size for people: binary units, one decimal below 100 (`512 B`, `1.5 KiB`, `10.2 GiB`).
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else if value < 100.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_and_many() {
        assert_eq!(format!("{} image{}", 1, s(1)), "1 image");
        assert_eq!(format!("{} job{}", 2, s(2)), "2 jobs");
    }

    #[test]
    fn controls_are_written_out() {
        assert_eq!(escape("ubuntu-24.04"), "ubuntu-24.04");
        assert_eq!(
            escape("a\u{1b}]52;c;x\u{7}\r\nb\tc"),
            "a\\u{1b}]52;c;x\\u{7}\\r\\nb\\tc"
        );
        assert_eq!(
            escape("\u{9b}31m\u{85}\u{2028}\u{202e}x\u{7f}"),
            "\\u{9b}31m\\u{85}\\u{2028}\\u{202e}x\\u{7f}"
        );
        assert!(
            !escape("é ü 日本 🙂").contains('\\'),
            "printable text stays as it is"
        );
    }

    #[test]
    fn long_text_is_cut_with_a_count() {
        assert_eq!(cap("abcdef", 10), "abcdef");
        let long = "x".repeat(5000);
        let cut = cap(&long, 1000);
        assert!((950..=1000).contains(&cut.chars().count()), "{cut}");
        assert!(cut.ends_with("… (4040 more characters)"), "{cut}");
        let wide = "日本".repeat(100);
        assert!(cap(&wide, 60).chars().count() <= 60);
    }
}
