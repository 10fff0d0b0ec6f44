//! A `#![no_std]` crate without an allocator running a baked Keras model: the weights are
//! checked and laid out at compile time (`#[weights = "..."]`), `forward` and `step` run on
//! arrays, nothing is allocated and no `alloc` crate is linked.
//!
//! The model is the streaming example's sine predictor (`examples/models/sine.json`, exported
//! from Keras): `Input(None, 1)`, `GRU(16)`, `Dense(1)`. With the feature `sentiment` (which
//! the firmware turns on) also the chapter-6 sentiment model, `Embedding(10000, 32),
//! SimpleRNN(32), Dense(1, activation = sigmoid)`, baked from the Keras fixture
//! tests/fixtures/imdb: about 2.6 MB of tables in read-only data (README: Features and threads).
// The library is no_std; its test runs under the std test harness, the runtime still without
// std or alloc.
#![cfg_attr(not(test), no_std)]
#![deny(missing_docs)]

use rnn_runtime::rnn_model;

rnn_model! {
    /// Predicts the next value of a sine wave, one frame at a time.
    #[weights = "../models/sine.json"]
    pub struct Sine<Input(None, 1), GRU(16), Dense(1)>;
}

/// The model's prediction after a whole sequence (`forward`), or `None` for a sequence it
/// refuses (an empty one).
pub fn predict(frames: &[[f32; 1]]) -> Option<f32> {
    Sine::baked().forward(frames).ok().map(|[y]| y)
}

/// The same frames one `step` at a time, the state carried: each step's prediction is written
/// to `out` (as many as fit); returns the last, which equals [`predict`]'s.
pub fn stream(frames: &[[f32; 1]], out: &mut [f32]) -> Option<f32> {
    let model = Sine::baked();
    let mut state = model.state();
    let mut last = None;
    for (i, x) in frames.iter().enumerate() {
        let [y] = model.step(&mut state, x).ok()?;
        if let Some(slot) = out.get_mut(i) {
            *slot = y;
        }
        last = Some(y);
    }
    state.reset();
    last
}

#[cfg(feature = "sentiment")]
rnn_model! {
    /// The IMDB sentiment classifier of chapter 6 (Deep Learning with Python, listing 6.22),
    /// weights from the Keras fixture tests/fixtures/imdb (random, Keras's outputs recorded).
    #[weights = "../../tests/fixtures/imdb.weights.json.gz"]
    pub struct Sentiment<Embedding(10000, 32), SimpleRNN(32), Dense(1, activation = sigmoid)>;
}

/// P(positive) for a sequence of token ids, or `None` for one the model refuses (empty, or an
/// id of 10000 or more).
#[cfg(feature = "sentiment")]
pub fn sentiment(ids: &[u32]) -> Option<f32> {
    Sentiment::baked().forward(ids).ok().map(|[p]| p)
}

/// The model's compile-time facts, usable in consts: parameter count and widths.
pub const FACTS: (usize, usize, usize) = (Sine::PARAMS, Sine::INPUT_WIDTH, Sine::OUTPUT_WIDTH);

#[cfg(test)]
mod expected;

#[cfg(test)]
mod tests {
    use super::expected::{FORWARD, FRAMES, STEPS};

    /// The runtime here is built without std or alloc; the std build gives the same bits
    /// (the workspace's tests/no_std.rs).
    #[test]
    fn forward_and_step_give_the_std_build_numbers() {
        assert_eq!(super::predict(&FRAMES).map(f32::to_bits), Some(FORWARD));
        let mut out = [0.0f32; 10];
        let last = super::stream(&FRAMES, &mut out);
        assert_eq!(last.map(f32::to_bits), Some(FORWARD));
        assert_eq!(out.map(f32::to_bits), STEPS);
        assert_eq!(super::predict(&[]), None, "an empty sequence is refused");
        // GRU(16) on 1 feature (reset_after): 3 * 16 * (1 + 16) + 2 * 3 * 16; Dense(1): 17.
        assert_eq!(super::FACTS, (929, 1, 1));
    }

    /// The sentiment model without std or alloc gives Keras's outputs (recorded by
    /// tools/gen_fixtures.py) within the parity bound of tests/keras_fixtures.rs.
    #[cfg(feature = "sentiment")]
    #[test]
    fn the_sentiment_model_gives_keras_s_outputs() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/imdb.io.json"
        );
        let io: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .expect("the fixture is JSON");
        let (inputs, outputs) = (io["inputs"].as_array().unwrap(), io["outputs"].as_array());
        assert!(!inputs.is_empty());
        for (row, keras) in inputs.iter().zip(outputs.unwrap()) {
            let ids: std::vec::Vec<u32> = row
                .as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_u64().unwrap() as u32)
                .collect();
            let keras = keras[0].as_f64().unwrap() as f32;
            let ours = super::sentiment(&ids).expect("a valid sequence");
            assert!(
                (ours - keras).abs() <= 1e-5,
                "{ids:?}: ours {ours}, Keras {keras}"
            );
        }
        assert_eq!(super::sentiment(&[]), None, "an empty sequence is refused");
        assert_eq!(super::sentiment(&[3, 10_000]), None, "an id out of range");
        // Embedding 10000 * 32, SimpleRNN 32 * (32 + 32) + 32, Dense 33 (Keras's count).
        assert_eq!(super::Sentiment::PARAMS, 322_113);
    }
}
