//! Kernel benchmarks (divan): the fast kernels beside their scalar references, and one
//! SimpleRNN step, on every SIMD tier this CPU has.
//!
//! Run: `cargo bench --bench kernels`

use rnn_runtime::kernels::{
    Avx2, Avx512, MulAdd, Portable, matvec_acc, matvec_acc_group, matvec_acc_reference,
    sigmoid_fast, sigmoid_reference, tanh_fast, tanh_reference,
};
use rnn_runtime::rnn_model;

fn main() {
    divan::main();
}

fn data<const N: usize>(seed: u32) -> [f32; N] {
    std::array::from_fn(|i| {
        (((i as u32).wrapping_mul(2_654_435_761) ^ seed) % 1000) as f32 / 500.0 - 1.0
    })
}

#[divan::bench(consts = [32, 64])]
fn matvec_separate<const U: usize>(b: divan::Bencher) {
    let x = data::<U>(1);
    let w: Box<[[f32; U]; U]> = Box::new(std::array::from_fn(|i| data::<U>(i as u32)));
    b.bench(|| {
        let mut acc = [0.0f32; U];
        matvec_acc::<Portable, U, U>(divan::black_box(&x), &w, &mut acc);
        acc
    });
}

#[cfg(target_arch = "x86_64")]
#[divan::bench(consts = [32, 64])]
fn matvec_fused_avx2<const U: usize>(b: divan::Bencher) {
    let x = data::<U>(1);
    let w: Box<[[f32; U]; U]> = Box::new(std::array::from_fn(|i| data::<U>(i as u32)));
    #[target_feature(enable = "avx2,fma")]
    fn run<const U: usize>(x: &[f32; U], w: &[[f32; U]; U]) -> [f32; U] {
        let mut acc = [0.0f32; U];
        matvec_acc::<Avx2, U, U>(x, w, &mut acc);
        acc
    }
    if rnn_runtime::simd::detected() == rnn_runtime::simd::Simd::Portable {
        return;
    }
    // SAFETY: AVX2 and FMA are present (checked above).
    b.bench(|| unsafe { run::<U>(divan::black_box(&x), &w) });
}

#[cfg(target_arch = "x86_64")]
#[divan::bench(consts = [32, 64])]
fn matvec_group6_avx512<const U: usize>(b: divan::Bencher) {
    let xs: [[f32; U]; 6] = std::array::from_fn(|g| data::<U>(g as u32));
    let w: Box<[[f32; U]; U]> = Box::new(std::array::from_fn(|i| data::<U>(i as u32)));
    #[target_feature(enable = "avx512f,avx2,fma")]
    fn run<const U: usize>(xs: &[[f32; U]; 6], w: &[[f32; U]; U]) -> [[f32; U]; 6] {
        let mut acc = [[0.0f32; U]; 6];
        let x: [&[f32; U]; 6] = std::array::from_fn(|g| &xs[g]);
        // SAFETY: this function's target features are the CPU's (checked by the caller).
        let m = unsafe { Avx512::new_unchecked() };
        matvec_acc_group::<Avx512, 6, U, U>(m, &x, w, &mut acc);
        acc
    }
    if rnn_runtime::simd::detected() != rnn_runtime::simd::Simd::Avx512 {
        return;
    }
    // SAFETY: AVX-512F, AVX2 and FMA are present (checked above).
    b.bench(|| unsafe { run::<U>(divan::black_box(&xs), &w) });
}

#[divan::bench(consts = [32, 64])]
fn matvec_reference<const U: usize>(b: divan::Bencher) {
    let x = data::<U>(1);
    let w: Vec<f32> = (0..U).flat_map(|i| data::<U>(i as u32)).collect();
    b.bench(|| {
        let mut acc = [0.0f32; U];
        matvec_acc_reference(divan::black_box(&x), &w, U, &mut acc);
        acc
    });
}

#[divan::bench]
fn tanh_fast_64(b: divan::Bencher) {
    let x = data::<64>(3).map(|v| v * 4.0);
    b.bench(|| divan::black_box(x).map(tanh_fast));
}

#[divan::bench]
fn tanh_reference_64(b: divan::Bencher) {
    let x = data::<64>(3).map(|v| v * 4.0);
    b.bench(|| divan::black_box(x).map(tanh_reference));
}

#[divan::bench]
fn tanh_std_64(b: divan::Bencher) {
    let x = data::<64>(3).map(|v| v * 4.0);
    b.bench(|| divan::black_box(x).map(f32::tanh));
}

/// Sigmoid inputs: 128 values in [-8, 8], as LSTM/GRU gates see them.
fn gates() -> [f32; 128] {
    data::<128>(7).map(|v| v * 8.0)
}

/// `sigmoid_fast` elementwise: what LLVM's vectoriser makes of the portable function.
#[inline(always)]
fn sigmoid_portable(z: &mut [f32; 128]) {
    z.iter_mut().for_each(|v| *v = sigmoid_fast(*v));
}

#[divan::bench]
fn sigmoid_128_reference(b: divan::Bencher) {
    let x = gates();
    b.bench(|| divan::black_box(x).map(sigmoid_reference));
}

/// f32 `1 / (1 + exp(-x))` with std's (libm's) exp: what `Activation::Sigmoid` computed before.
#[divan::bench]
fn sigmoid_128_libm(b: divan::Bencher) {
    let x = gates();
    b.bench(|| divan::black_box(x).map(|v| 1.0 / (1.0 + (-v).exp())));
}

/// The portable path (`Portable`), baseline x86-64 (SSE2).
#[divan::bench]
fn sigmoid_128_portable(b: divan::Bencher) {
    let x = gates();
    b.bench(|| {
        let mut z = divan::black_box(x);
        Portable.sigmoid_in_place(&mut z);
        z
    });
}

/// The portable function compiled for AVX2+FMA (LLVM's vectorisation).
#[cfg(target_arch = "x86_64")]
#[divan::bench]
fn sigmoid_128_portable_avx2(b: divan::Bencher) {
    #[target_feature(enable = "avx2,fma")]
    fn run(mut z: [f32; 128]) -> [f32; 128] {
        sigmoid_portable(&mut z);
        z
    }
    if rnn_runtime::simd::detected() == rnn_runtime::simd::Simd::Portable {
        return;
    }
    // SAFETY: AVX2 and FMA are present (checked above).
    let x = gates();
    b.bench(|| unsafe { run(divan::black_box(x)) });
}

/// The AVX2 path (`Avx2`): the template's intrinsics.
#[cfg(target_arch = "x86_64")]
#[divan::bench]
fn sigmoid_128_avx2(b: divan::Bencher) {
    #[target_feature(enable = "avx2,fma")]
    fn run(mut z: [f32; 128]) -> [f32; 128] {
        // SAFETY: this function's target features are the CPU's (checked by the caller).
        unsafe { Avx2::new_unchecked() }.sigmoid_in_place(&mut z);
        z
    }
    if rnn_runtime::simd::detected() == rnn_runtime::simd::Simd::Portable {
        return;
    }
    // SAFETY: AVX2 and FMA are present (checked above).
    let x = gates();
    b.bench(|| unsafe { run(divan::black_box(x)) });
}

/// The portable function compiled for AVX-512F (LLVM's vectorisation).
#[cfg(target_arch = "x86_64")]
#[divan::bench]
fn sigmoid_128_portable_avx512(b: divan::Bencher) {
    #[target_feature(enable = "avx512f,avx2,fma")]
    fn run(mut z: [f32; 128]) -> [f32; 128] {
        sigmoid_portable(&mut z);
        z
    }
    if rnn_runtime::simd::detected() != rnn_runtime::simd::Simd::Avx512 {
        return;
    }
    // SAFETY: AVX-512F, AVX2 and FMA are present (checked above).
    let x = gates();
    b.bench(|| unsafe { run(divan::black_box(x)) });
}

/// The AVX-512 path (`Avx512`): the template's intrinsics.
#[cfg(target_arch = "x86_64")]
#[divan::bench]
fn sigmoid_128_avx512(b: divan::Bencher) {
    #[target_feature(enable = "avx512f,avx2,fma")]
    fn run(mut z: [f32; 128]) -> [f32; 128] {
        // SAFETY: as above.
        unsafe { Avx512::new_unchecked() }.sigmoid_in_place(&mut z);
        z
    }
    if rnn_runtime::simd::detected() != rnn_runtime::simd::Simd::Avx512 {
        return;
    }
    // SAFETY: AVX-512F, AVX2 and FMA are present (checked above).
    let x = gates();
    b.bench(|| unsafe { run(divan::black_box(x)) });
}

rnn_model! { struct Step<Input(None, 32), SimpleRNN(64)>; }

/// One whole SimpleRNN(64) timestep on 32 features, through the generated model (1 step).
#[divan::bench]
fn simple_rnn_step_64(b: divan::Bencher) {
    let model = Step::random(1);
    let x = [data::<32>(5)];
    b.bench(|| model.forward(divan::black_box(&x[..])));
}
