//! Frames one at a time through a recurrent model, as an audio or sensor loop would: a small
//! Keras GRU trained to predict the next value of a noisy sine wave (tools/train_sine.py; its
//! weights are examples/models/sine.json, exported from Keras). Each frame is one `step` with
//! the state carried; the example prints the frame, the prediction of the next clean value,
//! and the time the step took.
//!
//! `cargo run --release --example stream`

use std::time::Instant;

use rnn_runtime::rnn_model;

rnn_model! {
    /// Predicts the next clean value of a noisy sine wave, one frame at a time.
    pub struct Sine<Input(None, 1), GRU(16), Dense(1)>;
}

fn main() -> Result<(), rnn_runtime::Error> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/models/sine.json");
    let model = Sine::load(path)?;
    let mut state = model.state();
    // A wave the model has not seen: frequency 0.13 rad per frame, a little noise.
    let mut noise = 0x2545_f491_4f6c_dd1du64;
    let mut times = Vec::new();
    println!(" frame   input   predicted next   true next   step");
    for t in 0..60 {
        noise ^= noise << 13;
        noise ^= noise >> 7;
        noise ^= noise << 17;
        let jitter = ((noise >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.1;
        let x = (0.13 * t as f32 + 0.4).sin() + jitter;
        let start = Instant::now();
        let [next] = model.step(&mut state, &[x])?;
        let took = start.elapsed();
        times.push(took.as_secs_f64());
        let truth = (0.13 * (t + 1) as f32 + 0.4).sin();
        if t % 4 == 0 || t >= 56 {
            println!(
                "{t:6} {x:7.3}   {next:14.3}   {truth:9.3}   {:.2} us",
                took.as_secs_f64() * 1e6
            );
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "per frame: median {:.2} us, fastest {:.2} us (the first frames include warm-up)",
        times[times.len() / 2] * 1e6,
        times[0] * 1e6
    );
    Ok(())
}
