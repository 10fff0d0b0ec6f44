//! The products of one wide step alone, without the gates: `out = init + x1 · w1 + x2 · w2`
//! for a group of G rows (an unfolded `LSTM(U)`: IN1 = IN2 = U, OUT = 4U), on the AVX-512 and
//! AVX2 paths, in GFLOP/s; the kernels' share of the wide workloads of `examples/bench`.
//!
//! Run: `cargo run --release --example wide_kernel`

use std::mem::MaybeUninit;
use std::time::Instant;

use rnn_runtime::kernels::{Avx2, Avx512, MulAdd};

fn fill(v: &mut [f32], seed: u32) {
    for (i, x) in v.iter_mut().enumerate() {
        *x = ((i as u32).wrapping_mul(2654435761).wrapping_add(seed) % 1000) as f32 / 1000.0 - 0.5;
    }
}

#[inline(always)]
fn run<M: MulAdd, const G: usize, const U: usize, const U4: usize>(
    m: M,
    x: &[[f32; U]; G],
    w1: &[[f32; U4]; U],
    w2: &[[f32; U4]; U],
    init: &[[f32; U4]; G],
    out: &mut MaybeUninit<[[f32; U4]; G]>,
    n: usize,
) {
    let xs: [&[f32; U]; G] = std::array::from_fn(|g| &x[g]);
    let is: [&[f32; U4]; G] = std::array::from_fn(|g| &init[g]);
    for _ in 0..n {
        std::hint::black_box(m.matvec2_group_init::<G, U, U, U4>(&xs, w1, &xs, w2, &is, out));
    }
}

#[target_feature(enable = "avx512f,avx2,fma")]
fn run512<const G: usize, const U: usize, const U4: usize>(
    x: &[[f32; U]; G],
    w1: &[[f32; U4]; U],
    w2: &[[f32; U4]; U],
    init: &[[f32; U4]; G],
    out: &mut MaybeUninit<[[f32; U4]; G]>,
    n: usize,
) {
    run(Avx512::new().unwrap(), x, w1, w2, init, out, n)
}

#[target_feature(enable = "avx2,fma")]
fn run256<const G: usize, const U: usize, const U4: usize>(
    x: &[[f32; U]; G],
    w1: &[[f32; U4]; U],
    w2: &[[f32; U4]; U],
    init: &[[f32; U4]; G],
    out: &mut MaybeUninit<[[f32; U4]; G]>,
    n: usize,
) {
    run(Avx2::new().unwrap(), x, w1, w2, init, out, n)
}

fn case<const G: usize, const U: usize, const U4: usize>() {
    let mut x = Box::new([[0.0f32; U]; G]);
    let mut w1 = Box::new([[0.0f32; U4]; U]);
    let mut w2 = Box::new([[0.0f32; U4]; U]);
    let mut init = Box::new([[0.0f32; U4]; G]);
    fill(x.as_flattened_mut(), 1);
    fill(w1.as_flattened_mut(), 2);
    fill(w2.as_flattened_mut(), 3);
    fill(init.as_flattened_mut(), 4);
    let mut out = Box::new(MaybeUninit::uninit());
    let flops = (2 * G * 2 * U * U4) as f64;
    for (name, f) in [
        (
            "avx512",
            run512::<G, U, U4> as unsafe fn(&_, &_, &_, &_, &mut _, usize),
        ),
        ("avx2", run256::<G, U, U4>),
    ] {
        if (name == "avx512" && Avx512::new().is_none()) || Avx2::new().is_none() {
            continue;
        }
        let n = (2e9 / flops).max(1.0) as usize;
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            // SAFETY: the path's features are checked above.
            unsafe { f(&x, &w1, &w2, &init, &mut out, n) };
            best = best.min(t.elapsed().as_secs_f64() / n as f64);
        }
        println!(
            "{name:7} G = {G:2}, U = {U:3}: {:6.1} GFLOP/s",
            flops / best / 1e9
        );
    }
}

fn main() {
    case::<6, 64, 256>();
    case::<32, 64, 256>();
    case::<6, 128, 512>();
    case::<32, 128, 512>();
    case::<32, 256, 1024>();
    case::<36, 128, 512>();
    case::<12, 128, 512>();
    case::<64, 64, 256>();
}
