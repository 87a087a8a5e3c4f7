//! Small helpers for the words ims-share prints.

/// The plural ending of a regular English noun for `n` things: "" or "s".
pub(crate) fn s(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_and_many() {
        assert_eq!(format!("{} image{}", 1, s(1)), "1 image");
        assert_eq!(format!("{} job{}", 2, s(2)), "2 jobs");
    }
}
