//! Where splitting a batch over threads starts to pay: `predict` on batches of R rows of T
//! timesteps with one thread and with every core, best of many runs each (docs/PERFORMANCE.md).
//! `rnn_runtime::threads` keeps a batch on the caller's thread below 4096 row-timesteps.
//!
//! `cargo run --release --example threads_cutoff`

use std::time::Instant;

use rnn_runtime::ndarray::Array2;
use rnn_runtime::rnn_model;

rnn_model! { struct Imdb<Embedding(10000, 32), SimpleRNN(32)>; }

fn best(f: impl Fn()) -> f64 {
    (0..200)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let model = Imdb::random(1);
    println!("rows  steps  row-steps   1 thread   all cores");
    for (rows, steps) in [
        (8, 32),
        (8, 128),
        (16, 128),
        (16, 512),
        (32, 256),
        (64, 512),
    ] {
        let batch =
            Array2::from_shape_fn((rows, steps), |(r, t)| ((r * 7 + t * 13) % 9999 + 1) as u32);
        rnn_runtime::threads::set(1);
        let one = best(|| {
            std::hint::black_box(model.predict(batch.view()).unwrap());
        });
        rnn_runtime::threads::set(0);
        let all = best(|| {
            std::hint::black_box(model.predict(batch.view()).unwrap());
        });
        println!(
            "{rows:4} {steps:6} {:10} {:9.1} us {:9.1} us",
            rows * steps,
            one * 1e6,
            all * 1e6
        );
    }
}
