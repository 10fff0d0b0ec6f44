//! One SimpleRNN step at many widths and group sizes, on each SIMD path: the table behind the
//! group sizes the macro picks (docs/PERFORMANCE.md). Prints nanoseconds per row per step.
//!
//! Run: `cargo run --release --example width_sweep`

use std::time::Instant;

use rnn_runtime::init::Rng;
use rnn_runtime::kernels::{Avx2, Avx512, MulAdd, Neon, Portable};
use rnn_runtime::layers::{Cell, Recurrent, SimpleRnn};
use rnn_runtime::simd::{Simd, available};
use rnn_runtime::{Activation, LayerInfo, LayerKind};

const fn info(units: usize) -> LayerInfo {
    LayerInfo {
        name: "simple_rnn",
        class: "SimpleRNN",
        output_shape: "",
        params: 0,
        kind: LayerKind::SimpleRnn {
            input: units,
            units,
            activation: Activation::Tanh,
            use_bias: true,
            return_sequences: true,
            go_backwards: false,
        },
    }
}

#[inline(always)]
fn steps<M: MulAdd, const U: usize, const G: usize>(
    m: M,
    cell: &SimpleRnn<U, U>,
    n: usize,
) -> [[f32; U]; G] {
    let mut h = [[0.1f32; U]; G];
    let x = [[0.2f32; U]; G];
    for _ in 0..n {
        let xs: [&[f32; U]; G] = std::array::from_fn(|g| &x[g]);
        cell.step_group::<M, G>(m, &xs, &mut h, [true; G]);
    }
    h
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
fn steps_avx512<const U: usize, const G: usize>(cell: &SimpleRnn<U, U>, n: usize) -> [[f32; U]; G] {
    // SAFETY: this function's target features are the CPU's (its caller checked).
    steps::<Avx512, U, G>(unsafe { Avx512::new_unchecked() }, cell, n)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn steps_avx2<const U: usize, const G: usize>(cell: &SimpleRnn<U, U>, n: usize) -> [[f32; U]; G] {
    // SAFETY: as above.
    steps::<Avx2, U, G>(unsafe { Avx2::new_unchecked() }, cell, n)
}

fn time<const U: usize, const G: usize>(path: Simd) -> f64 {
    let info = info(U);
    let cell = SimpleRnn::<U, U>::random(&info, &mut Rng::new(1));
    let run = |n| match path {
        // SAFETY: `available()` lists only paths whose features the CPU has.
        #[cfg(target_arch = "x86_64")]
        Simd::Avx512 => unsafe { steps_avx512::<U, G>(&cell, n) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        Simd::Avx2 => unsafe { steps_avx2::<U, G>(&cell, n) },
        Simd::Neon => steps::<Neon, U, G>(Neon::new().expect("listed by available()"), &cell, n),
        _ => steps::<Portable, U, G>(Portable, &cell, n),
    };
    std::hint::black_box(run(100));
    let n = 2000;
    let start = Instant::now();
    std::hint::black_box(run(n));
    start.elapsed().as_secs_f64() / n as f64 / G as f64 * 1e9
}

macro_rules! row {
    ($path:expr, $($u:literal),*) => {$(
        println!(
            "{:>7} U={:3}: G1 {:7.1}  G2 {:7.1}  G3 {:7.1}  G4 {:7.1}  G6 {:7.1}",
            format!("{:?}", $path), $u,
            time::<$u, 1>($path), time::<$u, 2>($path), time::<$u, 3>($path),
            time::<$u, 4>($path), time::<$u, 6>($path),
        );
    )*};
}

fn main() {
    println!("ns per row per SimpleRNN step (input width = units), by rows in lockstep G");
    for path in available().into_iter().rev() {
        row!(path, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 128);
    }
}
