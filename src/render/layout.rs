//! How wide each column of a table is, and where its text breaks: pure arithmetic on
//! character counts, linear in the size of the text.
//!
//! Ids, statuses and dates never break. Names and messages break at a space, else after a `/`
//! (a target `prod/eu-de/eu-de_payments`), else after a `-` or `_`, else after a `.`, `,`, `:`
//! or `;` (so `ubuntu-24.04-server` breaks into `ubuntu-24.04-` and `server`, not mid-word),
//! and mid-word only when a part is longer than the column.

/// Space between two columns; the edges get half of it.
pub(super) const GAP: usize = 2;

/// A column as the layout sees it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fit {
    /// The widest value or the header, in characters.
    pub(super) natural: usize,
    /// `None`: never wraps (ids, statuses, dates). `Some(min)`: wraps, and gets at least
    /// `min` characters (or its natural width, when smaller).
    pub(super) wrap_min: Option<usize>,
    /// 0: never dropped; the highest rank goes first when the terminal is too narrow.
    pub(super) drop_rank: u8,
}

impl Fit {
    fn least(&self) -> usize {
        match self.wrap_min {
            None => self.natural,
            Some(min) => self.natural.min(min),
        }
    }
}

/// The columns kept and their widths for a terminal `width` columns wide, or `None` when not
/// even the columns that are never dropped fit at their narrowest (then a record layout is
/// used). Which columns are kept depends only on the columns' least widths, which for ids,
/// statuses and dates do not vary between runs.
pub(super) fn widths(columns: &[Fit], width: Option<usize>) -> Option<Vec<(usize, usize)>> {
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let Some(width) = width else {
        return Some(kept.iter().map(|&i| (i, columns[i].natural)).collect());
    };
    let room = |kept: &[usize]| width.saturating_sub(GAP * kept.len());
    let least = |kept: &[usize]| kept.iter().map(|&i| columns[i].least()).sum::<usize>();
    while least(&kept) > room(&kept) {
        let droppable = kept
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].drop_rank > 0)
            .max_by_key(|(_, i)| columns[**i].drop_rank);
        match droppable {
            Some((pos, _)) => {
                kept.remove(pos);
            }
            None => return None,
        }
    }
    let mut given: Vec<usize> = kept.iter().map(|&i| columns[i].least()).collect();
    let mut spare = room(&kept) - least(&kept);
    // The spare room goes to the wrapping columns, the one that needs least to show whole
    // first (a name kept on one line beats a message wrapped a line less), then the next.
    while spare > 0 {
        let wanting = kept
            .iter()
            .enumerate()
            .filter(|(n, i)| columns[**i].wrap_min.is_some() && given[*n] < columns[**i].natural)
            .min_by_key(|(n, i)| columns[**i].natural - given[*n]);
        let Some((n, _)) = wanting else { break };
        let step = spare.min(columns[kept[n]].natural - given[n]);
        given[n] += step;
        spare -= step;
    }
    Some(kept.into_iter().zip(given).collect())
}

/// Where a line may break after this character, best first: after a `/` (a target
/// `profile/region/project`, a path), then the separators of names (`ubuntu-24.04-server`),
/// then the ones inside their parts (`24.04`).
fn breaks_after(c: char, level: u8) -> bool {
    match level {
        0 => c == '/',
        1 => matches!(c, '-' | '_'),
        _ => matches!(c, '.' | ',' | ':' | ';'),
    }
}

/// `text` in lines of at most `width` characters, broken at spaces, else after a `/`, else
/// after a `-` or `_`, else after a `.`, `,`, `:` or `;`, else mid-word.
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return vec![text.to_string()];
    }
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        // Skip the spaces a break left at the start of a line.
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
        if start >= chars.len() {
            break;
        }
        let end = (start + width).min(chars.len());
        if end == chars.len() {
            lines.push(chars[start..end].iter().collect());
            break;
        }
        // The last space within the line, else the last break-after character, else the
        // full width.
        let window = &chars[start..=end.min(chars.len() - 1)];
        let cut = window
            .iter()
            .rposition(|&c| c == ' ')
            .filter(|&p| p > 0 && p <= width)
            .or_else(|| {
                [0, 1, 2].into_iter().find_map(|level| {
                    window[..width]
                        .iter()
                        .rposition(|&c| breaks_after(c, level))
                        .map(|p| p + 1)
                })
            })
            .unwrap_or(width);
        let line: String = chars[start..start + cut].iter().collect();
        lines.push(line.trim_end().to_string());
        start += cut;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(natural: usize, wrap_min: Option<usize>, drop_rank: u8) -> Fit {
        Fit {
            natural,
            wrap_min,
            drop_rank,
        }
    }

    #[test]
    fn names_break_at_their_punctuation_not_mid_word() {
        assert_eq!(
            wrap("ubuntu-24.04-server-hardened-2026.11", 14),
            vec!["ubuntu-24.04-", "server-", "hardened-", "2026.11"]
        );
        assert_eq!(
            wrap("The image is unavailable: its source", 12),
            vec!["The image is", "unavailable:", "its source"]
        );
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("short", 10), vec!["short"]);
        assert_eq!(
            wrap("prod/eu-de/eu-de_payments", 20),
            vec!["prod/eu-de/", "eu-de_payments"]
        );
    }

    #[test]
    fn every_line_fits() {
        let text = "a-b.c_d e/f,g ".repeat(50) + &"x".repeat(100);
        for width in [1, 3, 7, 13, 40] {
            for line in wrap(&text, width) {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
        }
    }

    #[test]
    fn narrow_terminals_drop_columns_then_give_up() {
        let cols = [
            fit(36, None, 0),     // IMAGE
            fit(40, Some(16), 2), // NAME
            fit(8, None, 0),      // STATUS
            fit(32, None, 1),     // OWNER
            fit(60, Some(24), 0), // ERROR
        ];
        let wide = widths(&cols, Some(200)).unwrap();
        assert_eq!(wide.len(), 5);
        let w80 = widths(&cols, Some(80)).unwrap();
        let kept: Vec<usize> = w80.iter().map(|(i, _)| *i).collect();
        assert_eq!(kept, vec![0, 2, 4], "owner, then name go first");
        assert!(w80.iter().map(|(_, w)| w).sum::<usize>() + GAP * 3 <= 80);
        assert!(widths(&cols, Some(40)).is_none(), "a record layout");
        let none = widths(&cols, None).unwrap();
        assert_eq!(none[1], (1, 40));
    }
}
