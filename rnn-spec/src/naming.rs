//! Keras's names: snake case, and automatic layer names.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Keras's `to_snake_case`: `Sequential` -> `sequential`, `SimpleRNN` -> `simple_rnn`.
pub fn snake_case(name: &str) -> String {
    // Pass 1: `(.)([A-Z][a-z]+)` -> `\1_\2`; pass 2: `([a-z])([A-Z])` -> `\1_\2`; then lowercase.
    let c: Vec<char> = name.chars().collect();
    let mut pass1 = String::new();
    for i in 0..c.len() {
        pass1.push(c[i]);
        if c.get(i + 1).is_some_and(|ch| ch.is_ascii_uppercase())
            && c.get(i + 2).is_some_and(|ch| ch.is_ascii_lowercase())
        {
            pass1.push('_');
        }
    }
    let c: Vec<char> = pass1.chars().collect();
    let mut out = String::new();
    for (i, ch) in c.iter().enumerate() {
        out.push(*ch);
        if ch.is_ascii_lowercase() && c.get(i + 1).is_some_and(|n| n.is_ascii_uppercase()) {
            out.push('_');
        }
    }
    out.to_lowercase()
}

/// Keras's automatic name for a layer whose snake-case base is `base`, given the names of the
/// layers before it: `base`, then `base_1`, `base_2`, ... for each earlier automatically named
/// layer of the same base (explicitly named layers do not use up a number).
pub fn auto_name<'a>(base: &str, earlier: impl IntoIterator<Item = &'a str>) -> String {
    let n = earlier
        .into_iter()
        .filter(|name| is_auto_name(name, base))
        .count();
    if n == 0 {
        base.into()
    } else {
        format!("{base}_{n}")
    }
}

fn is_auto_name(name: &str, base: &str) -> bool {
    name == base
        || name
            .strip_prefix(base)
            .and_then(|r| r.strip_prefix('_'))
            .is_some_and(|n| n.parse::<u64>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_are_keras_snake_case() {
        assert_eq!(snake_case("Sequential"), "sequential");
        assert_eq!(snake_case("SimpleRNN"), "simple_rnn");
        assert_eq!(snake_case("ActRnnRelu"), "act_rnn_relu");
        assert_eq!(snake_case("IMDBModel"), "imdb_model");
        assert_eq!(snake_case("Seed1"), "seed1");
        assert_eq!(snake_case("SpatialDropout1D"), "spatial_dropout1d");
        assert_eq!(snake_case("GaussianNoise"), "gaussian_noise");
    }

    #[test]
    fn automatic_names_count_earlier_automatic_names_only() {
        assert_eq!(auto_name("dense", []), "dense");
        assert_eq!(auto_name("dense", ["dense", "first", "dense_1"]), "dense_2");
        assert_eq!(auto_name("dense", ["dense_x", "densely"]), "dense");
    }
}
