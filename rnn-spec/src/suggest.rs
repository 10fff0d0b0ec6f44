//! "Did you mean" suggestions: the one helper every message uses.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The candidate closest to `word`: equal ignoring case and `_`, or within an edit distance of
/// a third of its length (at least 1).
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let norm = |s: &str| s.to_lowercase().replace('_', "");
    if let Some(c) = candidates.iter().find(|c| norm(c) == norm(word)) {
        return Some(c);
    }
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (distance(&word.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `"did you mean `x`? "` when a candidate is close to `word`, else `""`: the start of a hint.
pub fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    match closest(word, candidates) {
        Some(c) => format!("did you mean `{c}`? "),
        None => String::new(),
    }
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + (ca != *cb) as usize).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_by_case_and_by_spelling() {
        let layers = ["Input", "Embedding", "SimpleRNN", "Dense"];
        assert_eq!(closest("SimpleRnn", &layers), Some("SimpleRNN"));
        assert_eq!(closest("simple_rnn", &layers), Some("SimpleRNN"));
        assert_eq!(closest("Embeding", &layers), Some("Embedding"));
        assert_eq!(closest("Conv2D", &layers), None);
        let kws = ["return_sequences", "go_backwards", "use_bias"];
        assert_eq!(closest("return_sequence", &kws), Some("return_sequences"));
    }
}
