//! The no_std build and the std build give the same numbers: examples/no_std (rnn-runtime
//! without std or alloc) checks its `forward` and `step` outputs against
//! examples/no_std/src/expected.rs in its own test, and this test checks the std build's (on
//! the portable path, the one a no_std build without `-C target-feature` runs) against the
//! same bits.

use rnn_runtime::rnn_model;
use rnn_runtime::simd::{self, Simd};

mod expected {
    include!("../examples/no_std/src/expected.rs");
}
use expected::{FORWARD, FRAMES, STEPS};

rnn_model! {
    #[weights = "examples/models/sine.json"]
    struct Sine<Input(None, 1), GRU(16), Dense(1)>;
}

#[test]
fn the_std_build_gives_the_no_std_example_numbers() {
    simd::force(Some(Simd::Portable));
    let model = Sine::baked();
    let [y] = model.forward(&FRAMES).unwrap();
    let mut state = model.state();
    let steps: Vec<u32> = FRAMES
        .iter()
        .map(|x| model.step(&mut state, x).unwrap()[0].to_bits())
        .collect();
    println!("FORWARD = {:#010x}; STEPS = {:#010x?}", y.to_bits(), steps);
    assert_eq!(y.to_bits(), FORWARD, "forward: {y}");
    assert_eq!(steps, STEPS, "step by step");
    // And the baked model is the loaded one.
    let loaded = Sine::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/models/sine.json"
    ));
    assert_eq!(
        loaded.unwrap().forward(&FRAMES).unwrap()[0].to_bits(),
        FORWARD
    );
    simd::force(None);
}
