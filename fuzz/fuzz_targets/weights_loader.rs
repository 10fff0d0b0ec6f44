//! Bytes -> the weights loader: `WeightsFile::from_json` / `from_reader` and a declared model's
//! `from_json`. Must never panic. A file that loads must write back a file that loads to the
//! same thing, and a file that loads with its checksum must hold exactly what the checksum says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_runtime::WeightsFile;

rnn_runtime::rnn_model! {
    struct Tok<Embedding(5, 2, mask_zero = true), SimpleRNN(3, seq), SimpleRNN(2), Dense(2, activation = softmax)>;
}
rnn_runtime::rnn_model! {
    struct Flt<Input(None, 2), SimpleRNN(2, activation = relu, use_bias = false)>;
}

/// Loads `text` into `M` and checks what loaded; `$run` runs the model once.
macro_rules! load {
    ($M:ident, $text:expr, $run:expr) => {
        if let Ok(m) = $M::from_json($text) {
            let again = m.to_json();
            let back = $M::from_json(&again).expect("a model's own file loads");
            assert_eq!(
                back.to_json(),
                again,
                "to_json/from_json is not a fixed point"
            );
            let run: fn(&$M) = $run;
            run(&m);
        }
    };
}

/// `a == b` but for the values of `config`, which are free JSON: serde_json (without its
/// `float_roundtrip` feature) may read a non-integer number back 1 ulp off. The loader only ever
/// compares integers, booleans and strings there.
fn assert_same(a: &WeightsFile, b: &WeightsFile) {
    let strip = |f: &WeightsFile| {
        let mut f = f.clone();
        for l in &mut f.layers {
            for v in l.config.values_mut() {
                if v.is_f64() {
                    *v = serde_json::Value::Null;
                }
            }
        }
        f
    };
    assert_eq!(strip(a), strip(b), "WeightsFile round trip differs");
}

fuzz_target!(|data: &[u8]| {
    // The streaming reader sees the raw bytes, invalid UTF-8 included.
    let from_reader = WeightsFile::from_reader(data);
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(from_reader.is_err(), "invalid UTF-8 was accepted");
        return;
    };
    match WeightsFile::from_json(text) {
        Ok(file) => {
            if let Some(recorded) = &file.checksum {
                assert!(
                    recorded.eq_ignore_ascii_case(&file.compute_checksum()),
                    "checksum not verified"
                );
            }
            let back = WeightsFile::from_json(&file.to_json())
                .expect("a parsed file writes back parseable");
            assert_same(&back, &file);
            assert!(
                from_reader.is_ok(),
                "from_json accepted what from_reader refused"
            );
        }
        Err(e) => {
            let _ = e.to_string();
            assert!(
                from_reader.is_err(),
                "from_reader accepted what from_json refused: {e}"
            );
        }
    }
    load!(Tok, text, |m| {
        let _ = m.forward(&[1, 0, 4]).expect("valid ids run");
    });
    load!(Flt, text, |m| {
        let _ = m
            .forward(&[[0.5, -1.0], [2.0, 0.0]])
            .expect("a sequence runs");
    });
});
