//! A `#![no_std]` crate without an allocator running a baked Keras model: the weights are
//! checked and laid out at compile time (`#[weights = "..."]`), `forward` and `step` run on
//! arrays, nothing is allocated and no `alloc` crate is linked.
//!
//! The model is the streaming example's sine predictor (`examples/models/sine.json`, exported
//! from Keras): `Input(None, 1)`, `GRU(16)`, `Dense(1)`.
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
}
