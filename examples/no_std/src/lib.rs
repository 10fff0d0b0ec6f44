//! A `#![no_std]` crate without an allocator running a baked Keras model: the weights are
//! checked and laid out at compile time (`#[weights = "..."]`), `forward` and `step` run on
//! arrays, nothing is allocated and no `alloc` crate is linked.
//!
//! The model is the streaming example's sine predictor (`examples/models/sine.json`, exported
//! from Keras): `Input(None, 1)`, `GRU(16)`, `Dense(1)`.
#![no_std]
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

/// The model's compile-time facts, usable in consts: parameter count and widths.
pub const FACTS: (usize, usize, usize) = (Sine::PARAMS, Sine::INPUT_WIDTH, Sine::OUTPUT_WIDTH);
