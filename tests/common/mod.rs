//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The committed original Keras file of fixture `name` (tests/fixtures/keras: `.keras` from
/// Keras 3, `.h5` from tf_keras; `.gz` when large).
pub fn original(name: &str) -> PathBuf {
    ["keras", "h5", "keras.gz", "h5.gz"]
        .iter()
        .map(|ext| fixtures().join(format!("keras/{name}.{ext}")))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{name}: no original Keras file in tests/fixtures/keras"))
}

/// Reads a fixture file, gunzipping `.gz`.
pub fn read_fixture(name: &str) -> String {
    let plain = fixtures().join(name);
    if plain.exists() {
        return std::fs::read_to_string(plain).expect("fixture is readable");
    }
    let gz = fixtures().join(format!("{name}.gz"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(&gz).unwrap_or_else(|e| panic!("{}: {e}", gz.display())),
    )
    .read_to_string(&mut text)
    .expect("fixture gunzips");
    text
}

/// Flattens what `forward` returns: `[f32; U]` or `Vec<[f32; U]>`.
pub trait Flat {
    fn flat(self) -> Vec<f32>;
}

impl<const N: usize> Flat for [f32; N] {
    fn flat(self) -> Vec<f32> {
        self.to_vec()
    }
}

impl<const N: usize> Flat for Vec<[f32; N]> {
    fn flat(self) -> Vec<f32> {
        self.concat()
    }
}

/// The largest difference, each measured absolutely where |expected| <= 1 and relative to
/// |expected| above that.
pub fn max_abs_diff(ours: &[f32], expected: &[f32]) -> f32 {
    assert_eq!(ours.len(), expected.len(), "output sizes differ");
    ours.iter()
        .zip(expected)
        .map(|(x, y)| (x - y).abs() / y.abs().max(1.0))
        .fold(0.0, f32::max)
}

/// A seeded stream of uniform floats, for test data.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.next()
    }
}

/// The largest plain absolute difference.
pub fn max_plain_diff(ours: &[f32], expected: &[f32]) -> f32 {
    ours.iter()
        .zip(expected)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}
