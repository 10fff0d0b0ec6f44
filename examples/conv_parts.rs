//! Where conv_gru128's time goes: the book's Jena model (`bench`'s conv_gru128) and its
//! prefixes, each ending in `GlobalMaxPooling1D()` so that `predict` returns a vector: the
//! differences are each stage's time (the global pooling costs about a pass over its input).
//! `cargo run --release --example conv_parts [-- --simd avx2]`; median ms per `predict` of 128
//! rows.

use std::time::Instant;

use rnn_runtime::rnn_model;

rnn_model! { struct C1<Input(240, 14), Conv1D(32, 5, activation = relu), GlobalMaxPooling1D()>; }
rnn_model! { struct C1P<Input(240, 14), Conv1D(32, 5, activation = relu), MaxPooling1D(pool_size = 3), GlobalMaxPooling1D()>; }
rnn_model! { struct C1PC2<Input(240, 14), Conv1D(32, 5, activation = relu), MaxPooling1D(pool_size = 3), Conv1D(32, 5, activation = relu), GlobalMaxPooling1D()>; }
rnn_model! { struct Full<Input(240, 14), Conv1D(32, 5, activation = relu), MaxPooling1D(pool_size = 3), Conv1D(32, 5, activation = relu), GRU(32), Dense(1)>; }
rnn_model! { struct GruOnly<Input(74, 32), GRU(32), Dense(1)>; }

fn median(mut f: impl FnMut()) -> f64 {
    for _ in 0..3 {
        f();
    }
    let mut s = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < 0.5 || s.len() < 5 {
        let t = Instant::now();
        f();
        s.push(t.elapsed().as_secs_f64());
    }
    s.sort_by(f64::total_cmp);
    s[s.len() / 2] * 1e3
}

fn main() {
    let mut args = std::env::args().skip(1);
    // `--only N`: time only the N-th figure (1-5), for a profiler.
    let mut only = 0;
    while let Some(a) = args.next() {
        if a == "--only" {
            only = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        }
        if a == "--simd" {
            use rnn_runtime::simd::Simd;
            rnn_runtime::simd::force(match args.next().as_deref() {
                Some("avx2") => Some(Simd::Avx2),
                Some("portable") => Some(Simd::Portable),
                _ => None,
            });
        }
    }
    rnn_runtime::threads::set(1);
    let x = rnn_runtime::ndarray::Array3::from_shape_fn((128, 240, 14), |(r, t, f)| {
        ((r * 131 + t * 17 + f) as f32 * 0.37).sin()
    });
    let g = rnn_runtime::ndarray::Array3::from_shape_fn((128, 74, 32), |(r, t, f)| {
        ((r * 131 + t * 17 + f) as f32 * 0.37).sin()
    });
    let (c1, c1p, c1pc2, full, gru) = (
        C1::random(1),
        C1P::random(1),
        C1PC2::random(1),
        Full::random(1),
        GruOnly::random(1),
    );
    let t1 = if only != 0 && only != 1 {
        f64::NAN
    } else {
        median(|| {
            std::hint::black_box(c1.predict(x.view()).unwrap());
        })
    };
    let t2 = if only != 0 && only != 2 {
        f64::NAN
    } else {
        median(|| {
            std::hint::black_box(c1p.predict(x.view()).unwrap());
        })
    };
    let t3 = if only != 0 && only != 3 {
        f64::NAN
    } else {
        median(|| {
            std::hint::black_box(c1pc2.predict(x.view()).unwrap());
        })
    };
    let t4 = if only != 0 && only != 4 {
        f64::NAN
    } else {
        median(|| {
            std::hint::black_box(full.predict(x.view()).unwrap());
        })
    };
    let t5 = if only != 0 && only != 5 {
        f64::NAN
    } else {
        median(|| {
            std::hint::black_box(gru.predict(g.view()).unwrap());
        })
    };
    println!(
        "conv1+gmax {t1:.3} ms | +pool {t2:.3} ms | +conv2 {t3:.3} ms | full {t4:.3} ms | gru alone (74 x 32) {t5:.3} ms"
    );
}
