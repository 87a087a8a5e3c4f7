//! Image and job ids from the command line and standard input.
//!
//! `-` reads standard input: several ids per line, blank lines and `#` comments ignored.
//! Every bad value is named in one error, before anything is sent. Duplicates are removed,
//! keeping the first occurrence's position.

use crate::bounded;
use crate::error::Error;

/// The most standard input read for ids (an image id is 36 characters).
const MAX_STDIN: u64 = 16 * 1024 * 1024;
use crate::text::s;
use std::collections::HashSet;
use std::io::Read;

/// The raw words: arguments, with `-` replaced by what standard input holds.
pub(crate) fn gather(args: &[String], stdin: &mut dyn Read) -> Result<(Vec<String>, bool), Error> {
    gather_with(args, stdin, words_of)
}

/// Job ids as [`gather`] reads them, standard input also in the shape `accept --no-wait` over
/// several targets prints: `TARGET<tab>JOB` (the target, which has a `/`, is left out).
pub(crate) fn gather_jobs(
    args: &[String],
    stdin: &mut dyn Read,
) -> Result<(Vec<String>, bool), Error> {
    gather_with(args, stdin, |text| {
        let lines: String = text
            .lines()
            .map(|line| match line.split_once('\t') {
                Some((target, rest)) if target.contains('/') => rest,
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n");
        words_of(&lines)
    })
}

fn gather_with(
    args: &[String],
    stdin: &mut dyn Read,
    words_of: impl Fn(&str) -> Vec<String>,
) -> Result<(Vec<String>, bool), Error> {
    let mut words = Vec::new();
    let mut read_stdin = false;
    for arg in args {
        if arg == "-" {
            if read_stdin {
                continue;
            }
            read_stdin = true;
            let bytes = bounded::read_all(&mut *stdin, MAX_STDIN).map_err(|e| {
                Error::usage_hint(
                    format!("cannot read ids from standard input: {e}"),
                    format!(
                        "give at most {} of ids (about {} ids), or split the list",
                        bounded::size(MAX_STDIN),
                        MAX_STDIN / 37
                    ),
                )
            })?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::usage("cannot read ids from standard input: it is not UTF-8 text")
            })?;
            words.extend(words_of(&text));
        } else {
            words.push(arg.clone());
        }
    }
    Ok((words, read_stdin))
}

/// The ids in a text: whitespace- or comma-separated, `#` starts a comment.
pub(crate) fn words_of(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .flat_map(|line| line.split(|c: char| c.is_whitespace() || c == ','))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses every word, naming all the bad ones at once, and removes duplicates.
pub(crate) fn parse_all<T: Clone + Eq + std::hash::Hash>(
    words: &[String],
    parse: impl Fn(&str) -> Option<T>,
    kind: &str,
    example: &str,
) -> Result<Vec<T>, Error> {
    let mut bad = Vec::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for w in words {
        match parse(w) {
            Some(id) => {
                if seen.insert(id.clone()) {
                    out.push(id);
                }
            }
            None => bad.push(format!("'{}'", w.escape_debug())),
        }
    }
    if bad.is_empty() {
        return Ok(out);
    }
    Err(Error::usage_hint(
        format!("invalid {kind}{}: {}", s(bad.len()), bad.join(", ")),
        format!(
            "{} {kind} looks like {example}; nothing was sent",
            if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            }
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ImageId;

    #[test]
    fn stdin_words_skip_comments_and_blank_lines() {
        let text = "# pending images\n\nd164b5df-1bc3-4c3f-893e-3e471fd16e64 0b680482-acaa-4045-b14c-9a8c7dfe9c70\n  # indented comment\n1a2b3c4d-0000-4000-8000-00000000000a # trailing\n";
        assert_eq!(
            words_of(text),
            vec![
                "d164b5df-1bc3-4c3f-893e-3e471fd16e64",
                "0b680482-acaa-4045-b14c-9a8c7dfe9c70",
                "1a2b3c4d-0000-4000-8000-00000000000a"
            ]
        );
    }

    #[test]
    fn dash_reads_stdin_once_and_keeps_arguments() {
        let mut input = "b\nc\n".as_bytes();
        let (words, read) = gather(
            &["a".into(), "-".into(), "-".into(), "d".into()],
            &mut input,
        )
        .unwrap();
        assert!(read);
        assert_eq!(words, vec!["a", "b", "c", "d"]);
    }

    #[test]
    fn every_bad_id_is_named_and_duplicates_go() {
        let words: Vec<String> = [
            "d164b5df-1bc3-4c3f-893e-3e471fd16e64",
            "nope",
            "D164B5DF-1BC3-4C3F-893E-3E471FD16E64",
            "12345",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let err = parse_all(&words, ImageId::parse, "image id", "x").unwrap_err();
        assert_eq!(err.to_string(), "invalid image ids: 'nope', '12345'");
        let ok = parse_all(&words[..1], ImageId::parse, "image id", "x").unwrap();
        assert_eq!(ok.len(), 1);
        let dup = parse_all(
            &[words[0].clone(), words[2].clone()],
            ImageId::parse,
            "image id",
            "x",
        )
        .unwrap();
        assert_eq!(dup.len(), 1);
    }
}
