//! A wide model's `predict` runs rows 64 at a time through the blocked products, then the rest
//! 6 at a time, then one by one (issue 21): every row gets the output `forward` gives it alone,
//! on every code path this CPU has, masked steps included.

use rnn_runtime::ndarray::{Array2, Array3};
use rnn_runtime::rnn_model;
use rnn_runtime::simd::{available, force};

rnn_model! { struct WideLstm<Embedding(200, 16, mask_zero = true), LSTM(64)>; }
// GRU(80): a 80 x 240 recurrent kernel (wide), 240 columns ending in a partly masked tile.
rnn_model! { struct WideGru<Input(None, 3), GRU(80, seq), Dense(2)>; }

/// 73 rows: one group of 64, one of 6, three alone.
const ROWS: usize = 73;

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 2e-5 * (1.0 + b.abs())
}

#[test]
fn wide_groups_give_each_row_its_own_forward_on_every_path() {
    let lstm = WideLstm::random(3);
    let gru = WideGru::random(4);
    // Up to 4 leading padding tokens (masked: the state waits), then ids over the vocabulary.
    let ids = Array2::from_shape_fn((ROWS, 23), |(r, t)| {
        if t < r % 5 {
            0
        } else {
            ((r * 7 + t * 13) % 199 + 1) as u32
        }
    });
    let xs = Array3::from_shape_fn((ROWS, 9, 3), |(r, t, f)| {
        ((r * 3 + t * 5 + f) as f32 * 0.41).sin()
    });
    for path in available() {
        force(Some(path));
        let batch = lstm.predict(ids.view()).unwrap();
        let seqs = gru.predict(xs.view()).unwrap();
        for r in 0..ROWS {
            let alone = lstm.forward(ids.row(r).as_slice().unwrap()).unwrap();
            for (j, want) in alone.iter().enumerate() {
                let got = batch[[r, j]];
                assert!(
                    close(got, *want),
                    "{path:?} LSTM row {r} unit {j}: {got} vs {want}"
                );
            }
            let frames: Vec<[f32; 3]> = (0..9)
                .map(|t| std::array::from_fn(|f| xs[[r, t, f]]))
                .collect();
            let alone = gru.forward(&frames).unwrap();
            for (t, step) in alone.iter().enumerate() {
                for (j, want) in step.iter().enumerate() {
                    let got = seqs[[r, t, j]];
                    assert!(
                        close(got, *want),
                        "{path:?} GRU row {r} step {t} [{j}]: {got} vs {want}"
                    );
                }
            }
        }
    }
    force(None);
}
