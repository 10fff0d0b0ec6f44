//! The Keras 2.4.3 `model.summary()` text of a Sequential model, built at compile time.

use crate::model::Model;
use rnn_spec::rules::group;

const LINE: usize = 65;
/// Column ends: `[.45, .85, 1.] * 65`.
const POSITIONS: [usize; 3] = [29, 55, 65];

/// Keras's `print_row`: each field is appended after turning the line's last character into a
/// space, then the line is cut at the field's column end and padded to it.
fn row(fields: [&str; 3]) -> String {
    let mut line: Vec<char> = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.pop();
            line.push(' ');
        }
        line.extend(field.chars());
        line.truncate(POSITIONS[i]);
        line.resize(POSITIONS[i], ' ');
    }
    line.into_iter().collect()
}

/// The summary, one line per `print_fn` call, joined by newlines (no newline after the last, so
/// `println!("{}", SUMMARY)` prints exactly what Keras prints).
pub fn summary(model: &Model) -> String {
    let mut lines = vec![
        format!("Model: \"{}\"", model.name),
        "_".repeat(LINE),
        row(["Layer (type)", "Output Shape", "Param #"]),
        "=".repeat(LINE),
    ];
    for (i, l) in model.layers.iter().enumerate() {
        let name = format!("{} ({})", l.name, l.kind.class().name);
        lines.push(row([&name, &l.output.keras_shape(), &l.params.to_string()]));
        let rule = if i + 1 == model.layers.len() {
            "="
        } else {
            "_"
        };
        lines.push(rule.repeat(LINE));
    }
    let total = model.params() as u128;
    let frozen: u128 = model
        .layers
        .iter()
        .map(|l| l.kind.non_trainable_params())
        .sum();
    lines.push(format!("Total params: {}", group(total)));
    lines.push(format!("Trainable params: {}", group(total - frozen)));
    lines.push(format!("Non-trainable params: {}", group(frozen)));
    lines.push("_".repeat(LINE));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_65_characters_with_keras_column_ends() {
        let r = row(["embedding (Embedding)", "(None, None, 32)", "320000"]);
        assert_eq!(r.len(), 65);
        assert_eq!(&r[..29], "embedding (Embedding)        ");
        assert_eq!(&r[29..55], "(None, None, 32)          ");
        assert_eq!(&r[55..], "320000    ");
    }

    #[test]
    fn an_overlong_name_is_cut_and_the_last_character_becomes_a_space() {
        let r = row([
            "a_very_long_layer_name_indeed (SimpleRNN)",
            "(None, 32)",
            "2080",
        ]);
        assert_eq!(&r[..29], "a_very_long_layer_name_indee ");
        assert_eq!(r.len(), 65);
    }
}
