//! Where splitting a batch over threads starts to pay: `predict` on batches of R rows of T
//! timesteps on one thread and split over every core (forced, whatever the size), best of many
//! runs each, for the cheapest row-timestep (SimpleRNN(32)) and a gated one (LSTM(32)).
//! `rnn_runtime::threads` keeps a batch on the caller's thread below its cut-off (1,152
//! row-timesteps per thread, set from this example's figures: docs/PERFORMANCE.md).
//!
//! `cargo run --release --example threads_cutoff`

use std::time::Instant;

use rnn_runtime::ndarray::{Array2, ArrayView2};
use rnn_runtime::rnn_model;

rnn_model! { struct Imdb<Embedding(10000, 32), SimpleRNN(32)>; }
rnn_model! { struct ImdbLstm<Embedding(10000, 32), LSTM(32)>; }

fn best(f: impl Fn()) -> f64 {
    (0..300)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn sweep(name: &str, predict: &dyn Fn(ArrayView2<u32>)) {
    println!("{name}: rows  steps  row-steps   1 thread   all cores (split forced)");
    for (rows, steps) in [
        (12, 16),
        (12, 32),
        (12, 64),
        (12, 128),
        (18, 128),
        (18, 256),
        (36, 256),
        (36, 512),
    ] {
        let batch =
            Array2::from_shape_fn((rows, steps), |(r, t)| ((r * 7 + t * 13) % 9999 + 1) as u32);
        rnn_runtime::threads::set(1);
        let one = best(|| predict(batch.view()));
        rnn_runtime::threads::set(0);
        rnn_runtime::threads::set_min_work_per_thread(1);
        let all = best(|| predict(batch.view()));
        rnn_runtime::threads::set_min_work_per_thread(0);
        println!(
            "{:>10} {steps:6} {:10} {:9.1} us {:9.1} us  {:5.2}x",
            rows,
            rows * steps,
            one * 1e6,
            all * 1e6,
            one / all
        );
    }
}

fn main() {
    let rnn = Imdb::random(1);
    sweep("SimpleRNN(32)", &|b| {
        std::hint::black_box(rnn.predict(b).unwrap());
    });
    let lstm = ImdbLstm::random(2);
    sweep("LSTM(32)", &|b| {
        std::hint::black_box(lstm.predict(b).unwrap());
    });
}
