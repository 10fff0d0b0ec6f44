//! The chapter-6 sentiment model (Deep Learning with Python, listing 6.22: `Embedding(10000,
//! 32), SimpleRNN(32), Dense(1, activation = sigmoid)`) with its weights baked in at compile
//! time, behind a C API small enough to call from JavaScript without bindings:
//!
//! - [`tokens`]: where to write the token ids (a buffer of [`capacity`] `u32`s in the module's
//!   memory);
//! - [`classify`]`(len)`: runs the model on the first `len` ids there and returns
//!   P(positive), or NaN for a sequence the model refuses (empty, too long, an id of 10000 or
//!   more);
//! - [`simd128`]: whether this build runs WebAssembly's 128-bit SIMD (`-C
//!   target-feature=+simd128`).
//!
//! The weights are the Keras fixture `tests/fixtures/imdb` (a real Keras model with random
//! weights, whose outputs Keras recorded in `imdb.io.json`): index.html shows Keras's outputs
//! beside the page's.

use core::cell::UnsafeCell;

use rnn_runtime::rnn_model;

rnn_model! {
    /// The IMDB sentiment classifier of chapter 6, weights baked from the Keras fixture.
    #[weights = "../../tests/fixtures/imdb.weights.json.gz"]
    pub struct Sentiment<Embedding(10000, 32), SimpleRNN(32), Dense(1, activation = sigmoid)>;
}

/// The longest sequence [`classify`] takes.
pub const CAPACITY: usize = 4096;

/// The token buffer JavaScript writes into. WebAssembly runs the page's calls one at a time
/// (one thread: nothing else touches it while [`classify`] reads it).
struct Tokens(UnsafeCell<[u32; CAPACITY]>);

// SAFETY: the module is single-threaded (no `atomics`): no two accesses overlap.
unsafe impl Sync for Tokens {}

static TOKENS: Tokens = Tokens(UnsafeCell::new([0; CAPACITY]));

/// P(positive) for a sequence of token ids, or `None` for one the model refuses (empty, or an
/// id of 10000 or more).
pub fn sentiment(ids: &[u32]) -> Option<f32> {
    Sentiment::baked().forward(ids).ok().map(|[p]| p)
}

/// The address of the token buffer ([`capacity`] `u32`s) in the module's memory.
#[unsafe(no_mangle)]
pub extern "C" fn tokens() -> *mut u32 {
    TOKENS.0.get().cast()
}

/// How many token ids the buffer holds.
#[unsafe(no_mangle)]
pub extern "C" fn capacity() -> usize {
    CAPACITY
}

/// P(positive) for the first `len` ids of the buffer; NaN when `len` is 0 or over
/// [`capacity`], or an id is 10000 or more.
#[unsafe(no_mangle)]
pub extern "C" fn classify(len: usize) -> f32 {
    if len > CAPACITY {
        return f32::NAN;
    }
    // SAFETY: single-threaded (see `Tokens`); JavaScript wrote the buffer before the call and
    // does not run during it.
    let ids: &[u32; CAPACITY] = unsafe { &*TOKENS.0.get() };
    let ids = &ids[..len];
    sentiment(ids).unwrap_or(f32::NAN)
}

/// 1 when this build runs WebAssembly's 128-bit SIMD (`-C target-feature=+simd128`), else 0.
#[unsafe(no_mangle)]
pub extern "C" fn simd128() -> u32 {
    u32::from(cfg!(target_feature = "simd128"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Through the C API as the page calls it: write the ids, classify.
    fn through_the_buffer(ids: &[u32]) -> f32 {
        let buffer = tokens();
        for (i, &id) in ids.iter().enumerate() {
            // SAFETY: within CAPACITY; tests in this module do not run concurrently on the
            // buffer (one test uses it).
            unsafe { buffer.add(i).write(id) };
        }
        classify(ids.len())
    }

    #[test]
    fn the_c_api_is_the_model_and_refuses_what_it_refuses() {
        let ids = [12, 7, 301, 45, 9, 9999];
        let p = through_the_buffer(&ids);
        assert_eq!(Some(p.to_bits()), sentiment(&ids).map(f32::to_bits));
        assert!(p > 0.0 && p < 1.0, "a sigmoid output: {p}");
        assert!(through_the_buffer(&[]).is_nan(), "an empty sequence");
        assert!(
            through_the_buffer(&[1, 10000]).is_nan(),
            "an id out of range"
        );
        assert!(classify(CAPACITY + 1).is_nan(), "longer than the buffer");
        assert_eq!(capacity(), CAPACITY);
    }
}
