//! Timings of the workloads of docs/PERFORMANCE.md, single thread by default: seed, imdb1,
//! imdb128, stack128 (SimpleRNN), lstm1, lstm128, gru1, gru128 (`Embedding(10000, 32)` then
//! `LSTM(32)` or `GRU(32)`, 500 tokens, batch 1 and 128, last output), bidir128
//! (`Embedding(10000, 32), Bidirectional(LSTM(32)), Dense(1, activation = sigmoid)`, 128 x 500),
//! lstm_step, gru_step (`Input(None, 32)`, `LSTM(32)` or `GRU(32)`, `Dense(1)`: one streaming
//! `step` with the state carried, timed in blocks of 1000 consecutive steps; `seconds` is per
//! step, as RTNeural's per-step figure), lstm_w64, lstm_w128, lstm_w256, gru_w128
//! (`Embedding(10000, W)` then `LSTM(W)` or `GRU(W)`, `predict` on 128 x 500: the widths real
//! models use; not in the default run, which stays the same: name them with `--workloads`, or
//! `--workloads wide` for all four); conv_gru128 (the book's chapter 6.4 Jena model:
//! `Input(240, 14), Conv1D(32, 5, relu), MaxPooling1D(3), Conv1D(32, 5, relu), GRU(32),
//! Dense(1)`, batch 128), conv_imdb128 (`Embedding(10000, 128), Conv1D(32, 7, relu),
//! MaxPooling1D(5), Conv1D(32, 7, relu), GlobalMaxPooling1D(), Dense(1)`, 128 x 500), har128
//! (`Input(128, 9), Conv1D(64, 3, relu), Conv1D(64, 3, relu), MaxPooling1D(2), LSTM(100),
//! Dense(100, relu), Dense(6, softmax)`, batch 128), conv_step (one streaming `step` of
//! `Input(None, 1), Conv1D(8, 3, padding = causal), GRU(8), Dense(1)`, per step as RTNeural's):
//! `--workloads conv` for the four (issue 22).
//!
//! `cargo run --release --example bench -- --json` prints one JSON line per workload:
//! `{"workload": "seed", "seconds": <median per call>, "runs": n, "gflops": ..., "peak_fraction": ...}`.
//! `gflops` counts the work done (the folded Embedding makes the first layer's input projection
//! a lookup); `nominal_gflops` counts the Keras model's multiply-adds. `peak_gflops` is one
//! core's f32 FMA peak, measured here.
//! `--threads N` lets `predict` split batch rows over N threads (`--threads all`: every core,
//! its default; without the flag, one). `--quick` takes fewer samples. `--calls N` times
//! nothing: it makes exactly N calls of each workload, for counting instructions under an
//! emulator, where time means nothing (the count with `--calls 2` less the count with
//! `--calls 1` is one call's: docs/PERFORMANCE.md, "aarch64 (NEON)").

use std::time::{Duration, Instant};

use rnn_runtime::ndarray::Array2;
use rnn_runtime::rnn_model;

rnn_model! { struct SeedModel<Input(None, 32), SimpleRNN(64, seq)>; }
rnn_model! { struct Imdb<Embedding(10000, 32), SimpleRNN(32)>; }
rnn_model! { struct ImdbLstm<Embedding(10000, 32), LSTM(32)>; }
rnn_model! { struct ImdbGru<Embedding(10000, 32), GRU(32)>; }
rnn_model! { struct StepLstm<Input(None, 32), LSTM(32), Dense(1)>; }
rnn_model! { struct StepGru<Input(None, 32), GRU(32), Dense(1)>; }
rnn_model! { struct ImdbBidi<Embedding(10000, 32), Bidirectional(LSTM(32)), Dense(1, activation = sigmoid)>; }
rnn_model! {
    struct Stack<Embedding(10000, 32), SimpleRNN(32, seq), SimpleRNN(32, seq), SimpleRNN(32, seq), SimpleRNN(32)>;
}
// The widths real models use (issue 21): `Embedding(10000, W)`, then the layer, 128 x 500.
rnn_model! { struct LstmW64<Embedding(10000, 64), LSTM(64)>; }
rnn_model! { struct LstmW128<Embedding(10000, 128), LSTM(128)>; }
rnn_model! { struct LstmW256<Embedding(10000, 256), LSTM(256)>; }
rnn_model! { struct GruW128<Embedding(10000, 128), GRU(128)>; }

// The convolutional-recurrent models people publish (issue 22).
rnn_model! {
    struct ConvGru<Input(240, 14), Conv1D(32, 5, activation = relu), MaxPooling1D(pool_size = 3), Conv1D(32, 5, activation = relu), GRU(32), Dense(1)>;
}
rnn_model! {
    struct ConvImdb<Embedding(10000, 128), Conv1D(32, 7, activation = relu), MaxPooling1D(pool_size = 5), Conv1D(32, 7, activation = relu), GlobalMaxPooling1D(), Dense(1)>;
}
rnn_model! {
    struct Har<Input(128, 9), Conv1D(64, 3, activation = relu), Conv1D(64, 3, activation = relu), MaxPooling1D(), LSTM(100), Dense(100, activation = relu), Dense(6, activation = softmax)>;
}
rnn_model! { struct ConvStep<Input(None, 1), Conv1D(8, 3, padding = causal), GRU(8), Dense(1)>; }

struct Args {
    json: bool,
    threads: usize,
    quick: bool,
    /// `--calls N`: exactly N calls per workload, untimed.
    calls: Option<usize>,
    /// `--workloads seed,imdb1`: run only these.
    only: Option<Vec<String>>,
    /// `--simd portable|avx2|avx512|neon|simd128`: force a code path (default: the best the CPU has; a path
    /// the CPU lacks is ignored). `scalar` is the old name of `portable`.
    simd: Option<rnn_runtime::simd::Simd>,
}

fn args() -> Args {
    let mut a = Args {
        json: false,
        threads: 1,
        quick: false,
        calls: None,
        only: None,
        simd: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => a.json = true,
            "--quick" => a.quick = true,
            "--calls" => a.calls = it.next().and_then(|n| n.parse().ok()),
            "--workloads" => {
                a.only = it
                    .next()
                    .map(|w| w.split(',').map(str::to_string).collect())
            }
            "--simd" => {
                use rnn_runtime::simd::Simd;
                let path = match it.next().as_deref() {
                    Some("portable" | "scalar") => Some(Simd::Portable),
                    Some("avx2") => Some(Simd::Avx2),
                    Some("avx512") => Some(Simd::Avx512),
                    Some("simd128") => Some(Simd::Simd128),
                    Some("neon") => Some(Simd::Neon),
                    _ => None,
                };
                a.simd = path;
            }
            // `all`: predict's default, every core (rnn_runtime::threads).
            "--threads" => {
                a.threads = match it.next().as_deref() {
                    Some("all") => 0,
                    n => n.and_then(|n| n.parse().ok()).unwrap_or(1).max(1),
                }
            }
            other => eprintln!("ignoring unknown argument {other}"),
        }
    }
    a
}

/// How long each workload runs: calls timed over about this much wall time, or exactly this
/// many calls, untimed (`--calls`).
#[derive(Clone, Copy)]
enum Budget {
    Time(Duration),
    Calls(usize),
}

/// Median seconds per call of `f`, over about `budget` of wall time (NaN for a number of calls).
fn median(budget: Budget, mut f: impl FnMut()) -> (f64, usize) {
    let budget = match budget {
        Budget::Time(budget) => budget,
        Budget::Calls(n) => {
            for _ in 0..n {
                f();
            }
            return (f64::NAN, n);
        }
    };
    for _ in 0..3 {
        f();
    }
    let mut samples = Vec::new();
    let start = Instant::now();
    while start.elapsed() < budget || samples.len() < 5 {
        let t = Instant::now();
        f();
        samples.push(t.elapsed().as_secs_f64());
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    (samples[samples.len() / 2], samples.len())
}

fn tokens(rows: usize, steps: usize, seed: u64) -> Array2<u32> {
    let mut s = seed;
    Array2::from_shape_fn((rows, steps), |_| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        1 + ((s >> 33) % 9999) as u32
    })
}

/// Runs `predict` on the whole batch; it splits the rows over `rnn_runtime::threads::get()`
/// threads itself.
fn run_predict<M: Sync>(
    model: &M,
    batch: &Array2<u32>,
    predict: fn(&M, rnn_runtime::ndarray::ArrayView2<u32>) -> Array2<f32>,
) {
    std::hint::black_box(predict(model, batch.view()));
}

/// One core's peak f32 FLOP rate: independent 8-wide FMAs, and 16-wide ones where AVX-512 is
/// present; the higher.
fn peak_gflops() -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        use rnn_runtime::simd::{Simd, detected};
        let mut best = f64::NAN;
        if detected() != Simd::Portable {
            // SAFETY: AVX2 and FMA are present (checked above).
            best = unsafe { peak_fma() };
        }
        if detected() == Simd::Avx512 {
            // SAFETY: AVX-512F is present (checked above).
            best = best.max(unsafe { peak_fma512() });
        }
        best
    }
    #[cfg(not(target_arch = "x86_64"))]
    f64::NAN
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn peak_fma512() -> f64 {
    use std::arch::x86_64::*;
    let iters = 1_000_000u64;
    let mut best = 0.0f64;
    for _ in 0..15 {
        let mut acc = [_mm512_set1_ps(0.0); 16];
        let a = _mm512_set1_ps(0.999_999);
        let b = _mm512_set1_ps(1e-7);
        let start = Instant::now();
        for _ in 0..iters {
            for v in acc.iter_mut() {
                *v = _mm512_fmadd_ps(*v, a, b);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        std::hint::black_box(acc);
        best = best.max((iters * 16 * 16 * 2) as f64 / secs / 1e9);
    }
    best
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn peak_fma() -> f64 {
    use std::arch::x86_64::*;
    // The best of several short runs: another process on the core can only slow a run down.
    let iters = 2_000_000u64;
    let mut best = 0.0f64;
    for _ in 0..15 {
        let mut acc = [_mm256_set1_ps(0.0); 12];
        let a = _mm256_set1_ps(0.999_999);
        let b = _mm256_set1_ps(1e-7);
        let start = Instant::now();
        for _ in 0..iters {
            for v in acc.iter_mut() {
                *v = _mm256_fmadd_ps(*v, a, b);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        std::hint::black_box(acc);
        best = best.max((iters * 12 * 8 * 2) as f64 / secs / 1e9);
    }
    best
}

fn main() {
    let a = args();
    let budget = match a.calls {
        Some(n) => Budget::Calls(n),
        None => Budget::Time(Duration::from_millis(if a.quick { 300 } else { 1500 })),
    };
    let peak = peak_gflops();
    rnn_runtime::threads::set(a.threads);
    rnn_runtime::simd::force(a.simd);
    // WebAssembly's 128-bit SIMD is chosen at compile time (`-C target-feature=+simd128`): the
    // Simd128 path, or the portable one (forced) vectorised by the compiler for simd128.
    let active = rnn_runtime::simd::active();
    let simd128 = cfg!(target_feature = "simd128") && active != rnn_runtime::simd::Simd::Simd128;
    let simd = format!("{active:?}{}", if simd128 { "+simd128" } else { "" });
    // `flops` is the work the code does (after folding the Embedding into the first layer's
    // input projection); `nominal` is the Keras model's multiply-adds, counted as 2 FLOPs each.
    let wanted = |name: &str| a.only.as_ref().is_none_or(|o| o.iter().any(|w| w == name));
    // The wide workloads take seconds a call: only when named.
    let wanted_wide = |name: &str| {
        a.only
            .as_ref()
            .is_some_and(|o| o.iter().any(|w| w == name || w == "wide"))
    };
    let report = |name: &str, flops: f64, nominal: f64, (secs, runs): (f64, usize)| {
        let gflops = flops / secs / 1e9;
        let nominal_gflops = nominal / secs / 1e9;
        if a.json {
            // No peak where it is not measured (not x86-64, or no FMA): null, not NaN.
            let (peak, fraction) = if peak.is_nan() {
                ("null".to_string(), "null".to_string())
            } else {
                (format!("{peak:.2}"), format!("{:.3}", gflops / peak))
            };
            println!(
                "{{\"workload\": \"{name}\", \"seconds\": {secs:.9}, \"runs\": {runs}, \"threads\": {}, \"simd\": \"{simd}\", \"gflops\": {gflops:.2}, \"nominal_gflops\": {nominal_gflops:.2}, \"peak_gflops\": {peak}, \"peak_fraction\": {fraction}}}",
                rnn_runtime::threads::get(),
            );
        } else if peak.is_nan() {
            println!(
                "{name:10} {:>10.1} us  {gflops:6.1} GFLOP/s ({nominal_gflops:6.1} nominal)  ({runs} runs)",
                secs * 1e6,
            );
        } else {
            println!(
                "{name:10} {:>10.1} us  {gflops:6.1} GFLOP/s ({nominal_gflops:6.1} nominal)  {:5.1}% of peak {peak:.0} ({runs} runs)",
                secs * 1e6,
                100.0 * gflops / peak
            );
        }
    };

    // seed: one sequence of 100 steps, 32 features -> (100, 64).
    let seed = SeedModel::random(1);
    let xs: Vec<[f32; 32]> = (0..100)
        .map(|t| std::array::from_fn(|i| ((t * 32 + i) as f32 * 0.37).sin()))
        .collect();
    let flops = 100.0 * 2.0 * (32.0 * 64.0 + 64.0 * 64.0);
    if wanted("seed") {
        report(
            "seed",
            flops,
            flops,
            median(budget, || {
                std::hint::black_box(seed.forward(std::hint::black_box(&xs[..])).unwrap());
            }),
        );
    }

    // imdb1: one sequence of 500 tokens -> (32,).
    let imdb = Imdb::random(2);
    let one = tokens(1, 500, 3);
    let ids = one.as_slice().unwrap();
    let nominal = 500.0 * 2.0 * (32.0 * 32.0 + 32.0 * 32.0);
    let flops = 500.0 * 2.0 * (32.0 * 32.0);
    if wanted("imdb1") {
        report(
            "imdb1",
            flops,
            nominal,
            median(budget, || {
                std::hint::black_box(imdb.forward(std::hint::black_box(ids)).unwrap());
            }),
        );
    }

    // imdb128: 128 x 500 -> (128, 32).
    let batch = tokens(128, 500, 4);
    if wanted("imdb128") {
        report(
            "imdb128",
            128.0 * flops,
            128.0 * nominal,
            median(budget, || {
                run_predict(&imdb, &batch, |m, b| m.predict(b).unwrap());
            }),
        );
    }

    // stack128: 4 stacked layers, 128 x 500 -> (128, 32).
    let stack = Stack::random(5);
    if wanted("stack128") {
        report(
            "stack128",
            128.0 * (flops + 3.0 * nominal),
            128.0 * 4.0 * nominal,
            median(budget, || {
                run_predict(&stack, &batch, |m, b| m.predict(b).unwrap());
            }),
        );
    }

    // lstm1 / lstm128, gru1 / gru128: the gated layers on the same tokens. A step's products
    // are x · kernel (folded into a lookup) and h · recurrent_kernel, over 4U (LSTM) or 3U
    // (GRU) columns.
    let lstm = ImdbLstm::random(6);
    let gru = ImdbGru::random(7);
    for (name, gates, rows) in [
        ("lstm1", 4.0, 1),
        ("lstm128", 4.0, 128),
        ("gru1", 3.0, 1),
        ("gru128", 3.0, 128),
    ] {
        if !wanted(name) {
            continue;
        }
        let flops = rows as f64 * 500.0 * 2.0 * (32.0 * 32.0 * gates);
        let timing = match (gates == 4.0, rows) {
            (true, 1) => median(budget, || {
                std::hint::black_box(lstm.forward(std::hint::black_box(ids)).unwrap());
            }),
            (false, 1) => median(budget, || {
                std::hint::black_box(gru.forward(std::hint::black_box(ids)).unwrap());
            }),
            (true, _) => median(budget, || {
                run_predict(&lstm, &batch, |m, b| m.predict(b).unwrap());
            }),
            (false, _) => median(budget, || {
                run_predict(&gru, &batch, |m, b| m.predict(b).unwrap());
            }),
        };
        report(name, flops, 2.0 * flops, timing);
    }

    // lstm_step / gru_step: one streaming step with the state carried (float inputs, as
    // RTNeural's benchmark), timed over blocks of 1000 consecutive steps; per step.
    let inputs: Vec<[f32; 32]> = (0..64)
        .map(|t| std::array::from_fn(|i| ((t * 32 + i) as f32 * 0.71).sin()))
        .collect();
    const BLOCK: usize = 1000;
    for (name, gates) in [("lstm_step", 4.0), ("gru_step", 3.0)] {
        if !wanted(name) {
            continue;
        }
        let flops = 2.0 * (32.0 * 32.0 * gates * 2.0 + 32.0);
        let (secs, runs) = if gates == 4.0 {
            let model = StepLstm::random(9);
            let mut state = model.state();
            median(budget, || {
                for x in inputs.iter().cycle().take(BLOCK) {
                    std::hint::black_box(model.step(&mut state, std::hint::black_box(x)).unwrap());
                }
            })
        } else {
            let model = StepGru::random(10);
            let mut state = model.state();
            median(budget, || {
                for x in inputs.iter().cycle().take(BLOCK) {
                    std::hint::black_box(model.step(&mut state, std::hint::black_box(x)).unwrap());
                }
            })
        };
        report(name, flops, flops, (secs / BLOCK as f64, runs));
    }

    // lstm_w64 .. gru_w128: `Embedding(10000, W)` then the layer, 128 x 500 -> (128, W). At
    // these widths the plan does not fold the Embedding (building the table would pass
    // `FOLD_MAX_WORK`), so the work done is the model's: x · kernel and h · recurrent_kernel
    // over 4W (LSTM) or 3W (GRU) columns a step.
    let wide = |w: f64, gates: f64| 128.0 * 500.0 * 2.0 * 2.0 * (w * w * gates);
    // A folded model's input projection is a lookup: the work is the recurrent product alone.
    let done = |folded: bool, nominal: f64| if folded { nominal / 2.0 } else { nominal };
    macro_rules! wide_workload {
        ($name:literal, $model:ident, $seed:literal, $w:literal, $gates:literal) => {
            if wanted_wide($name) {
                let start = Instant::now();
                let m = $model::random($seed);
                let built = start.elapsed().as_secs_f64();
                if !a.json {
                    println!(
                        "{:10} built in {:.1} ms (folded: {})",
                        $name,
                        built * 1e3,
                        $model::FOLDED
                    );
                }
                let t = median(budget, || {
                    run_predict(&m, &batch, |m, b| m.predict(b).unwrap())
                });
                let nominal = wide($w, $gates);
                report($name, done($model::FOLDED, nominal), nominal, t);
            }
        };
    }
    wide_workload!("lstm_w64", LstmW64, 11, 64.0, 4.0);
    wide_workload!("lstm_w128", LstmW128, 12, 128.0, 4.0);
    wide_workload!("lstm_w256", LstmW256, 13, 256.0, 4.0);
    wide_workload!("gru_w128", GruW128, 14, 128.0, 3.0);

    // The convolutional workloads (`--workloads conv`): FLOPs are the products done (a window
    // only over real steps: valid padding everywhere here), 2 per multiply-add.
    let wanted_conv = |name: &str| {
        a.only
            .as_ref()
            .is_some_and(|o| o.iter().any(|w| w == name || w == "conv"))
    };
    let floats = |rows: usize, steps: usize, features: usize| {
        rnn_runtime::ndarray::Array3::from_shape_fn((rows, steps, features), |(r, t, f)| {
            ((r * 131 + t * 17 + f) as f32 * 0.37).sin()
        })
    };
    let conv =
        |steps: f64, taps: f64, input: f64, filters: f64| 2.0 * steps * taps * input * filters;
    if wanted_conv("conv_gru128") {
        // 240 -> Conv1D(5) 236 -> pool 78 -> Conv1D(5) 74 -> GRU(32) -> Dense(1).
        let m = ConvGru::random(15);
        let x = floats(128, 240, 14);
        let flops = 128.0
            * (conv(236.0, 5.0, 14.0, 32.0)
                + conv(74.0, 5.0, 32.0, 32.0)
                + 74.0 * 2.0 * 2.0 * (32.0 * 96.0)
                + 2.0 * 32.0);
        let t = median(budget, || {
            std::hint::black_box(m.predict(x.view()).unwrap());
        });
        report("conv_gru128", flops, flops, t);
    }
    if wanted_conv("conv_imdb128") {
        // 500 -> Conv1D(7) 494 -> pool 98 -> Conv1D(7) 92 -> max over time -> Dense(1).
        let m = ConvImdb::random(16);
        let rest = conv(92.0, 7.0, 32.0, 32.0) + 2.0 * 32.0;
        let nominal = 128.0 * (conv(494.0, 7.0, 128.0, 32.0) + rest);
        // Folded, the first convolution's taps are row lookups: one add per output and tap.
        let done = if ConvImdb::FOLDED {
            128.0 * (494.0 * 7.0 * 32.0 + rest)
        } else {
            nominal
        };
        let t = median(budget, || {
            run_predict(&m, &batch, |m, b| m.predict(b).unwrap());
        });
        report("conv_imdb128", done, nominal, t);
    }
    if wanted_conv("har128") {
        // 128 -> Conv1D(3) 126 -> Conv1D(3) 124 -> pool 62 -> LSTM(100) -> Dense(100) -> Dense(6).
        let m = Har::random(17);
        let x = floats(128, 128, 9);
        let flops = 128.0
            * (conv(126.0, 3.0, 9.0, 64.0)
                + conv(124.0, 3.0, 64.0, 64.0)
                + 62.0 * 2.0 * (64.0 * 400.0 + 100.0 * 400.0)
                + 2.0 * (100.0 * 100.0 + 100.0 * 6.0));
        let t = median(budget, || {
            std::hint::black_box(m.predict(x.view()).unwrap());
        });
        report("har128", flops, flops, t);
    }
    if wanted_conv("conv_step") {
        let m = ConvStep::random(18);
        let mut state = m.state();
        let xs: Vec<[f32; 1]> = (0..64).map(|t| [(t as f32 * 0.71).sin()]).collect();
        let flops = 2.0 * (3.0 * 8.0 + 2.0 * 8.0 * 24.0 + 8.0);
        let (secs, runs) = median(budget, || {
            for x in xs.iter().cycle().take(BLOCK) {
                std::hint::black_box(m.step(&mut state, std::hint::black_box(x)).unwrap());
            }
        });
        report("conv_step", flops, flops, (secs / BLOCK as f64, runs));
    }

    // bidir128: both directions of LSTM(32), each with its own folded table, then Dense(1) on
    // the 64 merged features: 128 x 500 -> (128, 1).
    if wanted("bidir128") {
        let bidi = ImdbBidi::random(8);
        let step = 2.0 * (32.0 * 32.0 * 4.0);
        let flops = 128.0 * (2.0 * 500.0 * step + 2.0 * 64.0);
        let nominal = 128.0 * (2.0 * 500.0 * 2.0 * step + 2.0 * 64.0);
        let timing = median(budget, || {
            run_predict(&bidi, &batch, |m, b| m.predict(b).unwrap());
        });
        report("bidir128", flops, nominal, timing);
    }
}
