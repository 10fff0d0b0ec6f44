//! Measures the largest error of the rational tanh (`kernels::tanh_fast`, and the AVX-512
//! version with a refined reciprocal) over every finite f32,
//! against f64 tanh rounded to f32, for each code path the CPU has.
//!
//! Run: `cargo run --release --example tanh_error` (about a minute per path).

use rnn_runtime::kernels::{Avx2, Avx512, MulAdd, Neon, Portable, tanh_reference};

/// Applies tanh to a block as the layers do on each path (vectorised under its features).
#[inline(always)]
fn block<M: MulAdd>(m: M, xs: &mut [f32; 1024]) {
    for chunk in xs.chunks_mut(32) {
        m.tanh_in_place(chunk);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn block_avx2(xs: &mut [f32; 1024]) {
    // SAFETY: this function's target features are the CPU's (its caller checked).
    block(unsafe { Avx2::new_unchecked() }, xs)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
fn block_avx512(xs: &mut [f32; 1024]) {
    // SAFETY: as above.
    block(unsafe { Avx512::new_unchecked() }, xs)
}

fn sweep(name: &str, f: impl Fn(&mut [f32; 1024])) {
    let (mut worst_abs, mut at_abs) = (0.0f64, 0.0f32);
    let (mut worst_ulp, mut at_ulp) = (0u32, 0.0f32);
    let mut buf = [0.0f32; 1024];
    for hi in 0..(1u64 << 22) {
        for (i, v) in buf.iter_mut().enumerate() {
            *v = f32::from_bits(((hi << 10) | i as u64) as u32);
        }
        let xs = buf;
        f(&mut buf);
        for (x, y) in xs.iter().zip(&buf) {
            if !x.is_finite() {
                continue;
            }
            let r = tanh_reference(*x);
            let abs = (*y as f64 - r as f64).abs();
            if abs > worst_abs {
                (worst_abs, at_abs) = (abs, *x);
            }
            let ulp = (y.to_bits() as i64 - r.to_bits() as i64).unsigned_abs() as u32;
            if ulp > worst_ulp && y.signum() == r.signum() {
                (worst_ulp, at_ulp) = (ulp, *x);
            }
        }
    }
    println!(
        "{{\"path\": \"{name}\", \"max_abs_error\": {worst_abs:e}, \"at\": {at_abs:e}, \"max_ulp\": {worst_ulp}, \"ulp_at\": {at_ulp:e}}}"
    );
}

fn main() {
    sweep("portable", |xs| block(Portable, xs));
    #[cfg(target_arch = "x86_64")]
    {
        use rnn_runtime::simd::{Simd, detected};
        if detected() != Simd::Portable {
            // SAFETY: AVX2 and FMA are present (checked above).
            sweep("avx2", |b| unsafe { block_avx2(b) });
        }
        if detected() == Simd::Avx512 {
            // SAFETY: AVX-512F is present (checked above).
            sweep("avx512", |b| unsafe { block_avx512(b) });
        }
    }
    // NEON: part of an aarch64 target, no target feature to enable.
    if let Some(neon) = Neon::new() {
        sweep("neon", |b| block(neon, b));
    }
}
