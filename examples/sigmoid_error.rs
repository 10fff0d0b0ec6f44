//! Measures the largest error of `kernels::exp_fast`, `kernels::sigmoid_fast` and
//! `kernels::gate_sigmoid_fast` (the LSTM and GRU gates' sigmoid) (and their
//! intrinsics versions on AVX2, AVX-512 and NEON) over every finite f32, against f64 exp and
//! `1 / (1 + e^-x)` in f64 (not rounded), for each code path the CPU has.
//!
//! exp: the largest relative error where e^x is a normal f32; where it is subnormal, the
//! largest absolute error (in units of the smallest subnormal, 2^-149, the spacing there); and
//! the count of inputs where e^x rounds to inf (or to a finite value) and the result does not.
//! sigmoid and the gate sigmoid: the largest absolute error. exp and sigmoid also in ulp against the f64 value rounded once,
//! where that is a normal f32 (below about -87.3 sigmoid is subnormal, and 0 below -88.7, where
//! e^-x overflows: absolute errors under 1.2e-38 that count as millions of ulp).
//!
//! Run: `cargo run --release --example sigmoid_error` (all f32s, both threads; about a minute
//! per path).

use rnn_runtime::kernels::{Avx2, Avx512, MulAdd, Neon, Portable};

const BLOCK: usize = 1024;

/// exp and sigmoid of a block as the layers compute them on each path.
#[inline(always)]
fn block<M: MulAdd>(m: M, [exp, sig, gate]: [&mut [f32; BLOCK]; 3]) {
    for chunk in exp.chunks_mut(32) {
        m.exp_in_place(chunk);
    }
    for chunk in sig.chunks_mut(32) {
        m.sigmoid_in_place(chunk);
    }
    for chunk in gate.chunks_mut(32) {
        m.gate_sigmoid_in_place(chunk);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn block_avx2(out: [&mut [f32; BLOCK]; 3]) {
    // SAFETY: this function's target features are the CPU's (its caller checked).
    block(unsafe { Avx2::new_unchecked() }, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
fn block_avx512(out: [&mut [f32; BLOCK]; 3]) {
    // SAFETY: as above.
    block(unsafe { Avx512::new_unchecked() }, out)
}

type Path = (&'static str, fn([&mut [f32; BLOCK]; 3]));

#[derive(Clone, Copy, Default)]
struct Worst {
    exp_rel: (f64, f32),
    exp_ulp: (u32, f32),
    exp_subnormal: (f64, f32),
    exp_saturation_misses: u64,
    sig_abs: (f64, f32),
    sig_ulp: (u32, f32),
    gate_abs: (f64, f32),
}

fn ulps(a: f32, b: f32) -> u32 {
    if a == b {
        0
    } else if a.signum() != b.signum() {
        u32::MAX
    } else {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
    }
}

fn keep<T: PartialOrd>(w: &mut (T, f32), v: T, x: f32) {
    if v > w.0 {
        *w = (v, x);
    }
}

impl Worst {
    fn merge(&mut self, o: &Worst) {
        keep(&mut self.exp_rel, o.exp_rel.0, o.exp_rel.1);
        keep(&mut self.exp_ulp, o.exp_ulp.0, o.exp_ulp.1);
        keep(
            &mut self.exp_subnormal,
            o.exp_subnormal.0,
            o.exp_subnormal.1,
        );
        self.exp_saturation_misses += o.exp_saturation_misses;
        keep(&mut self.sig_abs, o.sig_abs.0, o.sig_abs.1);
        keep(&mut self.sig_ulp, o.sig_ulp.0, o.sig_ulp.1);
        keep(&mut self.gate_abs, o.gate_abs.0, o.gate_abs.1);
    }
}

/// All f32s whose top 22 bits are in `his`, through every path.
fn sweep(paths: &[Path], his: std::ops::Range<u64>) -> Vec<Worst> {
    let mut worst = vec![Worst::default(); paths.len()];
    let (mut xs, mut e64, mut s64) = ([0.0f32; BLOCK], [0.0f64; BLOCK], [0.0f64; BLOCK]);
    for hi in his {
        for (i, v) in xs.iter_mut().enumerate() {
            *v = f32::from_bits(((hi << 10) | i as u64) as u32);
            let e = (*v as f64).exp();
            e64[i] = e;
            s64[i] = if e.is_infinite() { 1.0 } else { e / (e + 1.0) };
        }
        for ((_, f), w) in paths.iter().zip(worst.iter_mut()) {
            let (mut exp, mut sig, mut gate) = (xs, xs, xs);
            f([&mut exp, &mut sig, &mut gate]);
            for i in 0..BLOCK {
                let x = xs[i];
                if !x.is_finite() {
                    continue;
                }
                let (want, y) = (e64[i], exp[i]);
                let rounded = want as f32;
                if rounded.is_infinite() != y.is_infinite() {
                    w.exp_saturation_misses += 1;
                } else if want < f32::MIN_POSITIVE as f64 {
                    keep(
                        &mut w.exp_subnormal,
                        (y as f64 - want).abs() / 2f64.powi(-149),
                        x,
                    );
                } else if rounded.is_finite() {
                    keep(&mut w.exp_rel, (y as f64 - want).abs() / want, x);
                    keep(&mut w.exp_ulp, ulps(y, rounded), x);
                }
                let (want, y) = (s64[i], sig[i]);
                keep(&mut w.sig_abs, (y as f64 - want).abs(), x);
                keep(&mut w.gate_abs, (gate[i] as f64 - want).abs(), x);
                if want >= f32::MIN_POSITIVE as f64 {
                    keep(&mut w.sig_ulp, ulps(y, want as f32), x);
                }
            }
        }
    }
    worst
}

fn main() {
    let mut paths: Vec<Path> = vec![("portable", |out| block(Portable, out))];
    #[cfg(target_arch = "x86_64")]
    {
        use rnn_runtime::simd::{Simd, detected};
        if detected() != Simd::Portable {
            // SAFETY: AVX2 and FMA are present (checked above).
            paths.push(("avx2", |out| unsafe { block_avx2(out) }));
        }
        if detected() == Simd::Avx512 {
            // SAFETY: AVX-512F is present (checked above).
            paths.push(("avx512", |out| unsafe { block_avx512(out) }));
        }
    }
    // NEON: part of an aarch64 target, no target feature to enable.
    if Neon::new().is_some() {
        paths.push(("neon", |out| {
            block(Neon::new().expect("checked above"), out)
        }));
    }
    let all = 1u64 << 22;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let per = all.div_ceil(threads);
    let parts: Vec<Vec<Worst>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let paths = &paths;
                s.spawn(move || sweep(paths, (t * per).min(all)..((t + 1) * per).min(all)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (p, (name, _)) in paths.iter().enumerate() {
        let mut w = Worst::default();
        parts.iter().for_each(|part| w.merge(&part[p]));
        println!(
            "{{\"path\": \"{name}\", \"exp_max_rel_error\": {:e}, \"at\": {:e}, \"exp_max_ulp\": {}, \"ulp_at\": {:e}, \"exp_subnormal_max_error_in_2^-149\": {:.3}, \"at\": {:e}, \"exp_saturation_misses\": {}, \"sigmoid_max_abs_error\": {:e}, \"at\": {:e}, \"sigmoid_max_ulp\": {}, \"ulp_at\": {:e}, \"gate_sigmoid_max_abs_error\": {:e}, \"at\": {:e}}}",
            w.exp_rel.0,
            w.exp_rel.1,
            w.exp_ulp.0,
            w.exp_ulp.1,
            w.exp_subnormal.0,
            w.exp_subnormal.1,
            w.exp_saturation_misses,
            w.sig_abs.0,
            w.sig_abs.1,
            w.sig_ulp.0,
            w.sig_ulp.1,
            w.gate_abs.0,
            w.gate_abs.1,
        );
    }
}
