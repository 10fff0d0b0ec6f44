//! `predict` splits a batch over threads with exactly the numbers of one thread: every row runs
//! in the same lockstep group, with the same kernels, whatever the thread count.

use rnn_runtime::ndarray::{Array2, Array3};
use rnn_runtime::rnn_model;

rnn_model! { struct Tok<Embedding(300, 8, mask_zero = true), LSTM(16, seq), GRU(8), Dense(3, activation = softmax)>; }
rnn_model! { struct Flo<Input(None, 5), Masking(), Bidirectional(SimpleRNN(6, seq)), TimeDistributed(Dense(2))>; }

/// One test changes the global count, so the cases run in one test, one after another.
#[test]
fn outputs_are_bit_identical_for_every_thread_count() {
    let tok = Tok::random(1);
    let flo = Flo::random(2);
    // 61 rows (groups and a remainder) of 300 steps: enough work for several threads.
    let ids = Array2::from_shape_fn((61, 300), |(r, t)| ((r * 131 + t * 17) % 300) as u32);
    let xs = Array3::from_shape_fn((61, 200, 5), |(r, t, f)| {
        if t % 7 == 3 {
            0.0
        } else {
            ((r * 5 + t * 3 + f) as f32 * 0.37).sin()
        }
    });
    rnn_runtime::threads::set(1);
    let (one_t, one_f) = (
        tok.predict(ids.view()).unwrap(),
        flo.predict(xs.view()).unwrap(),
    );
    for n in [2, 3, 8, 64] {
        rnn_runtime::threads::set(n);
        // WebAssembly without atomics (wasm32-wasip1) has no threads: one, whatever is set.
        let threads = cfg!(not(all(
            target_family = "wasm",
            not(target_feature = "atomics")
        )));
        assert_eq!(rnn_runtime::threads::get(), if threads { n } else { 1 });
        assert_eq!(
            tok.predict(ids.view()).unwrap(),
            one_t,
            "{n} threads, tokens"
        );
        assert_eq!(
            flo.predict(xs.view()).unwrap(),
            one_f,
            "{n} threads, floats"
        );
    }
    // Each row equals its own `forward` (the remainder rows run alone on every count).
    let last = ids.row(60).to_vec();
    let alone = tok.forward(&last).unwrap();
    assert!(
        one_t
            .row(60)
            .iter()
            .zip(alone)
            .all(|(a, b)| (a - b).abs() < 1e-6)
    );
    rnn_runtime::threads::set(0);
    assert!(rnn_runtime::threads::get() >= 1);
}
