//! The kernels' tests: every path held to the scalar and f64 references at many widths and on
//! a dense sample of f32, one test per path; the test of a path this CPU lacks is reported
//! ignored (rnn-runtime/build.rs), never passed.

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
use super::aarch64::neon;
use super::approx::EXP_C1;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::wasm32::simd128;
#[cfg(target_arch = "x86_64")]
use super::x86_64::{avx2, avx512, avx512_256};
use super::*;

/// The token of the path a test is about. build.rs marks the tests of a path the CPU lacks
/// ignored (`cpu_avx2`, `cpu_avx512`, `cpu_neon`); a test that runs anyway (`--ignored`, or a binary built
/// on another CPU) fails here rather than passing untested.
fn token<M: MulAdd>() -> M {
    M::detect().unwrap_or_else(|| {
        panic!(
            "{}: this CPU lacks the path (the build probed another CPU?)",
            std::any::type_name::<M>()
        )
    })
}

/// `per_path!(name, check)`: one test per path, `name::portable`, `name::avx2`,
/// `name::avx512`, `name::neon` and `name::simd128`, each calling `check` with the path's token,
/// and `name::avx512_256` for AVX-512 at 256 bits (a kernel set that is not a path); the SIMD
/// ones are ignored where the CPU lacks the path (NEON: anywhere but a build for
/// aarch64 with it; simd128: anywhere but a WebAssembly build with it).
macro_rules! per_path {
    ($(#[$meta:meta])* $name:ident, $check:expr) => {
        $(#[$meta])*
        mod $name {
            use super::*;

            #[test]
            fn portable() {
                $check(token::<Portable>())
            }

            #[test]
            #[cfg_attr(not(cpu_avx2), ignore = "this CPU has no AVX2 and FMA")]
            fn avx2() {
                $check(token::<Avx2>())
            }

            #[test]
            #[cfg_attr(not(cpu_avx512), ignore = "this CPU has no AVX-512")]
            fn avx512() {
                $check(token::<Avx512>())
            }

            #[test]
            #[cfg_attr(not(cpu_avx512vl), ignore = "this CPU has no AVX-512VL")]
            fn avx512_256() {
                $check(token::<Avx512At256>())
            }

            #[test]
            #[cfg_attr(
                not(all(target_arch = "wasm32", target_feature = "simd128")),
                ignore = "not a WebAssembly build with simd128"
            )]
            fn simd128() {
                $check(token::<Simd128>())
            }

            #[test]
            #[cfg_attr(not(cpu_neon), ignore = "not a build for aarch64 with NEON")]
            fn neon() {
                $check(token::<Neon>())
            }
        }
    };
}

#[test]
fn tanh_fast_is_within_two_millionths_everywhere_sampled() {
    let mut worst = 0.0f32;
    let mut x = -20.0f32;
    while x < 20.0 {
        worst = worst.max((tanh_fast(x) - tanh_reference(x)).abs());
        x += 1.0e-4;
    }
    for x in [
        0.0f32,
        -0.0,
        1e-30,
        -1e-30,
        9.0,
        -9.0,
        100.0,
        f32::MAX,
        f32::MIN,
    ] {
        worst = worst.max((tanh_fast(x) - tanh_reference(x)).abs());
    }
    assert!(worst < 2e-6, "worst error {worst}");
    assert!(tanh_fast(f32::INFINITY) == 1.0 && tanh_fast(f32::NEG_INFINITY) == -1.0);
}

fn check_group<M: MulAdd, const G: usize, const IN: usize, const OUT: usize>(m: M) {
    let mut s = (G * 1000 + IN * 100 + OUT) as u32;
    let mut next = || {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    };
    let xs: [[f32; IN]; G] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
    let w: Box<[[f32; OUT]; IN]> =
        Box::new(std::array::from_fn(|_| std::array::from_fn(|_| next())));
    let start: [[f32; OUT]; G] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
    let refs: [&[f32; IN]; G] = std::array::from_fn(|g| &xs[g]);
    let mut got = start;
    matvec_acc_group::<M, G, IN, OUT>(m, &refs, &w, &mut got);
    let flat: Vec<f32> = w.iter().flatten().copied().collect();
    for g in 0..G {
        let mut want = start[g];
        matvec_acc_reference(&xs[g], &flat, OUT, &mut want);
        for (a, b) in got[g].iter().zip(&want) {
            assert!((a - b).abs() < 1e-5, "G={G} IN={IN} OUT={OUT}: {a} vs {b}");
        }
    }
}

macro_rules! group_cases {
    ($m:expr; $($g:literal, $i:literal, $o:literal);*) => { $( check_group::<_, $g, $i, $o>($m); )* };
}

mod grouped_kernels_match_the_reference_at_every_width_and_group {
    use super::*;

    #[test]
    fn portable() {
        group_cases!(Portable; 1, 48, 48; 2, 33, 17; 6, 32, 32);
    }

    #[test]
    #[cfg_attr(not(cpu_avx2), ignore = "this CPU has no AVX2 and FMA")]
    fn avx2() {
        group_cases!(token::<Avx2>(); 1, 48, 48; 2, 33, 17; 6, 32, 32; 3, 7, 100);
    }

    #[test]
    #[cfg_attr(not(cpu_avx512), ignore = "this CPU has no AVX-512")]
    fn avx512() {
        // Widths around the 16-lane tiles and their masked tails, odd input counts.
        group_cases!(token::<Avx512>(); 1, 1, 1; 1, 3, 5; 1, 32, 32; 1, 48, 48; 1, 40, 40;
            1, 17, 33; 2, 33, 17; 2, 48, 64; 3, 24, 24; 4, 40, 40; 6, 32, 32; 6, 7, 100;
            5, 64, 48; 1, 100, 128);
    }

    #[test]
    #[cfg_attr(not(cpu_avx512vl), ignore = "this CPU has no AVX-512VL")]
    fn avx512_256() {
        // Widths around the 8-lane registers, the 32-float tiles and their masked tails; groups
        // that split into blocks of 6 and 2.
        group_cases!(token::<Avx512At256>(); 1, 1, 1; 1, 3, 5; 1, 32, 32; 1, 48, 48; 1, 40, 40;
            1, 17, 33; 2, 33, 17; 2, 48, 64; 3, 24, 24; 4, 40, 40; 6, 32, 32; 6, 7, 100;
            5, 64, 48; 8, 32, 96; 1, 100, 128);
    }

    #[test]
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_feature = "simd128")),
        ignore = "not a WebAssembly build with simd128"
    )]
    fn simd128() {
        // Widths around the 4-lane tiles and their masked tails; groups of 2 to 6 rows (the
        // template's) and wide groups (12 rows and more: the blocked products).
        group_cases!(token::<Simd128>(); 1, 48, 48; 2, 33, 17; 2, 5, 6; 3, 7, 100; 4, 9, 13;
            5, 64, 48; 6, 32, 32; 6, 7, 3; 12, 40, 40; 16, 33, 130);
    }

    #[test]
    #[cfg_attr(not(cpu_neon), ignore = "not a build for aarch64 with NEON")]
    fn neon() {
        // Widths around the 4-lane registers, the one- and two-row tiles (16 floats) and the
        // row block's (20), their partial tails; groups that split into blocks of 4 and 2.
        group_cases!(token::<Neon>(); 1, 1, 1; 1, 3, 5; 1, 16, 16; 1, 17, 33; 1, 40, 40;
            2, 33, 17; 2, 48, 64; 3, 24, 24; 4, 40, 40; 4, 5, 21; 5, 64, 48; 6, 32, 32;
            6, 7, 100; 9, 16, 100; 1, 100, 128);
    }
}

/// One implementation of `acc[g] += x1[g] · w1 + x2[g] · w2`, for [`two_products`].
trait TwoProducts {
    fn name() -> &'static str;
    /// Whether this CPU can run it.
    fn available() -> bool {
        true
    }
    fn run<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
        x1: &[&[f32; IN1]; G],
        w1: &[[f32; OUT]; IN1],
        x2: &[&[f32; IN2]; G],
        w2: &[[f32; OUT]; IN2],
        acc: &mut [[f32; OUT]; G],
    );
}

/// Through the trait, as layers call it.
struct ViaTrait<M>(M);

impl<M: MulAdd> TwoProducts for ViaTrait<M> {
    fn name() -> &'static str {
        std::any::type_name::<M>()
    }
    fn available() -> bool {
        M::detect().is_some()
    }
    fn run<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
        x1: &[&[f32; IN1]; G],
        w1: &[[f32; OUT]; IN1],
        x2: &[&[f32; IN2]; G],
        w2: &[[f32; OUT]; IN2],
        acc: &mut [[f32; OUT]; G],
    ) {
        token::<M>().matvec2_group::<G, IN1, IN2, OUT>(x1, w1, x2, w2, acc)
    }
}

/// `template_products!(Name, "name", module, cfg, available)`: the template's expansion
/// `module`, called directly (so none hides behind a fallback), where `cfg` holds; its tests
/// run when `available` (the CPU has the expansion's features).
macro_rules! template_products {
    ($name:ident, $label:literal, $module:ident, $cfg:meta, $available:expr) => {
        #[cfg($cfg)]
        struct $name;

        #[cfg($cfg)]
        impl TwoProducts for $name {
            fn name() -> &'static str {
                $label
            }
            fn available() -> bool {
                $available
            }
            fn run<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
                x1: &[&[f32; IN1]; G],
                w1: &[[f32; OUT]; IN1],
                x2: &[&[f32; IN2]; G],
                w2: &[[f32; OUT]; IN2],
                acc: &mut [[f32; OUT]; G],
            ) {
                // SAFETY: only called when `available()` (the CPU has the module's features;
                // simd128's functions are safe).
                #[allow(unused_unsafe)]
                unsafe {
                    $module::matvec2_group::<G, IN1, IN2, OUT>(x1, w1, x2, w2, acc)
                }
            }
        }
    };
}

template_products!(
    TemplateAvx2,
    "template avx2",
    avx2,
    target_arch = "x86_64",
    Avx2::new().is_some()
);
template_products!(
    TemplateAvx512,
    "template avx512",
    avx512,
    target_arch = "x86_64",
    Avx512::new().is_some()
);
template_products!(
    TemplateAvx512At256,
    "template avx512_256",
    avx512_256,
    target_arch = "x86_64",
    Avx512At256::new().is_some()
);
template_products!(
    TemplateNeon,
    "template neon",
    neon,
    all(target_arch = "aarch64", target_feature = "neon"),
    true
);
template_products!(
    TemplateSimd128,
    "template simd128",
    simd128,
    all(target_arch = "wasm32", target_feature = "simd128"),
    true
);

/// `K` against the f64 reference for both products at once, to a tolerance relative to the
/// sum of the terms' magnitudes.
fn check_two<
    K: TwoProducts,
    const G: usize,
    const IN1: usize,
    const IN2: usize,
    const OUT: usize,
>() {
    let mut s = (G * 100_000 + IN1 * 1000 + IN2 * 10 + OUT) as u32;
    let mut next = || {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    };
    let x1: [[f32; IN1]; G] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
    let x2: [[f32; IN2]; G] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
    let w1: Vec<[f32; OUT]> = (0..IN1).map(|_| std::array::from_fn(|_| next())).collect();
    let w2: Vec<[f32; OUT]> = (0..IN2).map(|_| std::array::from_fn(|_| next())).collect();
    let w1: &[[f32; OUT]; IN1] = w1.as_slice().try_into().unwrap();
    let w2: &[[f32; OUT]; IN2] = w2.as_slice().try_into().unwrap();
    // Guard values past each row: a tail load or store outside the row would show.
    let mut rows: Vec<[f32; OUT]> = (0..G).map(|_| std::array::from_fn(|_| next())).collect();
    rows.push([f32::NAN; OUT]);
    let start: [[f32; OUT]; G] = std::array::from_fn(|g| rows[g]);
    let r1: [&[f32; IN1]; G] = std::array::from_fn(|g| &x1[g]);
    let r2: [&[f32; IN2]; G] = std::array::from_fn(|g| &x2[g]);
    let acc: &mut [[f32; OUT]; G] = (&mut rows[..G]).try_into().unwrap();
    K::run::<G, IN1, IN2, OUT>(&r1, w1, &r2, w2, acc);
    for g in 0..G {
        for j in 0..OUT {
            let (mut want, mut size) = (start[g][j] as f64, start[g][j].abs() as f64);
            for (x, w) in [(&x1[g][..], &w1[..]), (&x2[g][..], &w2[..])] {
                for (xi, row) in x.iter().zip(w) {
                    want += *xi as f64 * row[j] as f64;
                    size += (*xi as f64 * row[j] as f64).abs();
                }
            }
            let got = rows[g][j] as f64;
            assert!(
                (got - want).abs() <= 1e-6 * (size + 1.0),
                "{} G={G} IN1={IN1} IN2={IN2} OUT={OUT} [{g}][{j}]: {got} vs {want}",
                K::name()
            );
        }
    }
    assert!(
        rows[G].iter().all(|v| v.is_nan()),
        "{}: wrote past the rows",
        K::name()
    );
}

/// Every width from 1 to 17 and around 32, 48, 64 and 128 (full tiles, masked tails, a
/// tile of which only some registers hold outputs), 1 to 12 rows (split sums for 1-2, row
/// blocks of 3 and 2 on AVX2, of 4 and 2 on AVX-512, of 6 and 2 on NEON and on AVX-512 at
/// 256 bits, for more), wide groups
/// of 12 to 33 rows (the blocked products: chunks of inputs, packed panels), odd
/// and even input counts, and either product empty.
fn all_widths<K: TwoProducts>() {
    // The template's kernels are called unchecked: fail before, never run them without.
    assert!(K::available(), "{}: this CPU lacks the path", K::name());
    macro_rules! cases {
        ($($g:literal, $i1:literal, $i2:literal, $o:literal);* $(;)?) => {
            $( check_two::<K, $g, $i1, $i2, $o>(); )*
        };
    }
    cases!(
        1, 1, 0, 1; 1, 0, 3, 2; 1, 2, 3, 3; 1, 3, 3, 4; 1, 5, 5, 5; 1, 4, 1, 6; 1, 7, 7, 7;
        1, 8, 8, 8; 1, 9, 9, 9; 1, 3, 10, 10; 1, 11, 11, 11; 1, 12, 12, 12; 1, 6, 13, 13;
        1, 14, 0, 14; 1, 15, 15, 15; 1, 16, 16, 16; 1, 17, 17, 17;
        1, 31, 31, 31; 1, 32, 32, 32; 1, 33, 33, 33; 1, 40, 40, 40; 1, 47, 48, 48;
        1, 49, 49, 49; 1, 63, 64, 64; 1, 65, 1, 65; 1, 100, 128, 128; 1, 5, 129, 129;
        2, 1, 1, 1; 2, 7, 9, 9; 2, 16, 16, 16; 2, 33, 17, 17; 2, 32, 32, 32; 2, 48, 64, 64;
        2, 5, 65, 65; 2, 0, 40, 40; 2, 31, 0, 100;
        3, 3, 5, 5; 3, 24, 24, 24; 3, 16, 16, 16; 3, 7, 33, 33; 3, 9, 48, 48;
        4, 40, 40, 40; 4, 1, 8, 8; 4, 17, 31, 31; 4, 32, 64, 64;
        5, 64, 48, 48; 5, 3, 3, 13;
        6, 32, 32, 32; 6, 7, 100, 100; 6, 16, 17, 17; 6, 0, 64, 64; 6, 33, 0, 33;
        7, 5, 9, 9; 7, 32, 32, 32;
        8, 8, 8, 8; 8, 48, 48, 48; 8, 3, 65, 65; 8, 0, 32, 128;
        9, 0, 32, 128; 9, 32, 32, 96; 10, 5, 7, 33; 11, 16, 16, 40; 12, 3, 9, 130;
        // Wide groups (12 rows or more: blocks of 6 or 3, then 2 and 1; inputs in chunks of
        // 64 or 256 across both products; a last tile partly masked; no inputs at all).
        13, 70, 0, 64; 14, 0, 65, 72; 16, 0, 0, 20; 24, 64, 64, 256; 32, 100, 300, 200;
        33, 257, 1, 49;
    );
}

/// `matvec_group_init` and `matvec2_group_init` on one path at one size: bit for bit
/// `matvec_group` and `matvec2_group` on a copy of the initial rows, and `init` untouched.
fn check_init<M: MulAdd, const G: usize, const IN: usize, const OUT: usize>(m: M) {
    let mut s = (G * 7 + IN * 3 + OUT) as u32;
    let mut next = || {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    };
    let x: Vec<[f32; IN]> = (0..G).map(|_| std::array::from_fn(|_| next())).collect();
    let x: [&[f32; IN]; G] = std::array::from_fn(|g| &x[g]);
    let w: Vec<[f32; OUT]> = (0..IN).map(|_| std::array::from_fn(|_| next())).collect();
    let w: &[[f32; OUT]; IN] = w.as_slice().try_into().unwrap();
    let init: Vec<[f32; OUT]> = (0..G).map(|_| std::array::from_fn(|_| next())).collect();
    let before = init.clone();
    let refs: [&[f32; OUT]; G] = std::array::from_fn(|g| &init[g]);
    let mut want: [[f32; OUT]; G] = std::array::from_fn(|g| init[g]);
    m.matvec_group::<G, IN, OUT>(&x, w, &mut want);
    let mut got = MaybeUninit::new([[f32::NAN; OUT]; G]);
    let got = m.matvec_group_init::<G, IN, OUT>(&x, w, &refs, &mut got);
    assert_eq!(*got, want, "matvec_group_init G={G} IN={IN} OUT={OUT}");
    // Two products (a recurrent step's x · kernel + h · recurrent): the second with its
    // own inputs and weights.
    let x2: Vec<[f32; IN]> = (0..G).map(|_| std::array::from_fn(|_| next())).collect();
    let x2: [&[f32; IN]; G] = std::array::from_fn(|g| &x2[g]);
    let w2: Vec<[f32; OUT]> = (0..IN).map(|_| std::array::from_fn(|_| next())).collect();
    let w2: &[[f32; OUT]; IN] = w2.as_slice().try_into().unwrap();
    let mut want2: [[f32; OUT]; G] = std::array::from_fn(|g| init[g]);
    m.matvec2_group::<G, IN, IN, OUT>(&x, w, &x2, w2, &mut want2);
    let mut got2 = MaybeUninit::new([[f32::NAN; OUT]; G]);
    let got2 = m.matvec2_group_init::<G, IN, IN, OUT>(&x, w, &x2, w2, &refs, &mut got2);
    assert_eq!(*got2, want2, "matvec2_group_init G={G} IN={IN} OUT={OUT}");
    assert_eq!(init, before);
}

fn init_sizes<M: MulAdd>(m: M) {
    check_init::<M, 1, 32, 128>(m);
    check_init::<M, 2, 5, 13>(m);
    check_init::<M, 3, 32, 96>(m);
    check_init::<M, 6, 7, 33>(m);
    check_init::<M, 8, 32, 128>(m);
    check_init::<M, 9, 32, 128>(m);
    check_init::<M, 9, 16, 100>(m);
    check_init::<M, 32, 130, 100>(m);
}

per_path!(
    /// `matvec_group_init` and its two-product form match on a copy, on every path.
    matvec_group_init_matches_on_a_copy,
    init_sizes
);

per_path!(
    /// Every path's `matvec2_group`, through the trait as the layers call it, against the
    /// reference.
    two_products_match_the_reference,
    two_products
);

fn two_products<M: MulAdd>(_: M) {
    all_widths::<ViaTrait<M>>()
}

/// Every template expansion, called directly, against the reference (one row included, which
/// the simd128 path itself runs through the portable body).
mod template_two_products_match_the_reference {
    // Unused where no expansion is compiled (wasm32 without simd128).
    #[allow(unused_imports)]
    use super::*;

    #[test]
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn simd128() {
        all_widths::<TemplateSimd128>();
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(cpu_avx2), ignore = "this CPU has no AVX2 and FMA")]
    fn avx2() {
        all_widths::<TemplateAvx2>();
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(cpu_avx512), ignore = "this CPU has no AVX-512")]
    fn avx512() {
        all_widths::<TemplateAvx512>();
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(cpu_avx512vl), ignore = "this CPU has no AVX-512VL")]
    fn avx512_256() {
        all_widths::<TemplateAvx512At256>();
    }

    #[test]
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    fn neon() {
        all_widths::<TemplateNeon>();
    }
}

/// The path's [`MulAdd::lstm_row`] and [`MulAdd::gru_row`] (the fused kernels where the
/// path has them) against their portable twins on the same path, over a few steps with
/// the state carried: every tile size (units in 1, 2 and 4 registers, and a width that
/// is not a multiple of the lanes, which takes the portable body), with and without an
/// input product.
fn check_rows<M: MulAdd, const IN: usize, const U: usize, const U3: usize, const U4: usize>(m: M) {
    let mut s = (IN * 1000 + U) as u32;
    let mut next = || {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        ((s >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 1.5
    };
    let x: [f32; IN] = std::array::from_fn(|_| next());
    let k4: Vec<[f32; U4]> = (0..IN).map(|_| std::array::from_fn(|_| next())).collect();
    let r4: Vec<[f32; U4]> = (0..U).map(|_| std::array::from_fn(|_| next())).collect();
    let k3: Vec<[f32; U3]> = (0..IN).map(|_| std::array::from_fn(|_| next())).collect();
    let r3: Vec<[f32; U3]> = (0..U).map(|_| std::array::from_fn(|_| next())).collect();
    let (k4, r4): (&[[f32; U4]; IN], &[[f32; U4]; U]) = (
        k4.as_slice().try_into().unwrap(),
        r4.as_slice().try_into().unwrap(),
    );
    let (k3, r3): (&[[f32; U3]; IN], &[[f32; U3]; U]) = (
        k3.as_slice().try_into().unwrap(),
        r3.as_slice().try_into().unwrap(),
    );
    let z0: [f32; U4] = std::array::from_fn(|_| next());
    let (a0, b_rec): ([f32; U3], [f32; U3]) = (
        std::array::from_fn(|_| next()),
        std::array::from_fn(|_| next()),
    );
    let close = |a: &[f32], b: &[f32], what: &str| {
        for (j, (p, q)) in a.iter().zip(b).enumerate() {
            assert!(
                (p - q).abs() <= 2e-6,
                "{what} IN={IN} U={U} [{j}]: {p} vs {q}"
            );
        }
    };
    let (mut h, mut c) = ([0.1f32; U], [-0.2f32; U]);
    let (mut h2, mut c2) = (h, c);
    let (mut g, mut g2) = ([0.3f32; U], [0.3f32; U]);
    for _ in 0..4 {
        let mut out = [0.0f32; U];
        m.lstm_row::<IN, U, U4>(&x, k4, &h, r4, &z0, &mut c, &mut out);
        h = out;
        portable::lstm_row::<M, IN, U, U4>(m, &x, k4, &h2, r4, &z0, &mut c2, &mut out);
        h2 = out;
        close(&h, &h2, "lstm_row h");
        close(&c, &c2, "lstm_row c");
        m.gru_row::<IN, U, U3>(&x, k3, &g, r3, &a0, &b_rec, &mut out);
        g = out;
        portable::gru_row::<M, IN, U, U3>(m, &x, k3, &g2, r3, &a0, &b_rec, &mut out);
        g2 = out;
        close(&g, &g2, "gru_row h");
    }
}

fn row_sizes<M: MulAdd>(m: M) {
    check_rows::<M, 0, 8, 24, 32>(m);
    check_rows::<M, 0, 16, 48, 64>(m);
    check_rows::<M, 0, 24, 72, 96>(m);
    check_rows::<M, 0, 32, 96, 128>(m);
    check_rows::<M, 0, 40, 120, 160>(m);
    check_rows::<M, 0, 6, 18, 24>(m);
    // One register of units after the wider tiles on 4 lanes (8 + 4), and one alone.
    check_rows::<M, 3, 12, 36, 48>(m);
    check_rows::<M, 0, 4, 12, 16>(m);
    check_rows::<M, 5, 8, 24, 32>(m);
    check_rows::<M, 32, 32, 96, 128>(m);
    check_rows::<M, 3, 48, 144, 192>(m);
    check_rows::<M, 14, 64, 192, 256>(m);
}

per_path!(fused_rows_match_their_portable_twins, row_sizes);

/// The path's [`MulAdd::matvec_strided`] (the template's kernel on a SIMD path) against its
/// portable twin on the same path, bit for bit (the same sums in the same order: `init`, then
/// the inputs in order), and against the f64 reference; nothing written between or past the
/// output rows. Rows that overlap (`XS < IN`, a convolution's strip), lie side by side
/// (`XS = IN`, a gathered panel) or apart; output rows side by side or apart (`ys > OUT`, the
/// rows of one sequence in a lockstep buffer); outputs in 1 to 7 registers (AVX-512's blocks
/// of 24 x 1, 12 x 2, 8 x 3 and 6 x 4, then tiles of 4), masked tails, row counts that leave
/// blocks of 2 and 1.
fn check_strided<M: MulAdd, const R: usize, const IN: usize, const OUT: usize, const XS: usize>(
    m: M,
    ys: usize,
) {
    let mut s = (R * 10_000 + IN * 100 + OUT + XS * 7 + ys) as u32;
    let mut next = || {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    };
    let x: Vec<f32> = (0..(R - 1) * XS + IN).map(|_| next()).collect();
    let w: Vec<[f32; OUT]> = (0..IN).map(|_| std::array::from_fn(|_| next())).collect();
    let w: &[[f32; OUT]; IN] = w.as_slice().try_into().unwrap();
    let init: [f32; OUT] = std::array::from_fn(|_| next());
    // Guard values between and past the rows.
    let mut got = vec![f32::NAN; (R - 1) * ys + OUT + 1];
    m.matvec_strided::<R, IN, OUT, XS>(&x, w, &init, &mut got, ys);
    let mut twin = vec![f32::NAN; (R - 1) * ys + OUT + 1];
    portable::matvec_strided::<M, R, IN, OUT, XS>(&x, w, &init, &mut twin, ys);
    let flat: Vec<f32> = w.iter().flatten().copied().collect();
    for r in 0..R {
        let mut want = init;
        matvec_acc_reference(&x[r * XS..r * XS + IN], &flat, OUT, &mut want);
        for j in 0..OUT {
            let (a, b) = (got[r * ys + j], want[j]);
            assert!(
                (a - b).abs() < 1e-5,
                "R={R} IN={IN} OUT={OUT} XS={XS} ys={ys} [{r}][{j}]: {a} vs {b}"
            );
        }
    }
    for (k, (a, b)) in got.iter().zip(&twin).enumerate() {
        assert!(
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            "R={R} IN={IN} OUT={OUT} XS={XS} ys={ys} at {k}: {a} vs the twin's {b}"
        );
    }
}

fn strided_sizes<M: MulAdd>(m: M) {
    // A convolution's strips (rows IN / K apart) and panels (rows IN apart).
    check_strided::<M, 24, 70, 32, 14>(m, 6 * 32);
    check_strided::<M, 24, 160, 32, 32>(m, 32);
    check_strided::<M, 24, 27, 64, 9>(m, 64);
    check_strided::<M, 24, 192, 64, 192>(m, 64);
    check_strided::<M, 24, 3, 8, 1>(m, 8);
    check_strided::<M, 24, 5, 16, 5>(m, 16);
    check_strided::<M, 24, 7, 17, 7>(m, 20);
    check_strided::<M, 24, 9, 33, 3>(m, 33);
    check_strided::<M, 24, 4, 48, 4>(m, 100);
    check_strided::<M, 24, 11, 100, 12>(m, 100);
    check_strided::<M, 24, 1, 1, 1>(m, 1);
    check_strided::<M, 1, 5, 5, 5>(m, 5);
    check_strided::<M, 2, 3, 40, 3>(m, 41);
    check_strided::<M, 7, 13, 20, 13>(m, 20);
    check_strided::<M, 25, 6, 31, 2>(m, 31);
    check_strided::<M, 27, 2, 47, 2>(m, 50);
}

per_path!(
    matvec_strided_matches_its_twin_and_the_reference,
    strided_sizes
);

per_path!(tanh_is_as_accurate_as_tanh_fast, tanh_accuracy);

/// The path's tanh within 6.5e-7 of the f64 tanh on a dense sample, with and without masked
/// tails (the intrinsics tanh replaces the division by a reciprocal estimate and one Newton
/// step).
fn tanh_accuracy<M: MulAdd>(m: M) {
    // Lengths with and without a masked tail.
    for len in [1usize, 5, 16, 32, 37] {
        let xs: Vec<f32> = (0..20_000 * len)
            .map(|i| (i as f32 * 7.3e-4) - 12.0)
            .collect();
        let mut ours = xs.clone();
        for chunk in ours.chunks_mut(len) {
            m.tanh_in_place(chunk);
        }
        for (x, y) in xs.iter().zip(&ours) {
            let want = tanh_reference(*x);
            assert!(
                (y - want).abs() <= 6.5e-7,
                "tanh({x}) = {y}, reference {want}"
            );
        }
    }
}

/// Every 9973rd f32 bit pattern (about 430,000, all signs and exponents) and a fine grid
/// over the range where exp and sigmoid are neither 0, 1 nor inf.
fn dense_sample() -> Vec<f32> {
    let mut xs: Vec<f32> = (0..=u32::MAX / 9973)
        .map(|i| f32::from_bits(i * 9973))
        .collect();
    xs.extend((0..400_000).map(|i| -105.0 + i as f32 * 4.9e-4));
    xs.extend([
        0.0, -0.0, 88.72, 88.73, -87.33, -103.97, -104.0, 17.0, -17.0,
    ]);
    xs.extend([
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        1e-45,
        -1e-45,
    ]);
    xs.retain(|x| x.is_finite());
    xs
}

/// `f(chunk)` over the sample in chunks of `len` (lengths with and without masked tails).
fn in_chunks(xs: &[f32], len: usize, f: impl Fn(&mut [f32])) -> Vec<f32> {
    let mut ys = xs.to_vec();
    ys.chunks_mut(len).for_each(f);
    ys
}

/// Largest relative error of `ys = exp(xs)` where e^x is a normal f32, and checks the rest:
/// within one subnormal step (2^-149) below, inf above `f32::MAX`.
fn exp_error(name: &str, xs: &[f32], ys: &[f32]) -> f64 {
    let mut worst = 0.0f64;
    for (x, y) in xs.iter().zip(ys) {
        let want = (*x as f64).exp();
        let (y, rounded) = (*y as f64, want as f32);
        if rounded.is_infinite() {
            assert!(y == f64::INFINITY, "{name}: exp({x}) = {y}, want inf");
        } else if want < f32::MIN_POSITIVE as f64 {
            assert!(
                (y - want).abs() <= 1.5e-45,
                "{name}: exp({x}) = {y:e}, want {want:e}"
            );
        } else {
            worst = worst.max((y - want).abs() / want);
        }
    }
    worst
}

fn sigmoid_error(xs: &[f32], ys: &[f32]) -> f64 {
    let reference = |x: f64| 1.0 / (1.0 + (-x).exp());
    (xs.iter().zip(ys))
        .map(|(x, y)| (*y as f64 - reference(*x as f64)).abs())
        .fold(0.0, f64::max)
}

/// Held to f64 on the dense sample: the relative error of `exp` <= 2.5e-7 (about 2 ulp), the
/// absolute error of `sigmoid` <= 2e-7 (the largest over every f32 is measured by
/// examples/sigmoid_error.rs and stated in docs/PERFORMANCE.md); saturation exact, NaN stays
/// NaN.
fn check_exp_and_sigmoid(name: &str, exp: &dyn Fn(&mut [f32]), sigmoid: &dyn Fn(&mut [f32])) {
    let xs = dense_sample();
    for len in [1usize, 7, 16, 37, 128] {
        let e = exp_error(name, &xs, &in_chunks(&xs, len, exp));
        assert!(
            e <= 2.5e-7,
            "{name} (chunks of {len}): exp relative error {e:e}"
        );
        let s = sigmoid_error(&xs, &in_chunks(&xs, len, sigmoid));
        assert!(s <= 2e-7, "{name} (chunks of {len}): sigmoid error {s:e}");
    }
    // Saturation is exact, and NaN stays NaN.
    let mut z = [
        f32::INFINITY,
        f32::NEG_INFINITY,
        100.0,
        -200.0,
        f32::NAN,
        30.0,
    ];
    exp(&mut z);
    assert_eq!(&z[..4], &[f32::INFINITY, 0.0, f32::INFINITY, 0.0], "{name}");
    assert!(z[4].is_nan(), "{name}");
    assert_sigmoid_saturates(name, sigmoid);
    let mut z = [17.0];
    sigmoid(&mut z);
    assert_eq!(z[0], 1.0, "{name}: 1 + e^-17 rounds to 1");
}

/// Every exp and sigmoid: the portable functions, each path's, and each template expansion
/// called directly.
mod exp_and_sigmoid_match_f64 {
    use super::*;

    #[test]
    fn portable_functions() {
        check_exp_and_sigmoid(
            "portable functions",
            &|z| z.iter_mut().for_each(|v| *v = exp_fast(*v)),
            &|z| z.iter_mut().for_each(|v| *v = sigmoid_fast(*v)),
        );
    }

    fn path<M: MulAdd>(m: M) {
        check_exp_and_sigmoid(std::any::type_name::<M>(), &|z| m.exp_in_place(z), &|z| {
            m.sigmoid_in_place(z)
        });
    }

    per_path!(by_path, path);

    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(cpu_avx2), ignore = "this CPU has no AVX2 and FMA")]
    fn template_avx2() {
        let _ = token::<Avx2>();
        // SAFETY (both): AVX2 and FMA are present (checked just above).
        check_exp_and_sigmoid(
            "template avx2",
            &|z| unsafe { avx2::exp_in_place(z) },
            &|z| unsafe { avx2::sigmoid(z) },
        );
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(cpu_avx512), ignore = "this CPU has no AVX-512")]
    fn template_avx512() {
        let _ = token::<Avx512>();
        // SAFETY (both): AVX-512F is present (checked just above).
        check_exp_and_sigmoid(
            "template avx512",
            &|z| unsafe { avx512::exp_in_place(z) },
            &|z| unsafe { avx512::sigmoid(z) },
        );
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(cpu_avx512vl), ignore = "this CPU has no AVX-512VL")]
    fn template_avx512_256() {
        let _ = token::<Avx512At256>();
        // SAFETY (both): AVX-512F, AVX-512VL, AVX2 and FMA are present (checked just above).
        check_exp_and_sigmoid(
            "template avx512_256",
            &|z| unsafe { avx512_256::exp_in_place(z) },
            &|z| unsafe { avx512_256::sigmoid(z) },
        );
    }

    #[test]
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn template_simd128() {
        check_exp_and_sigmoid("template simd128", &|z| simd128::exp_in_place(z), &|z| {
            simd128::sigmoid(z)
        });
    }

    #[test]
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    fn template_neon() {
        // SAFETY (both): this build's target has NEON (the cfg above).
        check_exp_and_sigmoid(
            "template neon",
            &|z| unsafe { neon::exp_in_place(z) },
            &|z| unsafe { neon::sigmoid(z) },
        );
    }
}

/// `sigmoid` is exactly 1 and 0 far out at both ends, 0.5 at 0, and NaN for NaN.
fn assert_sigmoid_saturates(name: &str, sigmoid: impl Fn(&mut [f32])) {
    let mut z = [
        f32::INFINITY,
        f32::NEG_INFINITY,
        100.0,
        -100.0,
        0.0,
        f32::NAN,
    ];
    sigmoid(&mut z);
    assert_eq!(&z[..5], &[1.0, 0.0, 1.0, 0.0, 0.5], "{name}");
    assert!(z[5].is_nan(), "{name}");
}

/// The gate sigmoid folds `0.5 tanh(x / 2) + 0.5`'s two halvings into the rational's
/// coefficients ([`HALF_TANH_HALF`]); that changes no bit on any path.
mod gate_sigmoid_has_the_bits_of_half_tanh_of_half_plus_half {
    use super::*;

    /// `0.5 tanh(x / 2) + 0.5` with `tanh`, as bits.
    fn by_tanh(xs: &[f32], tanh: impl Fn(&mut [f32])) -> Vec<u32> {
        let mut t: Vec<f32> = xs.iter().map(|x| 0.5 * x).collect();
        tanh(&mut t);
        t.iter().map(|t| (0.5 * t + 0.5).to_bits()).collect()
    }

    #[test]
    fn portable_function() {
        let xs = dense_sample();
        let got: Vec<u32> = xs.iter().map(|&x| gate_sigmoid_fast(x).to_bits()).collect();
        let want = by_tanh(&xs, |z| z.iter_mut().for_each(|v| *v = tanh_fast(*v)));
        assert!(got == want, "portable function");
    }

    fn path<M: MulAdd>(m: M) {
        let xs = dense_sample();
        let mut z = xs.to_vec();
        m.gate_sigmoid_in_place(&mut z);
        let got: Vec<u32> = z.iter().map(|v| v.to_bits()).collect();
        let want = by_tanh(&xs, |z| m.tanh_in_place(z));
        assert!(got == want, "{}", std::any::type_name::<M>());
    }

    per_path!(by_path, path);
}

/// Within 3.5e-7 of the f64 logistic function on the dense sample, saturating exactly at both
/// ends; NaN stays NaN.
fn check_gate_sigmoid(name: &str, sigmoid: &dyn Fn(&mut [f32])) {
    let xs = dense_sample();
    for len in [1usize, 7, 16, 37, 128] {
        let s = sigmoid_error(&xs, &in_chunks(&xs, len, sigmoid));
        assert!(
            s <= 3.5e-7,
            "{name} (chunks of {len}): gate sigmoid error {s:e}"
        );
    }
    assert_sigmoid_saturates(name, sigmoid);
}

/// The gate sigmoid of the portable function, each path, and each template expansion called
/// directly.
mod gate_sigmoid_is_within_3_5e_minus_7 {
    use super::*;

    #[test]
    fn portable_function() {
        check_gate_sigmoid("portable function", &|z| {
            z.iter_mut().for_each(|v| *v = gate_sigmoid_fast(*v))
        });
    }

    fn path<M: MulAdd>(m: M) {
        check_gate_sigmoid(std::any::type_name::<M>(), &|z| m.gate_sigmoid_in_place(z));
    }

    per_path!(by_path, path);

    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(cpu_avx2), ignore = "this CPU has no AVX2 and FMA")]
    fn template_avx2() {
        let _ = token::<Avx2>();
        // SAFETY: AVX2 and FMA are present (checked just above).
        check_gate_sigmoid("template avx2", &|z| unsafe { avx2::gate_sigmoid(z) });
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(cpu_avx512), ignore = "this CPU has no AVX-512")]
    fn template_avx512() {
        let _ = token::<Avx512>();
        // SAFETY: AVX-512F is present (checked just above).
        check_gate_sigmoid("template avx512", &|z| unsafe { avx512::gate_sigmoid(z) });
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(cpu_avx512vl), ignore = "this CPU has no AVX-512VL")]
    fn template_avx512_256() {
        let _ = token::<Avx512At256>();
        // SAFETY: AVX-512F, AVX-512VL, AVX2 and FMA are present (checked just above).
        check_gate_sigmoid("template avx512_256", &|z| unsafe {
            avx512_256::gate_sigmoid(z)
        });
    }

    /// The simd128 path's fused rows take their gates from the template.
    #[test]
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn template_simd128() {
        check_gate_sigmoid("template simd128", &|z| simd128::gate_sigmoid(z));
    }

    #[test]
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    fn template_neon() {
        // SAFETY: this build's target has NEON (the cfg above).
        check_gate_sigmoid("template neon", &|z| unsafe { neon::gate_sigmoid(z) });
    }
}

#[test]
fn references_are_f64_rounded_once() {
    assert_eq!(exp_reference(1.0), std::f32::consts::E);
    assert_eq!(sigmoid_reference(0.0), 0.5);
    assert_eq!(exp_fast(0.0), 1.0);
    assert_eq!(sigmoid_fast(0.0), 0.5);
    // n * EXP_C1 is exact for the n of any finite input (|n| <= 150).
    assert_eq!(EXP_C1, 355.0 / 512.0);
}

fn tanh_of_nan(m: impl MulAdd) {
    // Full registers and a masked tail.
    for len in [1usize, 16, 19] {
        let mut z = vec![f32::NAN; len];
        m.tanh_in_place(&mut z);
        assert!(z.iter().all(|v| v.is_nan()), "{z:?}");
    }
}

per_path!(tanh_of_nan_is_nan, tanh_of_nan);

#[test]
fn tanh_fast_is_odd_and_bounded() {
    for i in 0..10_000 {
        let x = i as f32 * 1.7e-3;
        assert_eq!(tanh_fast(-x), -tanh_fast(x));
        assert!(tanh_fast(x).abs() <= 1.0);
    }
}

fn check_matvec<M: MulAdd, const IN: usize, const OUT: usize>(seed: u32) {
    let mut s = seed;
    let mut next = || {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    };
    let x: [f32; IN] = std::array::from_fn(|_| next());
    let w: [[f32; OUT]; IN] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
    let start: [f32; OUT] = std::array::from_fn(|_| next());
    let mut fast = start;
    matvec_acc::<M, IN, OUT>(&x, &w, &mut fast);
    let mut reference = start;
    let flat: Vec<f32> = w.iter().flatten().copied().collect();
    matvec_acc_reference(&x, &flat, OUT, &mut reference);
    for (f, r) in fast.iter().zip(&reference) {
        assert!((f - r).abs() < 1e-5, "{f} vs {r}");
    }
}

#[test]
fn grouped_matvec_equals_one_row_at_a_time() {
    let w: [[f32; 5]; 3] =
        std::array::from_fn(|i| std::array::from_fn(|j| (i * 5 + j) as f32 * 0.1 - 0.7));
    let x0 = [0.3f32, -1.0, 2.0];
    let x1 = [1.5f32, 0.25, -0.5];
    // Every grouping (split partial sums for 1-3 rows, plain for more) agrees with the
    // one-row kernel, to rounding.
    let xs = [
        x0,
        x1,
        [-0.7f32, 0.1, 0.9],
        [2.0f32, 2.0, -3.0],
        [0.0f32, 1.0, 0.0],
    ];
    let one = |x: &[f32; 3]| {
        let mut a = [0.5f32; 5];
        matvec_acc::<Avx2, 3, 5>(x, &w, &mut a);
        a
    };
    fn check<const G: usize>(
        xs: &[[f32; 3]; 5],
        w: &[[f32; 5]; 3],
        one: &dyn Fn(&[f32; 3]) -> [f32; 5],
    ) {
        let refs: [&[f32; 3]; G] = std::array::from_fn(|g| &xs[g]);
        let mut group = [[0.5f32; 5]; G];
        matvec_acc_group::<Portable, G, 3, 5>(Portable, &refs, w, &mut group);
        for (g, got) in group.iter().enumerate() {
            for (a, b) in got.iter().zip(one(&xs[g])) {
                assert!((a - b).abs() < 1e-6, "G={G} row {g}: {a} vs {b}");
            }
        }
    }
    check::<1>(&xs, &w, &one);
    check::<2>(&xs, &w, &one);
    check::<3>(&xs, &w, &one);
    check::<5>(&xs, &w, &one);
}

#[test]
fn matvec_matches_reference_for_both_multiply_adds_and_odd_sizes() {
    check_matvec::<Avx2, 32, 64>(1);
    check_matvec::<Portable, 32, 64>(2);
    check_matvec::<Avx2, 7, 3>(3);
    check_matvec::<Portable, 1, 1>(4);
    check_matvec::<Avx2, 33, 17>(5);
}
