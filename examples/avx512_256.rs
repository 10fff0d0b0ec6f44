//! AVX-512 at 256 bits against the AVX2 and AVX-512 paths: each kernel timed alone, single
//! thread, at the shapes the workloads of `examples/bench` run: one row's products (seed's
//! SimpleRNN(64), imdb1's folded SimpleRNN(32), an LSTM's and a GRU's two products at 32, 64
//! and 128 units), one row's fused LSTM and GRU steps (folded, as after an embedding, and with
//! an input product, as a streaming step), groups of 6 rows at 32 units (GRU(32)'s 96 gate
//! columns end in a partly masked 512-bit tile; LSTM(32)'s 128 do not) and wide groups of 64
//! rows. Each kernel set runs through its token's `MulAdd` inside a `#[target_feature]`
//! function, as a model's generated `__run_*` does: `avx2` (the AVX2 path: one row's products
//! are the portable body there), `avx512` (the AVX-512 path) and `avx512_256` (`Avx512At256`,
//! the template at 256 bits in AVX-512's 32 registers). Every round times each set once, in
//! turn; the table gives each set's median over the rounds, in nanoseconds per call
//! (docs/PERFORMANCE.md, "AVX-512 at 256 bits").
//!
//! Run: `cargo build --release --example avx512_256`, then (nothing else running on the core)
//! `taskset -c 1 target/release/examples/avx512_256 [--json] [--rounds N] [--ms M]`.

use std::mem::MaybeUninit;
use std::time::Instant;

use rnn_runtime::kernels::{Avx2, Avx512, Avx512At256, MulAdd};

/// A heap value of f32s, every one filled from `seed`.
fn filled<T>(seed: u32) -> Box<T> {
    // SAFETY: every `T` here is an array of f32 (of arrays of f32), for which zero bytes are a
    // value; the slice covers exactly its bytes.
    let mut b: Box<T> = unsafe { Box::<T>::new_zeroed().assume_init() };
    let floats = unsafe {
        std::slice::from_raw_parts_mut((&mut *b as *mut T).cast::<f32>(), size_of::<T>() / 4)
    };
    for (i, x) in floats.iter_mut().enumerate() {
        *x = ((i as u32).wrapping_mul(2_654_435_761).wrapping_add(seed) % 1000) as f32 / 2000.0
            - 0.25;
    }
    b
}

/// One call of a kernel, repeated by the timing loop.
trait Work {
    fn call<M: MulAdd>(&mut self, m: M);
}

/// `out[g] = init[g] + x1[g] · w1 + x2[g] · w2` for G rows (`matvec2_group_init`, as a layer's
/// step calls it).
struct Products<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize> {
    x1: Box<[[f32; IN1]; G]>,
    x2: Box<[[f32; IN2]; G]>,
    w1: Box<[[f32; OUT]; IN1]>,
    w2: Box<[[f32; OUT]; IN2]>,
    init: Box<[[f32; OUT]; G]>,
    out: Box<MaybeUninit<[[f32; OUT]; G]>>,
}

impl<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>
    Products<G, IN1, IN2, OUT>
{
    fn new() -> Self {
        Products {
            x1: filled(1),
            x2: filled(2),
            w1: filled(3),
            w2: filled(4),
            init: filled(5),
            out: Box::new(MaybeUninit::uninit()),
        }
    }
}

impl<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize> Work
    for Products<G, IN1, IN2, OUT>
{
    #[inline(always)]
    fn call<M: MulAdd>(&mut self, m: M) {
        let x1: [&[f32; IN1]; G] = std::array::from_fn(|g| &self.x1[g]);
        let x2: [&[f32; IN2]; G] = std::array::from_fn(|g| &self.x2[g]);
        let init: [&[f32; OUT]; G] = std::array::from_fn(|g| &self.init[g]);
        std::hint::black_box(m.matvec2_group_init::<G, IN1, IN2, OUT>(
            &x1,
            &self.w1,
            &x2,
            &self.w2,
            &init,
            &mut self.out,
        ));
    }
}

/// One row's LSTM step (`lstm_row`), the state carried from call to call as in a sequence.
struct LstmRow<const IN: usize, const U: usize, const U4: usize> {
    x: Box<[f32; IN]>,
    kernel: Box<[[f32; U4]; IN]>,
    recurrent: Box<[[f32; U4]; U]>,
    z0: Box<[f32; U4]>,
    h: Box<[f32; U]>,
    c: Box<[f32; U]>,
    h_out: Box<[f32; U]>,
}

impl<const IN: usize, const U: usize, const U4: usize> LstmRow<IN, U, U4> {
    fn new() -> Self {
        LstmRow {
            x: filled(1),
            kernel: filled(2),
            recurrent: filled(3),
            z0: filled(4),
            h: filled(5),
            c: filled(6),
            h_out: filled(7),
        }
    }
}

impl<const IN: usize, const U: usize, const U4: usize> Work for LstmRow<IN, U, U4> {
    #[inline(always)]
    fn call<M: MulAdd>(&mut self, m: M) {
        m.lstm_row::<IN, U, U4>(
            &self.x,
            &self.kernel,
            &self.h,
            &self.recurrent,
            &self.z0,
            &mut self.c,
            &mut self.h_out,
        );
        std::mem::swap(&mut self.h, &mut self.h_out);
    }
}

/// One row's GRU step (`gru_row`), the state carried as for [`LstmRow`].
struct GruRow<const IN: usize, const U: usize, const U3: usize> {
    x: Box<[f32; IN]>,
    kernel: Box<[[f32; U3]; IN]>,
    recurrent: Box<[[f32; U3]; U]>,
    a0: Box<[f32; U3]>,
    b_rec: Box<[f32; U3]>,
    h: Box<[f32; U]>,
    h_out: Box<[f32; U]>,
}

impl<const IN: usize, const U: usize, const U3: usize> GruRow<IN, U, U3> {
    fn new() -> Self {
        GruRow {
            x: filled(1),
            kernel: filled(2),
            recurrent: filled(3),
            a0: filled(4),
            b_rec: filled(5),
            h: filled(6),
            h_out: filled(7),
        }
    }
}

impl<const IN: usize, const U: usize, const U3: usize> Work for GruRow<IN, U, U3> {
    #[inline(always)]
    fn call<M: MulAdd>(&mut self, m: M) {
        m.gru_row::<IN, U, U3>(
            &self.x,
            &self.kernel,
            &self.h,
            &self.recurrent,
            &self.a0,
            &self.b_rec,
            &mut self.h_out,
        );
        std::mem::swap(&mut self.h, &mut self.h_out);
    }
}

#[inline(always)]
fn repeat<M: MulAdd, W: Work>(m: M, w: &mut W, n: usize) {
    for _ in 0..n {
        w.call(m);
    }
}

// Each set inside its own `#[target_feature]` function, as the generated `__run_avx2` and
// `__run_avx512` (the kernels inline into the loop).
#[target_feature(enable = "avx2,fma")]
fn run_avx2<W: Work>(w: &mut W, n: usize) {
    if let Some(m) = Avx2::new() {
        repeat(m, w, n)
    }
}

#[target_feature(enable = "avx512f,avx2,fma")]
fn run_avx512<W: Work>(w: &mut W, n: usize) {
    if let Some(m) = Avx512::new() {
        repeat(m, w, n)
    }
}

#[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
fn run_avx512_256<W: Work>(w: &mut W, n: usize) {
    if let Some(m) = Avx512At256::new() {
        repeat(m, w, n)
    }
}

struct Options {
    json: bool,
    rounds: usize,
    /// Milliseconds per timed run.
    ms: f64,
}

const SETS: [&str; 3] = ["avx2", "avx512", "avx512_256"];

impl Options {
    /// Times `w` on each kernel set: the median and the least of `rounds` runs, ns per call.
    fn time<W: Work>(&self, name: &str, mut w: W) {
        let available = [
            Avx2::new().is_some(),
            Avx512::new().is_some(),
            Avx512At256::new().is_some(),
        ];
        let run = |set: usize, w: &mut W, n: usize| {
            // SAFETY: each function runs its set only when the CPU has it (`new`).
            unsafe {
                match set {
                    0 => run_avx2(w, n),
                    1 => run_avx512(w, n),
                    _ => run_avx512_256(w, n),
                }
            }
        };
        // Calls per run: from a first timing on AVX2 (warming the caches and the clock too).
        let mut n = 16;
        loop {
            let t = Instant::now();
            run(0, &mut w, n);
            let s = t.elapsed().as_secs_f64();
            if s > self.ms * 1e-3 / 4.0 {
                n = ((n as f64) * self.ms * 1e-3 / s).max(1.0) as usize;
                break;
            }
            n *= 4;
        }
        let mut per_call: [Vec<f64>; 3] = Default::default();
        for round in 0..self.rounds {
            for k in 0..3 {
                // A different set first each round.
                let set = (k + round) % 3;
                if !available[set] {
                    continue;
                }
                let t = Instant::now();
                run(set, &mut w, n);
                per_call[set].push(t.elapsed().as_secs_f64() / n as f64 * 1e9);
            }
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
        };
        let mut medians = [0.0; 3];
        for set in 0..3 {
            medians[set] = median(&mut per_call[set]);
            if self.json
                && let Some(least) = per_call[set].first()
            {
                println!(
                    "{{\"case\": \"{name}\", \"set\": \"{}\", \"ns\": {:.2}, \"min_ns\": {least:.2}, \"runs\": {}, \"calls\": {n}}}",
                    SETS[set],
                    medians[set],
                    per_call[set].len()
                );
            }
        }
        if !self.json {
            let best = (0..3)
                .filter(|s| available[*s])
                .min_by(|a, b| medians[*a].total_cmp(&medians[*b]))
                .map_or("-", |s| SETS[s]);
            println!(
                "{name:34} {:9.1} {:9.1} {:11.1}   {:>10}   {:5.2} {:5.2}",
                medians[0],
                medians[1],
                medians[2],
                best,
                medians[2] / medians[0],
                medians[2] / medians[1],
            );
        }
    }
}

fn main() {
    let mut o = Options {
        json: false,
        rounds: 7,
        ms: 15.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => o.json = true,
            "--rounds" => o.rounds = args.next().and_then(|v| v.parse().ok()).expect("N"),
            "--ms" => o.ms = args.next().and_then(|v| v.parse().ok()).expect("M"),
            _ => panic!("unknown argument {a} (--json, --rounds N, --ms M)"),
        }
    }
    if !o.json {
        println!(
            "{:34} {:>9} {:>9} {:>11}   {:>10}   {:>5} {:>5}",
            "ns per call (median)", "avx2", "avx512", "avx512_256", "fastest", "/avx2", "/512"
        );
    }
    // One row's products: seed (SimpleRNN(64) on 32 features), imdb1 (SimpleRNN(32) after an
    // embedding: folded), an LSTM's and a GRU's two products.
    o.time("row seed 32+64 -> 64", Products::<1, 32, 64, 64>::new());
    o.time("row imdb1 0+32 -> 32", Products::<1, 0, 32, 32>::new());
    o.time("row lstm 32+32 -> 128", Products::<1, 32, 32, 128>::new());
    o.time("row lstm 64+64 -> 256", Products::<1, 64, 64, 256>::new());
    o.time(
        "row lstm 128+128 -> 512",
        Products::<1, 128, 128, 512>::new(),
    );
    o.time("row gru 32+32 -> 96", Products::<1, 32, 32, 96>::new());
    o.time("row gru 64+64 -> 192", Products::<1, 64, 64, 192>::new());
    o.time(
        "row gru 128+128 -> 384",
        Products::<1, 128, 128, 384>::new(),
    );
    // One row's fused steps: folded (lstm1, gru1) and with an input product (lstm_step,
    // gru_step).
    o.time("lstm_row U=32 folded", LstmRow::<0, 32, 128>::new());
    o.time("lstm_row U=64 folded", LstmRow::<0, 64, 256>::new());
    o.time("lstm_row U=128 folded", LstmRow::<0, 128, 512>::new());
    o.time("lstm_row U=32 IN=32", LstmRow::<32, 32, 128>::new());
    o.time("lstm_row U=64 IN=64", LstmRow::<64, 64, 256>::new());
    o.time("lstm_row U=128 IN=128", LstmRow::<128, 128, 512>::new());
    o.time("gru_row U=32 folded", GruRow::<0, 32, 96>::new());
    o.time("gru_row U=64 folded", GruRow::<0, 64, 192>::new());
    o.time("gru_row U=128 folded", GruRow::<0, 128, 384>::new());
    o.time("gru_row U=32 IN=32", GruRow::<32, 32, 96>::new());
    o.time("gru_row U=64 IN=64", GruRow::<64, 64, 192>::new());
    o.time("gru_row U=128 IN=128", GruRow::<128, 128, 384>::new());
    // Groups of 6 rows at 32 units (lstm128, gru128, bidir128): folded and not.
    o.time("6 rows gru 0+32 -> 96", Products::<6, 0, 32, 96>::new());
    o.time("6 rows gru 32+32 -> 96", Products::<6, 32, 32, 96>::new());
    o.time("6 rows lstm 0+32 -> 128", Products::<6, 0, 32, 128>::new());
    o.time(
        "6 rows lstm 32+32 -> 128",
        Products::<6, 32, 32, 128>::new(),
    );
    // Wide groups of 64 rows (the width sweep's LSTM(64/128/256) and GRU(128), folded).
    o.time(
        "64 rows lstm 0+64 -> 256",
        Products::<64, 0, 64, 256>::new(),
    );
    o.time(
        "64 rows lstm 0+128 -> 512",
        Products::<64, 0, 128, 512>::new(),
    );
    o.time(
        "64 rows lstm 0+256 -> 1024",
        Products::<64, 0, 256, 1024>::new(),
    );
    o.time(
        "64 rows gru 0+128 -> 384",
        Products::<64, 0, 128, 384>::new(),
    );
}
