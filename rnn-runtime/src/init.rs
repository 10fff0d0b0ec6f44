//! Keras's default initializers, on a small seeded generator of our own. The distributions are
//! Keras's; the exact draws are not (Keras's come from TensorFlow's RNG, not reproducible here).

use crate::heap::*;

/// f64 math: std's with `std` (the draws stay what they were), libm's without.
#[cfg(feature = "std")]
mod math {
    pub fn ln(x: f64) -> f64 {
        x.ln()
    }
    pub fn sqrt(x: f64) -> f64 {
        x.sqrt()
    }
    pub fn cos(x: f64) -> f64 {
        x.cos()
    }
}
#[cfg(not(feature = "std"))]
mod math {
    pub use libm::{cos, log as ln, sqrt};
}

/// SplitMix64: tiny, fast, and good enough for weight initialisation.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f32 {
        (lo + (hi - lo) * self.next_f64()) as f32
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64(); // (0, 1]: ln is finite
        let u2 = self.next_f64();
        math::sqrt(-2.0 * math::ln(u1)) * math::cos(core::f64::consts::TAU * u2)
    }
}

/// `glorot_uniform` for a (fan_in, fan_out) kernel: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)).
pub(crate) fn glorot_uniform(rng: &mut Rng, fan_in: usize, fan_out: usize) -> Vec<f32> {
    let limit = math::sqrt(6.0 / (fan_in as f64 + fan_out as f64));
    (0..fan_in * fan_out)
        .map(|_| rng.uniform(-limit, limit))
        .collect()
}

/// `orthogonal` (gain 1) for a square (n, n) recurrent kernel: the Q of a Gaussian matrix's QR
/// decomposition with the signs fixed so R has a positive diagonal, which is what modified
/// Gram-Schmidt on the columns produces directly.
pub(crate) fn orthogonal(rng: &mut Rng, n: usize) -> Vec<f32> {
    orthogonal_rect(rng, n, n)
}

/// Keras's `Orthogonal` for a (rows, cols) matrix: the orthonormalised columns of a
/// (max, min) Gaussian matrix, transposed when there are more columns than rows (a gated
/// layer's (units, 3 units) recurrent kernel has orthonormal rows).
pub(crate) fn orthogonal_rect(rng: &mut Rng, rows: usize, cols: usize) -> Vec<f32> {
    let (long, short) = (rows.max(cols), rows.min(cols));
    // `short` vectors of length `long`, in f64.
    let mut cols_: Vec<Vec<f64>> = (0..short)
        .map(|_| (0..long).map(|_| rng.normal()).collect())
        .collect();
    for j in 0..short {
        let (done, rest) = cols_.split_at_mut(j);
        let c = &mut rest[0];
        for q in done.iter() {
            let d: f64 = q.iter().zip(c.iter()).map(|(a, b)| a * b).sum();
            c.iter_mut().zip(q).for_each(|(v, qv)| *v -= d * qv);
        }
        let norm = math::sqrt(c.iter().map(|v| v * v).sum::<f64>());
        if norm > 1e-12 {
            c.iter_mut().for_each(|v| *v /= norm);
        } else {
            // Degenerate draw (probability ~0): fall back to a unit vector.
            c.iter_mut()
                .enumerate()
                .for_each(|(i, v)| *v = (i == j) as u8 as f64);
        }
    }
    // Row-major (rows, cols): the vectors are the columns when rows >= cols, else the rows.
    let mut out = vec![0.0f32; rows * cols];
    for (j, c) in cols_.iter().enumerate() {
        for (i, v) in c.iter().enumerate() {
            if rows >= cols {
                out[i * cols + j] = *v as f32;
            } else {
                out[j * cols + i] = *v as f32;
            }
        }
    }
    out
}

/// `RandomUniform(-0.05, 0.05)`, Keras's default for Embedding.
pub(crate) fn embedding_uniform(rng: &mut Rng, count: usize) -> Vec<f32> {
    (0..count).map(|_| rng.uniform(-0.05, 0.05)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthogonal_matrix_has_orthonormal_columns() {
        let n = 24;
        let q = orthogonal(&mut Rng::new(7), n);
        for a in 0..n {
            for b in 0..n {
                let d: f64 = (0..n)
                    .map(|i| q[i * n + a] as f64 * q[i * n + b] as f64)
                    .sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((d - want).abs() < 1e-5, "col {a}·col {b} = {d}");
            }
        }
    }

    #[test]
    fn glorot_uniform_stays_in_its_limit_and_spans_it() {
        let w = glorot_uniform(&mut Rng::new(3), 32, 64);
        let limit = (6.0f64 / 96.0).sqrt() as f32;
        assert!(w.iter().all(|v| v.abs() <= limit));
        let max = w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(
            max > 0.9 * limit,
            "draws should reach near the limit, max {max}"
        );
    }

    #[test]
    fn same_seed_same_draws_other_seed_other_draws() {
        let a = embedding_uniform(&mut Rng::new(1), 100);
        let b = embedding_uniform(&mut Rng::new(1), 100);
        let c = embedding_uniform(&mut Rng::new(2), 100);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().all(|v| v.abs() <= 0.05));
    }
}
