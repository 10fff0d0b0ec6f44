//! Streaming: `step` one timestep at a time and `forward_from` in chunks give exactly
//! `forward`'s numbers (bit for bit: the same compiled code runs from a carried state), on
//! SimpleRNN, LSTM, GRU, mixed stacks and masks, with Keras-exported weights; a masked step
//! leaves state and output as they were; `reset` goes back to the start; `step` allocates
//! nothing.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use common::{Lcg, read_fixture};
use rnn_runtime::rnn_model;
use rnn_runtime::simd::Simd;

/// Counts each thread's allocations, to hold `step` to "allocates nothing" (tests run on
/// several threads at once: only the test's own thread is counted).
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

// The Keras fixtures' models (tests/fixtures), weights exported from Keras.
rnn_model! { struct LstmMaskSeq<Embedding(50, 8, mask_zero = true), LSTM(6, seq), LSTM(5, seq), Dense(3)>; }
rnn_model! { struct GruJena<Input(None, 14), GRU(32), Dense(1)>; }
rnn_model! { struct LstmMasking<Input(None, 4), Masking(), LSTM(6, seq), GRU(3)>; }
rnn_model! { struct EluMask<Embedding(30, 6, mask_zero = true), ELU(), SimpleRNN(5, seq), ReLU(max_value = 0.5), SimpleRNN(3)>; }
rnn_model! { struct TdActivationLayers<Input(None, 4), TimeDistributed(ReLU(max_value = 1.0, threshold = 0.1)), TimeDistributed(LeakyReLU(negative_slope = 0.2)), TimeDistributed(ELU(alpha = 2.0)), SimpleRNN(4, seq), TimeDistributed(Softmax())>; }
rnn_model! { struct CausalConvGru<Input(None, 3), Conv1D(4, 3, padding = causal, dilation_rate = 2, activation = relu), GRU(5, seq), Conv1D(2, 2, padding = causal), Dense(1)>; }
rnn_model! { struct CausalConvLstm<Input(None, 2), Conv1D(3, 4, padding = causal), LSTM(4)>; }
rnn_model! { struct NormMask<Embedding(30, 6, mask_zero = true), BatchNormalization(), LayerNormalization(), SimpleRNN(4, seq), LayerNormalization(), SimpleRNN(3)>; }
rnn_model! { struct TdNorm<Input(None, 4), TimeDistributed(BatchNormalization()), TimeDistributed(LayerNormalization()), SimpleRNN(4, seq), TimeDistributed(LayerNormalization(center = false))>; }
rnn_model! { struct PreluMaskLstm<Embedding(30, 6, mask_zero = true), LSTM(5, seq), PReLU(shared_axes = [1]), LSTM(3)>; }
rnn_model! { struct TdPreluGru<Input(None, 4), TimeDistributed(PReLU()), GRU(3, seq)>; }
rnn_model! { struct Mixed<Embedding(40, 6, mask_zero = true), SimpleRNN(5, seq), GRU(4, seq, reset_after = false), LSTM(3), Dense(2, activation = softmax)>; }

fn tokens(seed: u64, n: usize, vocab: u32, padding_every: usize) -> Vec<u32> {
    let mut r = Lcg(seed);
    (0..n)
        .map(|i| {
            if padding_every > 0 && i % padding_every == 1 {
                0
            } else {
                1 + (r.next() * (vocab - 1) as f32) as u32 % (vocab - 1)
            }
        })
        .collect()
}

/// On the code path `simd` (one test per path; a path this CPU lacks is reported ignored, through
/// the cfgs of rnn-runtime/build.rs, which this package runs too).
fn stepping_matches_forward_on(simd: Simd) {
    let m = LstmMaskSeq::from_json(&read_fixture("lstm_mask_seq.weights.json")).unwrap();
    // Masked steps (id 0) at the start, inside and at the end.
    let mut ids = tokens(1, 40, 50, 3);
    ids[0] = 0;
    ids[39] = 0;
    rnn_runtime::simd::force(Some(simd));
    assert_eq!(
        rnn_runtime::simd::active(),
        simd,
        "this CPU lacks {simd:?} (the build probed another CPU?)"
    );
    let full = m.forward(&ids).unwrap();
    let mut state = m.state();
    let stepped: Vec<[f32; 3]> = ids
        .iter()
        .map(|&id| m.step(&mut state, id).unwrap())
        .collect();
    // In chunks of 7, 1, 13 and the rest, carrying the state (Keras's stateful = True).
    let mut state = m.state();
    let mut chunked = Vec::new();
    for chunk in [&ids[..7], &ids[7..8], &ids[8..21], &ids[21..]] {
        chunked.extend(m.forward_from(&mut state, chunk).unwrap());
    }
    rnn_runtime::simd::force(None);
    assert_eq!(stepped, full, "{simd:?}");
    assert_eq!(chunked, full, "{simd:?}");
}

mod stepping_a_token_sequence_gives_forward_s_outputs_exactly {
    use super::*;

    #[test]
    fn portable() {
        stepping_matches_forward_on(Simd::Portable);
    }

    #[test]
    #[cfg_attr(not(cpu_avx2), ignore = "this CPU has no AVX2 and FMA")]
    fn avx2() {
        stepping_matches_forward_on(Simd::Avx2);
    }

    #[test]
    #[cfg_attr(not(cpu_avx512), ignore = "this CPU has no AVX-512")]
    fn avx512() {
        stepping_matches_forward_on(Simd::Avx512);
    }

    #[test]
    #[cfg_attr(
        not(all(target_arch = "wasm32", target_feature = "simd128")),
        ignore = "not a WebAssembly build with simd128"
    )]
    fn simd128() {
        stepping_matches_forward_on(Simd::Simd128);
    }

    #[test]
    #[cfg_attr(not(cpu_neon), ignore = "not a build for aarch64 with NEON")]
    fn neon() {
        stepping_matches_forward_on(Simd::Neon);
    }
}

#[test]
fn stepping_float_models_gives_forward_s_last_output_at_every_step() {
    let gru = GruJena::from_json(&common::read_fixture("gru_jena.weights.json")).unwrap();
    let mut r = Lcg(7);
    let xs: Vec<[f32; 14]> = (0..60)
        .map(|_| std::array::from_fn(|_| r.uniform(-2.0, 2.0)))
        .collect();
    let mut state = gru.state();
    for t in 0..xs.len() {
        let y = gru.step(&mut state, &xs[t]).unwrap();
        // The output for the sequence so far is `forward` of that prefix.
        assert_eq!(y, gru.forward(&xs[..=t]).unwrap(), "step {t}");
    }
    // Masking: an all-zero step is masked and leaves the state and the output as they were.
    let m = LstmMasking::from_json(&read_fixture("lstm_masking.weights.json")).unwrap();
    let xs = [
        [0.5, -1.0, 0.25, 2.0],
        [0.0; 4],
        [0.0, 1.0, 0.0, 0.0],
        [0.0; 4],
        [1.0, 1.0, -1.0, 0.5],
    ];
    let mut state = m.state();
    let mut outs = Vec::new();
    for x in &xs {
        outs.push(m.step(&mut state, x).unwrap());
    }
    assert_eq!(outs[1], outs[0], "a masked step repeats the output");
    assert_eq!(outs[3], outs[2]);
    assert_ne!(outs[2], outs[1]);
    assert_eq!(outs[4], m.forward(&xs[..]).unwrap());
}

#[test]
fn a_masked_token_leaves_the_state_as_it_was_and_reset_starts_over() {
    let m = Mixed::random(11);
    let ids = tokens(3, 25, 40, 0);
    let mut plain = m.state();
    let mut padded = m.state();
    for (t, &id) in ids.iter().enumerate() {
        let a = m.step(&mut plain, id).unwrap();
        // The padded stream sees two masked tokens before every real one.
        m.step(&mut padded, 0).unwrap();
        let before = m.step(&mut padded, 0).unwrap();
        let b = m.step(&mut padded, id).unwrap();
        assert_eq!(a, b, "step {t}");
        if t > 0 {
            assert_eq!(
                before,
                m.forward(&ids[..t]).unwrap(),
                "a masked step repeats the output"
            );
        }
    }
    let whole = m.forward(&ids).unwrap();
    plain.reset();
    let again: Vec<[f32; 2]> = ids
        .iter()
        .map(|&id| m.step(&mut plain, id).unwrap())
        .collect();
    assert_eq!(*again.last().unwrap(), whole);
    // A token past the vocabulary is refused, and the state is not touched.
    let mut state = m.state();
    m.step(&mut state, 5).unwrap();
    let kept = state.clone();
    assert!(m.step(&mut state, 40).is_err());
    assert_eq!(format!("{state:?}"), format!("{kept:?}"));
}

/// Keras's fixture `name`: each input row (token ids or float steps) with Keras's output for it,
/// flattened.
fn keras_rows(name: &str) -> Vec<(serde_json::Value, Vec<f32>)> {
    let io: serde_json::Value =
        serde_json::from_str(&read_fixture(&format!("{name}.io.json"))).unwrap();
    let rows = |key: &str| io[key].as_array().unwrap().clone();
    rows("inputs")
        .into_iter()
        .zip(rows("outputs"))
        .map(|(row, want)| (row, flat_floats(&want)))
        .collect()
}

/// Every number in `v`, nested arrays flattened.
fn flat_floats(v: &serde_json::Value) -> Vec<f32> {
    match v {
        serde_json::Value::Array(items) => items.iter().flat_map(flat_floats).collect(),
        x => vec![x.as_f64().unwrap() as f32],
    }
}

/// A token row's ids.
fn ids_of(row: &serde_json::Value) -> Vec<u32> {
    let ids = row.as_array().unwrap().iter();
    ids.map(|v| v.as_u64().unwrap() as u32).collect()
}

/// A float row's steps of F features.
fn steps_of<const F: usize>(row: &serde_json::Value) -> Vec<[f32; F]> {
    let steps = row.as_array().unwrap().iter();
    steps.map(|x| flat_floats(x).try_into().unwrap()).collect()
}

/// `step` over `xs` in order (from the state the closure holds), allocating nothing while it
/// steps (checked): every step's output.
fn step_all<X, const W: usize>(xs: &[X], mut step: impl FnMut(&X) -> [f32; W]) -> Vec<[f32; W]> {
    let mut out = Vec::with_capacity(xs.len());
    let before = allocations();
    for x in xs {
        out.push(step(x));
    }
    assert_eq!(allocations() - before, 0, "allocations while stepping");
    out
}

/// `got` is Keras's `want` within the parity bound (1e-5).
fn assert_near_keras(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: output size");
    let d = got
        .iter()
        .zip(want)
        .fold(0.0f32, |d, (a, b)| d.max((a - b).abs()));
    assert!(d <= 1e-5, "{what}: {d}");
}

/// The activation layers (ReLU, LeakyReLU, ELU, Softmax, in and out of TimeDistributed) stream
/// as per-step layers, the mask passing through them: stepping Keras's fixture inputs gives
/// Keras's outputs (tests/fixtures/elu_mask, td_activation_layers) and `forward`'s numbers
/// exactly, and allocates nothing.
#[test]
fn activation_layers_stream_with_keras_s_outputs() {
    let m = EluMask::from_json(&read_fixture("elu_mask.weights.json")).unwrap();
    for (row, want) in keras_rows("elu_mask") {
        let ids = ids_of(&row);
        let mut state = m.state();
        let stepped = step_all(&ids, |&id| m.step(&mut state, id).unwrap());
        let last = stepped[stepped.len() - 1];
        assert_eq!(last, m.forward(&ids).unwrap());
        assert_near_keras(&last, &want, &format!("{ids:?}"));
    }
    let m =
        TdActivationLayers::from_json(&read_fixture("td_activation_layers.weights.json")).unwrap();
    for (row, want) in keras_rows("td_activation_layers") {
        let xs = steps_of::<4>(&row);
        let mut state = m.state();
        let stepped = step_all(&xs, |x| m.step(&mut state, x).unwrap());
        assert_eq!(stepped, m.forward(&xs).unwrap());
        assert_near_keras(stepped.as_flattened(), &want, "td_activation_layers");
    }
}

/// PReLU with its alpha shared over time (shared_axes = [1], or inside TimeDistributed) streams
/// as a per-step layer, the mask passing through it: stepping Keras's fixture inputs gives
/// Keras's outputs (tests/fixtures/prelu_mask_lstm, td_prelu_gru) and `forward`'s numbers
/// exactly, and allocates nothing.
#[test]
fn prelu_with_shared_time_streams_with_keras_s_outputs() {
    let m = PreluMaskLstm::from_json(&read_fixture("prelu_mask_lstm.weights.json")).unwrap();
    for (row, want) in keras_rows("prelu_mask_lstm") {
        let ids = ids_of(&row);
        let mut state = m.state();
        let stepped = step_all(&ids, |&id| m.step(&mut state, id).unwrap());
        let last = stepped[stepped.len() - 1];
        assert_eq!(last, m.forward(&ids).unwrap());
        assert_near_keras(&last, &want, &format!("{ids:?}"));
    }
    let m = TdPreluGru::from_json(&read_fixture("td_prelu_gru.weights.json")).unwrap();
    for (row, want) in keras_rows("td_prelu_gru") {
        let xs = steps_of::<4>(&row);
        let mut state = m.state();
        let stepped = step_all(&xs, |x| m.step(&mut state, x).unwrap());
        assert_eq!(stepped, m.forward(&xs).unwrap());
        assert_near_keras(stepped.as_flattened(), &want, "td_prelu_gru");
    }
}

/// Causal, stride-1 convolutions stream (issue 22): each keeps its last inputs in the state
/// (`dilation · (kernel − 1)` of them), so stepping Keras's fixture inputs gives Keras's outputs
/// at every step and `forward`'s numbers bit for bit, with no allocation; `forward_from` in
/// two chunks gives the same; `reset` starts over. Keras 3 (causal_conv_gru: a dilated causal
/// Conv1D, a GRU, a second causal Conv1D after it) and tf_keras (tfk_causal_conv_lstm).
#[test]
fn causal_convolutions_stream_with_keras_s_outputs() {
    let m = CausalConvGru::from_json(&read_fixture("causal_conv_gru.weights.json")).unwrap();
    for (row, want) in keras_rows("causal_conv_gru") {
        let xs = steps_of::<3>(&row);
        let mut state = m.state();
        let stepped = step_all(&xs, |x| m.step(&mut state, x).unwrap());
        assert_eq!(stepped, m.forward(&xs).unwrap());
        assert_near_keras(stepped.as_flattened(), &want, "causal_conv_gru");
        // Two chunks from a carried state: the same outputs; after `reset`, the start again.
        let (a, b) = xs.split_at(4);
        let mut state = m.state();
        let mut chunked = m.forward_from(&mut state, a).unwrap();
        chunked.extend(m.forward_from(&mut state, b).unwrap());
        assert_eq!(chunked, stepped);
        state.reset();
        assert_eq!(m.step(&mut state, &xs[0]).unwrap(), stepped[0]);
    }
    let m = CausalConvLstm::from_json(&read_fixture("tfk_causal_conv_lstm.weights.json")).unwrap();
    for (row, want) in keras_rows("tfk_causal_conv_lstm") {
        let xs = steps_of::<2>(&row);
        let mut state = m.state();
        let stepped = step_all(&xs, |x| m.step(&mut state, x).unwrap());
        let last = stepped[stepped.len() - 1];
        assert_eq!(last, m.forward(&xs).unwrap());
        assert_near_keras(&last, &want, "tfk_causal_conv_lstm");
    }
}

/// The normalization layers stream as per-step layers (BatchNormalization's fused scale and
/// shift, LayerNormalization's per-step statistics), the mask passing through them: stepping
/// Keras's fixture inputs gives Keras's outputs (tests/fixtures/norm_mask, td_norm) and
/// `forward`'s numbers exactly, and allocates nothing.
#[test]
fn normalization_layers_stream_with_keras_s_outputs() {
    let m = NormMask::from_json(&read_fixture("norm_mask.weights.json")).unwrap();
    for (row, want) in keras_rows("norm_mask") {
        let ids = ids_of(&row);
        let mut state = m.state();
        let stepped = step_all(&ids, |&id| m.step(&mut state, id).unwrap());
        let last = stepped[stepped.len() - 1];
        assert_eq!(last, m.forward(&ids).unwrap());
        assert_near_keras(&last, &want, &format!("{ids:?}"));
    }
    let m = TdNorm::from_json(&read_fixture("td_norm.weights.json")).unwrap();
    for (row, want) in keras_rows("td_norm") {
        let xs = steps_of::<4>(&row);
        let mut state = m.state();
        let stepped = step_all(&xs, |x| m.step(&mut state, x).unwrap());
        assert_eq!(stepped, m.forward(&xs).unwrap());
        assert_near_keras(stepped.as_flattened(), &want, "td_norm");
    }
}

#[test]
fn step_allocates_nothing() {
    let m = LstmMaskSeq::from_json(&read_fixture("lstm_mask_seq.weights.json")).unwrap();
    let g = GruJena::from_json(&common::read_fixture("gru_jena.weights.json")).unwrap();
    let ids = tokens(5, 200, 50, 4);
    let x = [0.25f32; 14];
    let (mut s, mut sg) = (m.state(), g.state());
    let before = allocations();
    let mut sum = 0.0;
    for &id in &ids {
        sum += m.step(&mut s, id).unwrap()[0];
        sum += g.step(&mut sg, &x).unwrap()[0];
    }
    let after = allocations();
    assert!(sum.is_finite());
    assert_eq!(after - before, 0, "allocations during 400 steps");
}
