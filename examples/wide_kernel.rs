//! The products of one wide step alone, without the gates, for a group of G rows of an
//! `LSTM(U)` (4U columns): unfolded, `init + x · kernel + h · recurrent` (two products of U
//! inputs), and folded, `init + h · recurrent` (one); on the AVX-512 and AVX2 paths, in
//! GFLOP/s: the kernels' share of the wide workloads of `examples/bench`
//! (docs/PERFORMANCE.md, "Wide layers").
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

struct Data<const G: usize, const U: usize, const U4: usize> {
    x: Box<[[f32; U]; G]>,
    w1: Box<[[f32; U4]; U]>,
    w2: Box<[[f32; U4]; U]>,
    init: Box<[[f32; U4]; G]>,
    out: Box<MaybeUninit<[[f32; U4]; G]>>,
}

#[inline(always)]
fn run<M: MulAdd, const FOLDED: bool, const G: usize, const U: usize, const U4: usize>(
    m: M,
    d: &mut Data<G, U, U4>,
    n: usize,
) {
    let xs: [&[f32; U]; G] = std::array::from_fn(|g| &d.x[g]);
    let is: [&[f32; U4]; G] = std::array::from_fn(|g| &d.init[g]);
    for _ in 0..n {
        if FOLDED {
            std::hint::black_box(m.matvec_group_init::<G, U, U4>(&xs, &d.w2, &is, &mut d.out));
        } else {
            std::hint::black_box(
                m.matvec2_group_init::<G, U, U, U4>(&xs, &d.w1, &xs, &d.w2, &is, &mut d.out),
            );
        }
    }
}

#[target_feature(enable = "avx512f,avx2,fma")]
fn run512<const F: bool, const G: usize, const U: usize, const U4: usize>(
    d: &mut Data<G, U, U4>,
    n: usize,
) {
    if let Some(m) = Avx512::new() {
        run::<_, F, G, U, U4>(m, d, n)
    }
}

#[target_feature(enable = "avx2,fma")]
fn run256<const F: bool, const G: usize, const U: usize, const U4: usize>(
    d: &mut Data<G, U, U4>,
    n: usize,
) {
    if let Some(m) = Avx2::new() {
        run::<_, F, G, U, U4>(m, d, n)
    }
}

fn case<const F: bool, const G: usize, const U: usize, const U4: usize>() {
    let mut d = Data::<G, U, U4> {
        x: Box::new([[0.0; U]; G]),
        w1: Box::new([[0.0; U4]; U]),
        w2: Box::new([[0.0; U4]; U]),
        init: Box::new([[0.0; U4]; G]),
        out: Box::new(MaybeUninit::uninit()),
    };
    fill(d.x.as_flattened_mut(), 1);
    fill(d.w1.as_flattened_mut(), 2);
    fill(d.w2.as_flattened_mut(), 3);
    fill(d.init.as_flattened_mut(), 4);
    let products = if F { 1 } else { 2 };
    let flops = (2 * G * products * U * U4) as f64;
    let paths = [
        (
            "avx512",
            Avx512::new().is_some(),
            run512::<F, G, U, U4> as unsafe fn(&mut _, usize),
        ),
        ("avx2", Avx2::new().is_some(), run256::<F, G, U, U4>),
    ];
    for (name, available, f) in paths {
        if !available {
            continue;
        }
        let n = (2e9 / flops).max(1.0) as usize;
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            // SAFETY: each function runs its path only when the CPU has it (`new`).
            unsafe { f(&mut d, n) };
            best = best.min(t.elapsed().as_secs_f64() / n as f64);
        }
        let kind = if F { "folded" } else { "unfolded" };
        println!(
            "{name:7} {kind:8} G = {G:2}, U = {U:3}: {:6.1} GFLOP/s",
            flops / best / 1e9
        );
    }
}

fn main() {
    case::<false, 6, 64, 256>();
    case::<false, 32, 64, 256>();
    case::<false, 32, 128, 512>();
    case::<false, 32, 256, 1024>();
    case::<true, 6, 128, 512>();
    case::<true, 32, 64, 256>();
    case::<true, 32, 128, 512>();
    case::<true, 32, 256, 1024>();
}
