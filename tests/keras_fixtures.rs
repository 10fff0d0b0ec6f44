//! Keras parity: every fixture in tests/fixtures is a real Keras model with random weights,
//! exported by tools/keras_export.py, with inputs and Keras's own `model.predict` outputs
//! (tools/gen_fixtures.py). Each is declared here with the same layers, loaded, and run through
//! both `forward` (row by row) and `predict` (the batch). Also checked: layer names, classes,
//! output shapes and parameter counts against Keras's, and the summary against its golden.
//! Every code path (portable, AVX2+FMA, AVX-512, NEON, WebAssembly's simd128) is its own test,
//! `NAME::portable`, `NAME::avx2`, `NAME::avx512`, `NAME::neon`, `NAME::simd128`; the test of a
//! path this CPU lacks is reported ignored (the cfgs of rnn-runtime/build.rs, which this package
//! runs too; simd128's by the build's own target features). .ci/run runs them built for aarch64
//! under qemu-aarch64 and for wasm32-wasip1 under Node too.
//! Every fixture is loaded twice: from its exported JSON and from the original Keras file it
//! was exported from (tests/fixtures/keras/NAME.keras or NAME.h5, gzip-compressed when large),
//! read in Rust by `M::load`; both must hold the same weights and both are held to Keras.

mod common;

use common::{Flat, max_abs_diff, max_plain_diff, read_fixture};
use rnn_runtime::ndarray::{Array2, Array3};
use rnn_runtime::simd::{self, Simd};
use serde_json::Value;

/// The parity bound the project promises: 1e-5 absolute, or 1e-5 relative where Keras's output
/// is larger than 1 in magnitude (there 1e-5 absolute is below one f32 ulp: `exponential` reaches
/// ~400, where one ulp is 3e-5).
const TOLERANCE: f32 = 1e-5;

fn io(name: &str) -> Value {
    serde_json::from_str(&read_fixture(&format!("{name}.io.json"))).expect("io fixture is JSON")
}

fn floats(v: &Value) -> Vec<f32> {
    match v {
        Value::Array(items) => items.iter().flat_map(floats).collect(),
        Value::Number(n) => vec![n.as_f64().expect("number") as f32],
        other => panic!("unexpected {other}"),
    }
}

fn rows(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

/// The declaration matches the fixture: same DSL (ignoring spaces), names, classes, shapes,
/// params, total, and the summary golden where there is one.
fn check_declaration(
    name: &str,
    dsl: &str,
    infos: &[rnn_runtime::LayerInfo],
    params: usize,
    summary: &str,
) {
    let io = io(name);
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!(
        squash(io["dsl"].as_str().unwrap()),
        squash(dsl),
        "{name}: fixture built from other layers"
    );
    let keras_layers = rows(&io["layers"]);
    assert_eq!(keras_layers.len(), infos.len(), "{name}: layer count");
    for (k, ours) in keras_layers.iter().zip(infos) {
        assert_eq!(k["name"], ours.name, "{name}: layer name");
        assert_eq!(k["class"], ours.class, "{name}: class of {}", ours.name);
        assert_eq!(
            k["output_shape"], ours.output_shape,
            "{name}: output shape of {}",
            ours.name
        );
        assert_eq!(k["params"], ours.params, "{name}: params of {}", ours.name);
    }
    assert_eq!(io["total_params"], params, "{name}: total params");
    let golden = common::fixtures().join(format!("summaries/{name}.txt"));
    if let Ok(text) = std::fs::read_to_string(golden) {
        assert_eq!(
            format!("{summary}\n"),
            text,
            "{name}: summary differs from Keras 2.4.3's"
        );
    }
}

/// The batch `predict` gets: the fixture's rows repeated to `BATCH_ROWS`, so that rows run in
/// full lockstep groups (6 rows, fewer for a wide layer: three groups or more) and in a
/// remainder.
const BATCH_ROWS: usize = 19;

/// Row `r` of the repeated batch is fixture row `r % rows`.
fn cycled<T: Clone>(rows: &[T]) -> Vec<T> {
    (0..BATCH_ROWS.max(rows.len()))
        .map(|r| rows[r % rows.len()].clone())
        .collect()
}

/// Runs `forward` on every row and `predict` on the repeated batch on the code path `simd`, and
/// holds both to Keras's outputs. A path the CPU lacks fails (its test is ignored where the
/// build saw no such CPU).
fn assert_parity(
    simd: Simd,
    name: &str,
    expected: &[f32],
    rows: usize,
    forward: impl Fn() -> Vec<f32>,
    predict: impl Fn() -> Vec<f32>,
) {
    let per_row: Vec<Vec<f32>> = expected
        .chunks(expected.len() / rows)
        .map(<[f32]>::to_vec)
        .collect();
    let expected_batch = cycled(&per_row).concat();
    simd::force(Some(simd));
    assert_eq!(
        simd::active(),
        simd,
        "{name}: this CPU lacks {simd:?} (the build probed another CPU?)"
    );
    let (f, p) = (forward(), predict());
    simd::force(None);
    let d_forward = max_abs_diff(&f, expected);
    let d_predict = max_abs_diff(&p, &expected_batch);
    let plain = max_plain_diff(&f, expected).max(max_plain_diff(&p, &expected_batch));
    println!(
        "{name} [{simd:?}]: max |ours - keras| forward {d_forward:e}, predict {d_predict:e}; plain absolute {plain:e}"
    );
    assert!(
        d_forward <= TOLERANCE && d_predict <= TOLERANCE,
        "{name} [{simd:?}]: {d_forward} / {d_predict}"
    );
}

/// A test per code path, each calling `check(path)` (of the module it expands in).
macro_rules! per_path_tests {
    () => {
        #[test]
        fn portable() {
            check(Simd::Portable)
        }

        #[test]
        #[cfg_attr(not(cpu_avx2), ignore = "this CPU has no AVX2 and FMA")]
        fn avx2() {
            check(Simd::Avx2)
        }

        #[test]
        #[cfg_attr(not(cpu_avx512), ignore = "this CPU has no AVX-512")]
        fn avx512() {
            check(Simd::Avx512)
        }

        #[test]
        #[cfg_attr(
            not(all(target_arch = "wasm32", target_feature = "simd128")),
            ignore = "not a WebAssembly build with simd128"
        )]
        fn simd128() {
            check(Simd::Simd128)
        }

        #[test]
        #[cfg_attr(not(cpu_neon), ignore = "not a build for aarch64 with NEON")]
        fn neon() {
            check(Simd::Neon)
        }
    };
}

macro_rules! token_fixture {
    ($test:ident, $Model:ident, $($layers:tt)*) => {
        mod $test {
            use super::*;
            rnn_runtime::rnn_model! { struct $Model<$($layers)*>; }
            per_path_tests!();
            fn check(simd: Simd) {
                let name = stringify!($test);
                check_declaration(name, stringify!($($layers)*), $Model::LAYERS, $Model::PARAMS, $Model::SUMMARY);
                let models = [
                    ("JSON", $Model::from_json(&read_fixture(&format!("{name}.weights.json"))).expect("weights load")),
                    ("Keras file", $Model::load(common::original(name)).unwrap_or_else(|e| panic!("{name}: {e}"))),
                ];
                assert_eq!(models[0].1.to_json(), models[1].1.to_json(), "{name}: the Keras file's weights");
                let io = io(name);
                let inputs: Vec<Vec<u32>> = rows(&io["inputs"])
                    .iter()
                    .map(|r| rows(r).iter().map(|v| v.as_u64().unwrap() as u32).collect())
                    .collect();
                let many = cycled(&inputs);
                let batch = Array2::from_shape_vec((many.len(), inputs[0].len()), many.concat()).unwrap();
                for (from, model) in &models {
                    assert_parity(
                        simd,
                        &format!("{name} ({from})"),
                        &floats(&io["outputs"]),
                        inputs.len(),
                        || inputs.iter().flat_map(|ids| model.forward(ids).expect("forward").flat()).collect(),
                        || model.predict(batch.view()).expect("predict").into_iter().collect(),
                    );
                }
            }
        }
    };
}

macro_rules! float_fixture {
    ($test:ident, $Model:ident, $($layers:tt)*) => {
        mod $test {
            use super::*;
            rnn_runtime::rnn_model! { struct $Model<$($layers)*>; }
            per_path_tests!();
            fn check(simd: Simd) {
                let name = stringify!($test);
                check_declaration(name, stringify!($($layers)*), $Model::LAYERS, $Model::PARAMS, $Model::SUMMARY);
                let models = [
                    ("JSON", $Model::from_json(&read_fixture(&format!("{name}.weights.json"))).expect("weights load")),
                    ("Keras file", $Model::load(common::original(name)).unwrap_or_else(|e| panic!("{name}: {e}"))),
                ];
                assert_eq!(models[0].1.to_json(), models[1].1.to_json(), "{name}: the Keras file's weights");
                let io = io(name);
                let seqs: Vec<Vec<[f32; $Model::INPUT_WIDTH]>> = rows(&io["inputs"])
                    .iter()
                    .map(|s| rows(s).iter().map(|x| floats(x).try_into().expect("feature width")).collect())
                    .collect();
                let many = cycled(&seqs);
                let flat: Vec<f32> = many.iter().flat_map(|s| s.concat()).collect();
                let batch = Array3::from_shape_vec((many.len(), seqs[0].len(), $Model::INPUT_WIDTH), flat).unwrap();
                for (from, model) in &models {
                    assert_parity(
                        simd,
                        &format!("{name} ({from})"),
                        &floats(&io["outputs"]),
                        seqs.len(),
                        || {
                            seqs.iter()
                                .flat_map(|xs| model.forward(xs.as_slice().try_into().expect("length")).expect("forward").flat())
                                .collect()
                        },
                        || model.predict(batch.view()).expect("predict").into_iter().collect(),
                    );
                }
            }
        }
    };
}

// The notebook's models.
float_fixture!(seed_rnn, SeedRnn, Input(None, 32), SimpleRNN(64, seq));
token_fixture!(seed1, Seed1, Embedding(10000, 32), SimpleRNN(32));
token_fixture!(seed2, Seed2, Embedding(10000, 32), SimpleRNN(32, seq));
token_fixture!(
    seed3,
    Seed3,
    Embedding(10000, 32),
    SimpleRNN(32, seq),
    SimpleRNN(32, seq),
    SimpleRNN(32, seq),
    SimpleRNN(32)
);
// The book's IMDB classifier, from Keras 3 and from tf_keras (.h5).
token_fixture!(
    imdb,
    Imdb,
    Embedding(10000, 32),
    SimpleRNN(32),
    Dense(1, activation = sigmoid)
);
token_fixture!(
    tfk_imdb,
    TfkImdb,
    Embedding(10000, 32),
    SimpleRNN(32),
    Dense(1, activation = sigmoid)
);
// Masking: pre/post padding, interior zeros, all-padding rows; through sequences and Dense.
token_fixture!(
    mask_last,
    MaskLast,
    Embedding(50, 8, mask_zero = true),
    SimpleRNN(6)
);
token_fixture!(
    mask_seq,
    MaskSeq,
    Embedding(50, 8, mask_zero = true),
    SimpleRNN(6, seq),
    SimpleRNN(5, seq),
    Dense(3)
);
token_fixture!(
    mask_dense_between,
    MaskDenseBetween,
    Embedding(50, 8, mask_zero = true),
    SimpleRNN(6, seq),
    Dense(4, activation = relu),
    SimpleRNN(5)
);
token_fixture!(
    mask_back,
    MaskBack,
    Embedding(30, 6, mask_zero = true),
    SimpleRNN(5, seq, go_backwards = true)
);
token_fixture!(
    mask_back_last,
    MaskBackLast,
    Embedding(30, 6, mask_zero = true),
    SimpleRNN(5, go_backwards = true)
);
// After a go_backwards layer that returns sequences, Keras passes its input mask on unreversed.
token_fixture!(
    mask_back_then_forward,
    MaskBackThenForward,
    Embedding(30, 6, mask_zero = true),
    SimpleRNN(5, seq, go_backwards = true),
    SimpleRNN(4, seq)
);
token_fixture!(
    mask_back_twice,
    MaskBackTwice,
    Embedding(30, 6, mask_zero = true),
    SimpleRNN(5, seq),
    SimpleRNN(4, seq, go_backwards = true),
    Dense(2),
    SimpleRNN(3, go_backwards = true)
);
// go_backwards, first and deeper in a stack.
float_fixture!(
    back_seq,
    BackSeq,
    Input(None, 5),
    SimpleRNN(7, seq, go_backwards = true)
);
float_fixture!(
    back_stack,
    BackStack,
    Input(None, 4),
    SimpleRNN(6, seq),
    SimpleRNN(5, seq, go_backwards = true),
    SimpleRNN(3, go_backwards = true)
);
// Options and shapes.
float_fixture!(
    no_bias,
    NoBias,
    Input(None, 4),
    SimpleRNN(6, seq, use_bias = false),
    Dense(3, use_bias = false)
);
float_fixture!(
    dense_vec,
    DenseVec,
    Input(None, 3),
    SimpleRNN(8),
    Dense(6, activation = relu),
    Dense(3, activation = softmax)
);
float_fixture!(
    fixed_len,
    FixedLen,
    Input(12, 4),
    SimpleRNN(5, seq),
    Dense(2)
);
token_fixture!(embed_only, EmbedOnly, Embedding(20, 4));
token_fixture!(
    embed_dense,
    EmbedDense,
    Embedding(20, 4),
    Dense(3, activation = tanh)
);
token_fixture!(
    tfk_input_length,
    TfkInputLength,
    Embedding(100, 8, input_length = 10),
    SimpleRNN(4)
);
float_fixture!(
    tfk_hard_sigmoid,
    TfkHardSigmoid,
    Input(None, 3),
    SimpleRNN(4, seq, activation = hard_sigmoid_keras2)
);

// Every activation, as a SimpleRNN's and as a Dense's (per timestep).
macro_rules! activation_fixtures {
    ($($act:ident: $rnn:ident $RnnM:ident, $dense:ident $DenseM:ident;)*) => {$(
        float_fixture!($rnn, $RnnM, Input(None, 3), SimpleRNN(4, seq, activation = $act));
        float_fixture!($dense, $DenseM, Input(None, 5), Dense(4, activation = $act));
    )*};
}

activation_fixtures! {
    relu: act_rnn_relu ActRnnRelu, act_dense_relu ActDenseRelu;
    sigmoid: act_rnn_sigmoid ActRnnSigmoid, act_dense_sigmoid ActDenseSigmoid;
    softmax: act_rnn_softmax ActRnnSoftmax, act_dense_softmax ActDenseSoftmax;
    elu: act_rnn_elu ActRnnElu, act_dense_elu ActDenseElu;
    selu: act_rnn_selu ActRnnSelu, act_dense_selu ActDenseSelu;
    softplus: act_rnn_softplus ActRnnSoftplus, act_dense_softplus ActDenseSoftplus;
    softsign: act_rnn_softsign ActRnnSoftsign, act_dense_softsign ActDenseSoftsign;
    swish: act_rnn_swish ActRnnSwish, act_dense_swish ActDenseSwish;
    gelu: act_rnn_gelu ActRnnGelu, act_dense_gelu ActDenseGelu;
    exponential: act_rnn_exponential ActRnnExponential, act_dense_exponential ActDenseExponential;
    hard_sigmoid: act_rnn_hard_sigmoid ActRnnHardSigmoid, act_dense_hard_sigmoid ActDenseHardSigmoid;
    relu6: act_rnn_relu6 ActRnnRelu6, act_dense_relu6 ActDenseRelu6;
    leaky_relu: act_rnn_leaky_relu ActRnnLeakyRelu, act_dense_leaky_relu ActDenseLeakyRelu;
    mish: act_rnn_mish ActRnnMish, act_dense_mish ActDenseMish;
    log_softmax: act_rnn_log_softmax ActRnnLogSoftmax, act_dense_log_softmax ActDenseLogSoftmax;
}
// The defaults (SimpleRNN: tanh, Dense: linear) are declared without the keyword, as the exporter
// prints them.
float_fixture!(
    act_rnn_linear,
    ActRnnLinear,
    Input(None, 3),
    SimpleRNN(4, seq, activation = linear)
);
float_fixture!(act_dense_linear, ActDenseLinear, Input(None, 5), Dense(4));
float_fixture!(act_rnn_tanh, ActRnnTanh, Input(None, 3), SimpleRNN(4, seq));
float_fixture!(
    act_dense_tanh,
    ActDenseTanh,
    Input(None, 5),
    Dense(4, activation = tanh)
);

// ---------------------------------------------------------------------------------------------
// Layers without tensors: Dropout-likes (identity at inference), Activation, Masking.
// Fixtures from tools/gen_fixtures.py (Keras 3 and tf_keras `tfk_`). These need the macro to
// support the new layer classes; until it does, this block does not compile.
// ---------------------------------------------------------------------------------------------
// Masks through Dropout: pre/post/interior padding and an all-padding row.
token_fixture!(
    drop_mask,
    DropMask,
    Embedding(50, 8, mask_zero = true),
    Dropout(0.5),
    SimpleRNN(6, seq),
    Dropout(0.5),
    SimpleRNN(5)
);
// Masking (a step is masked when ALL its features equal mask_value) before stacked SimpleRNNs.
float_fixture!(
    masking_stack,
    MaskingStack,
    Input(None, 4),
    Masking(),
    SimpleRNN(6, seq),
    SimpleRNN(5, seq),
    Dense(2)
);
float_fixture!(
    masking_value_last,
    MaskingValueLast,
    Input(None, 4),
    Masking(mask_value = -1.0),
    SimpleRNN(6, seq),
    SimpleRNN(5)
);
// Masking then go_backwards: the backward layer passes its input mask on unreversed.
float_fixture!(
    masking_back,
    MaskingBack,
    Input(None, 4),
    Masking(),
    SimpleRNN(5, seq, go_backwards = true),
    SimpleRNN(4, seq)
);
// Steps with SOME features equal to mask_value are not masked.
float_fixture!(
    masking_partial,
    MaskingPartial,
    Input(None, 3),
    Masking(mask_value = -1.0),
    SimpleRNN(4, seq)
);
float_fixture!(
    masking_noop_chain,
    MaskingNoopChain,
    Input(None, 4),
    Masking(),
    GaussianNoise(0.1),
    SimpleRNN(5, seq),
    Activation(tanh),
    Dense(3, activation = softmax)
);
// Activation on a sequence (softmax over the last axis), on a vector, and inside a masked stack.
float_fixture!(
    activation_softmax_seq,
    ActivationSoftmaxSeq,
    Input(None, 3),
    SimpleRNN(5, seq),
    Activation(softmax)
);
float_fixture!(
    activation_relu_vec,
    ActivationReluVec,
    Input(None, 3),
    SimpleRNN(6),
    Activation(relu)
);
token_fixture!(
    activation_mask,
    ActivationMask,
    Embedding(30, 6, mask_zero = true),
    SimpleRNN(5, seq),
    Activation(sigmoid),
    SimpleRNN(3)
);
// Each identity layer at least once, some on masked token models.
token_fixture!(
    spatial_dropout_mask,
    SpatialDropoutMask,
    Embedding(40, 6, mask_zero = true),
    SpatialDropout1D(0.2),
    SimpleRNN(5, seq),
    Dense(3)
);
token_fixture!(
    gaussian_noise_mask,
    GaussianNoiseMask,
    Embedding(40, 6, mask_zero = true),
    GaussianNoise(0.1),
    SimpleRNN(5)
);
float_fixture!(
    gaussian_dropout_seq,
    GaussianDropoutSeq,
    Input(None, 4),
    SimpleRNN(6, seq),
    GaussianDropout(0.3),
    Dense(2, activation = tanh)
);
token_fixture!(
    activity_reg_mask,
    ActivityRegMask,
    Embedding(40, 6, mask_zero = true),
    SimpleRNN(5, seq),
    ActivityRegularization(l1 = 0.01),
    SimpleRNN(4, go_backwards = true)
);
// An explicitly named layer does not use up an automatic number: the second Dropout is `dropout`.
float_fixture!(
    named_dropout,
    NamedDropout,
    Input(None, 3),
    Dropout(0.5, name = "drop_in"),
    SimpleRNN(4, seq),
    Dropout(0.25),
    Dense(2)
);
// tf_keras (.h5): Keras 2's hard_sigmoid as an Activation, Masking (also with go_backwards), and
// the identity layers on a masked token model.
float_fixture!(
    tfk_activation_hard_sigmoid,
    TfkActivationHardSigmoid,
    Input(None, 3),
    SimpleRNN(4, seq, activation = linear),
    Activation(hard_sigmoid_keras2)
);
float_fixture!(
    tfk_masking,
    TfkMasking,
    Input(None, 4),
    Masking(),
    SimpleRNN(5, seq),
    Dropout(0.5),
    SimpleRNN(3)
);
float_fixture!(
    tfk_masking_back,
    TfkMaskingBack,
    Input(None, 4),
    Masking(mask_value = -1.0),
    SimpleRNN(5, seq, go_backwards = true),
    Dense(2)
);
token_fixture!(
    tfk_noise_mask,
    TfkNoiseMask,
    Embedding(40, 6, mask_zero = true),
    GaussianDropout(0.3),
    SpatialDropout1D(0.2),
    SimpleRNN(5, seq),
    ActivityRegularization(l2 = 0.001),
    Activation(softmax)
);

// ---------------------------------------------------------------------------------------------
// LSTM and GRU (tools/gen_fixtures.py, fixtures lstm_*, gru_*, tfk_*lstm*, tfk_*gru*).
// NOTE: these need `rnn_model!` support for LSTM and GRU; until the macro has it, this block
// does not compile.
// ---------------------------------------------------------------------------------------------
// The book's IMDB classifier with an LSTM, from Keras 3 and from tf_keras (.h5); 500-token reviews.
token_fixture!(
    lstm_imdb,
    LstmImdb,
    Embedding(10000, 32),
    LSTM(32),
    Dense(1, activation = sigmoid)
);
token_fixture!(
    tfk_imdb_lstm,
    TfkImdbLstm,
    Embedding(10000, 32),
    LSTM(32),
    Dense(1, activation = sigmoid)
);
// The book's Jena temperature models (dropout arguments are the identity at inference).
float_fixture!(gru_jena, GruJena, Input(None, 14), GRU(32), Dense(1));
float_fixture!(
    gru_jena_stacked,
    GruJenaStacked,
    Input(None, 14),
    GRU(32, seq, dropout = 0.1, recurrent_dropout = 0.5),
    GRU(
        64,
        activation = relu,
        dropout = 0.1,
        recurrent_dropout = 0.5
    ),
    Dense(1)
);
float_fixture!(
    tfk_gru_jena,
    TfkGruJena,
    Input(None, 14),
    GRU(32, seq, dropout = 0.1, recurrent_dropout = 0.5),
    GRU(
        64,
        activation = relu,
        dropout = 0.1,
        recurrent_dropout = 0.5
    ),
    Dense(1)
);
// GRU's two bias forms: reset_after (bias [2, 3u]) and reset_after = false (bias [3u]), with and
// without bias; LSTM without bias; unit_forget_bias (initialisation only).
float_fixture!(gru_reset_after, GruResetAfter, Input(None, 4), GRU(8, seq));
float_fixture!(
    gru_reset_after_no_bias,
    GruResetAfterNoBias,
    Input(None, 4),
    GRU(8, use_bias = false)
);
float_fixture!(
    gru_reset_before,
    GruResetBefore,
    Input(None, 4),
    GRU(8, reset_after = false)
);
float_fixture!(
    gru_reset_before_no_bias,
    GruResetBeforeNoBias,
    Input(None, 4),
    GRU(8, seq, use_bias = false, reset_after = false)
);
float_fixture!(
    lstm_no_bias,
    LstmNoBias,
    Input(None, 4),
    LSTM(8, seq, use_bias = false),
    Dense(3, use_bias = false)
);
float_fixture!(
    lstm_forget_bias_off,
    LstmForgetBiasOff,
    Input(None, 3),
    LSTM(4, unit_forget_bias = false)
);
float_fixture!(
    tfk_gru_no_bias,
    TfkGruNoBias,
    Input(None, 4),
    GRU(6, seq, use_bias = false),
    LSTM(3, use_bias = false)
);
// Masks (pre, post, interior, all-padding rows): a masked step keeps h and c and repeats the
// previous output. lstm_mask_state: long padding runs inside rows, so c must survive them.
token_fixture!(
    lstm_mask_last,
    LstmMaskLast,
    Embedding(50, 8, mask_zero = true),
    LSTM(6)
);
token_fixture!(
    lstm_mask_seq,
    LstmMaskSeq,
    Embedding(50, 8, mask_zero = true),
    LSTM(6, seq),
    LSTM(5, seq),
    Dense(3)
);
token_fixture!(
    gru_mask_last,
    GruMaskLast,
    Embedding(50, 8, mask_zero = true),
    GRU(6, dropout = 0.2)
);
token_fixture!(
    gru_mask_seq,
    GruMaskSeq,
    Embedding(50, 8, mask_zero = true),
    GRU(6, seq),
    GRU(5, seq, reset_after = false),
    Dense(3)
);
token_fixture!(
    lstm_mask_state,
    LstmMaskState,
    Embedding(40, 6, mask_zero = true),
    LSTM(5, seq),
    LSTM(4)
);
// go_backwards with and without a mask, and a forward layer after a backwards `seq` layer (it
// sees the input mask unreversed).
token_fixture!(
    lstm_back_mask,
    LstmBackMask,
    Embedding(30, 6, mask_zero = true),
    LSTM(5, seq, go_backwards = true),
    LSTM(4, seq)
);
token_fixture!(
    lstm_back_mask_last,
    LstmBackMaskLast,
    Embedding(30, 6, mask_zero = true),
    LSTM(5, go_backwards = true)
);
float_fixture!(
    lstm_back,
    LstmBack,
    Input(None, 5),
    LSTM(7, seq, go_backwards = true),
    LSTM(3)
);
token_fixture!(
    gru_back_mask,
    GruBackMask,
    Embedding(30, 6, mask_zero = true),
    GRU(5, seq, go_backwards = true),
    GRU(4)
);
float_fixture!(
    gru_back,
    GruBack,
    Input(None, 5),
    GRU(6, seq, go_backwards = true),
    GRU(4, seq)
);
float_fixture!(
    tfk_lstm_masking_back,
    TfkLstmMaskingBack,
    Input(None, 4),
    Masking(),
    LSTM(5, seq, go_backwards = true),
    GRU(3)
);
// Wide layers.
float_fixture!(
    lstm_wide,
    LstmWide,
    Input(None, 16),
    LSTM(128, seq),
    Dense(4)
);
float_fixture!(gru_wide, GruWide, Input(None, 16), GRU(160));
// Mixed stacks, Masking before an LSTM.
token_fixture!(
    lstm_gru_mixed_mask,
    LstmGruMixedMask,
    Embedding(50, 8, mask_zero = true),
    SimpleRNN(6, seq),
    LSTM(5, seq, go_backwards = true),
    GRU(4, seq),
    Dense(2)
);
float_fixture!(
    lstm_masking,
    LstmMasking,
    Input(None, 4),
    Masking(),
    LSTM(6, seq),
    GRU(3)
);
// Activations: the cell's `activation` and the gates' `recurrent_activation`; Keras 2's hard_sigmoid
// (tf_keras), also with Keras 2.0-2.2's defaults (hard_sigmoid gates, reset_after = false).
float_fixture!(
    lstm_act_relu,
    LstmActRelu,
    Input(None, 3),
    LSTM(4, seq, activation = relu)
);
float_fixture!(
    lstm_act_softsign_linear,
    LstmActSoftsignLinear,
    Input(None, 3),
    LSTM(4, seq, activation = softsign, recurrent_activation = linear)
);
float_fixture!(
    lstm_recact_hard_sigmoid,
    LstmRecactHardSigmoid,
    Input(None, 3),
    LSTM(4, seq, recurrent_activation = hard_sigmoid)
);
float_fixture!(
    gru_act_linear,
    GruActLinear,
    Input(None, 3),
    GRU(4, seq, activation = linear)
);
float_fixture!(
    gru_recact_softsign,
    GruRecactSoftsign,
    Input(None, 3),
    GRU(4, seq, recurrent_activation = softsign)
);
float_fixture!(
    gru_act_relu_hard_sigmoid,
    GruActReluHardSigmoid,
    Input(None, 3),
    GRU(
        4,
        seq,
        activation = relu,
        recurrent_activation = hard_sigmoid,
        reset_after = false
    )
);
float_fixture!(
    tfk_lstm_hard_sigmoid,
    TfkLstmHardSigmoid,
    Input(None, 3),
    LSTM(4, seq, recurrent_activation = hard_sigmoid_keras2)
);
float_fixture!(
    tfk_gru_hard_sigmoid,
    TfkGruHardSigmoid,
    Input(None, 3),
    GRU(4, seq, recurrent_activation = hard_sigmoid_keras2)
);
token_fixture!(
    tfk_gru_keras2_defaults,
    TfkGruKeras2Defaults,
    Embedding(40, 6, mask_zero = true),
    GRU(
        5,
        seq,
        recurrent_activation = hard_sigmoid_keras2,
        reset_after = false
    ),
    LSTM(4, recurrent_activation = hard_sigmoid_keras2)
);
// Bidirectional (every merge mode; LSTM, GRU both reset_after forms, SimpleRNN inside; masks,
// stacked, after Masking / Dropout / a go_backwards layer, named) and TimeDistributed heads;
// Keras 3 and tf_keras.
float_fixture!(
    bidi_lstm_concat,
    BidiLstmConcat,
    Input(None, 4),
    Bidirectional(LSTM(5, seq))
);
float_fixture!(
    bidi_gru_sum_last,
    BidiGruSumLast,
    Input(None, 4),
    Bidirectional(GRU(5), merge_mode = sum)
);
float_fixture!(
    bidi_gru_reset_before_mul,
    BidiGruResetBeforeMul,
    Input(None, 3),
    Bidirectional(GRU(4, seq, reset_after = false), merge_mode = mul),
    Dense(2)
);
token_fixture!(
    bidi_rnn_ave_mask,
    BidiRnnAveMask,
    Embedding(30, 6, mask_zero = true),
    Bidirectional(SimpleRNN(5, seq), merge_mode = ave),
    Dense(2)
);
token_fixture!(
    bidi_lstm_mask_last,
    BidiLstmMaskLast,
    Embedding(30, 6, mask_zero = true),
    Bidirectional(LSTM(5))
);
token_fixture!(
    bidi_stacked,
    BidiStacked,
    Embedding(50, 6, mask_zero = true),
    Bidirectional(LSTM(5, seq, dropout = 0.2)),
    Bidirectional(GRU(4), merge_mode = ave)
);
float_fixture!(
    bidi_masking_then_lstm,
    BidiMaskingThenLstm,
    Input(None, 4),
    Masking(),
    Bidirectional(GRU(5, seq), merge_mode = sum),
    LSTM(3)
);
token_fixture!(
    bidi_dropout_mul,
    BidiDropoutMul,
    Embedding(50, 6, mask_zero = true),
    Dropout(0.5),
    Bidirectional(SimpleRNN(4), merge_mode = mul),
    Dense(1, activation = sigmoid)
);
token_fixture!(
    bidi_imdb,
    BidiImdb,
    Embedding(10000, 32),
    Bidirectional(LSTM(32)),
    Dense(1, activation = sigmoid)
);
token_fixture!(
    bidi_then_lstm_seq,
    BidiThenLstmSeq,
    Embedding(30, 6, mask_zero = true),
    Bidirectional(LSTM(4, seq)),
    LSTM(3, seq),
    Dense(2)
);
token_fixture!(
    bidi_after_back,
    BidiAfterBack,
    Embedding(30, 6, mask_zero = true),
    GRU(5, seq, go_backwards = true),
    Bidirectional(LSTM(4, seq), merge_mode = sum)
);
float_fixture!(
    bidi_named,
    BidiNamed,
    Input(None, 3),
    Bidirectional(SimpleRNN(3, seq, activation = relu), name = "encoder"),
    Bidirectional(GRU(2, seq, reset_after = false), merge_mode = ave),
    SimpleRNN(2)
);
token_fixture!(
    td_softmax_bidi,
    TdSoftmaxBidi,
    Embedding(30, 6, mask_zero = true),
    Bidirectional(GRU(5, seq)),
    TimeDistributed(Dense(4, activation = softmax))
);
token_fixture!(
    td_softmax_lstm,
    TdSoftmaxLstm,
    Embedding(30, 6, mask_zero = true),
    LSTM(6, seq),
    TimeDistributed(Dense(3, activation = softmax))
);
float_fixture!(
    td_masking_chain,
    TdMaskingChain,
    Input(None, 4),
    Masking(),
    TimeDistributed(Dense(5, activation = relu)),
    TimeDistributed(Dropout(0.5)),
    Bidirectional(SimpleRNN(3)),
    Dense(2)
);
token_fixture!(
    bidi_tfk_lstm_mul_td,
    BidiTfkLstmMulTd,
    Embedding(40, 6, mask_zero = true),
    Bidirectional(LSTM(5, seq), merge_mode = mul),
    TimeDistributed(Dense(3, activation = softmax))
);
float_fixture!(
    bidi_tfk_gru_keras2_ave,
    BidiTfkGruKeras2Ave,
    Input(None, 4),
    Masking(mask_value = -1.0),
    Bidirectional(
        GRU(
            4,
            recurrent_activation = hard_sigmoid_keras2,
            reset_after = false
        ),
        merge_mode = ave
    )
);
float_fixture!(
    bidi_tfk_rnn_stacked,
    BidiTfkRnnStacked,
    Input(None, 3),
    Bidirectional(SimpleRNN(4, seq)),
    Bidirectional(SimpleRNN(3), merge_mode = sum)
);
token_fixture!(
    bidi_tfk_back_named,
    BidiTfkBackNamed,
    Embedding(30, 6, mask_zero = true),
    LSTM(5, seq, go_backwards = true),
    Bidirectional(GRU(4, seq), name = "bi"),
    Dropout(0.3),
    TimeDistributed(Dense(2)),
    GRU(3)
);
float_fixture!(
    td_tfk_lstm_softmax,
    TdTfkLstmSoftmax,
    Input(None, 4),
    Masking(),
    LSTM(5, seq),
    TimeDistributed(Dense(3, activation = softmax))
);
// The activation layers (issue 22): ReLU with every option (inputs at and around the
// threshold and the limit; a limit below the threshold), LeakyReLU (Keras 3's negative_slope,
// tf_keras's alpha, a negative tf_keras slope), ELU, Softmax over the last axis; behind a
// masked Embedding (the mask passes through them), inside TimeDistributed, on a fixed length.
float_fixture!(
    relu_params,
    ReluParams,
    Input(None, 4),
    ReLU(max_value = 1.5, negative_slope = 0.1, threshold = 0.2)
);
float_fixture!(
    relu_low_max,
    ReluLowMax,
    Input(None, 3),
    ReLU(max_value = 0.5, threshold = 1.0),
    SimpleRNN(3, seq)
);
float_fixture!(
    relu_stack,
    ReluStack,
    Input(None, 3),
    SimpleRNN(5, seq),
    ReLU(),
    Dense(2),
    ReLU(max_value = 6.0)
);
float_fixture!(
    relu_fixed_len,
    ReluFixedLen,
    Input(6, 4),
    ReLU(negative_slope = 0.05),
    SimpleRNN(3)
);
token_fixture!(
    leaky_relu_mask,
    LeakyReluMask,
    Embedding(30, 6, mask_zero = true),
    LeakyReLU(),
    SimpleRNN(4)
);
float_fixture!(
    leaky_relu_slope,
    LeakyReluSlope,
    Input(None, 4),
    LeakyReLU(negative_slope = 0.01),
    SimpleRNN(3, seq)
);
float_fixture!(
    elu_alpha,
    EluAlpha,
    Input(None, 4),
    ELU(alpha = 0.5),
    SimpleRNN(3, seq)
);
token_fixture!(
    elu_mask,
    EluMask,
    Embedding(30, 6, mask_zero = true),
    ELU(),
    SimpleRNN(5, seq),
    ReLU(max_value = 0.5),
    SimpleRNN(3)
);
float_fixture!(
    softmax_seq,
    SoftmaxSeq,
    Input(None, 4),
    SimpleRNN(5, seq),
    Softmax()
);
token_fixture!(
    softmax_after_mask,
    SoftmaxAfterMask,
    Embedding(30, 6, mask_zero = true),
    SimpleRNN(5),
    Softmax()
);
float_fixture!(
    td_activation_layers,
    TdActivationLayers,
    Input(None, 4),
    TimeDistributed(ReLU(max_value = 1.0, threshold = 0.1)),
    TimeDistributed(LeakyReLU(negative_slope = 0.2)),
    TimeDistributed(ELU(alpha = 2.0)),
    SimpleRNN(4, seq),
    TimeDistributed(Softmax())
);
token_fixture!(
    td_leaky_relu_mask,
    TdLeakyReluMask,
    Embedding(30, 6, mask_zero = true),
    TimeDistributed(LeakyReLU()),
    TimeDistributed(ELU(alpha = 0.3)),
    SimpleRNN(3)
);
float_fixture!(
    tfk_leaky_relu,
    TfkLeakyRelu,
    Input(None, 4),
    LeakyReLU(),
    SimpleRNN(3, seq),
    LeakyReLU(negative_slope = -0.1)
);
float_fixture!(
    tfk_relu_params,
    TfkReluParams,
    Input(None, 4),
    ReLU(max_value = 1.5, negative_slope = 0.1, threshold = 0.2),
    SimpleRNN(3)
);
token_fixture!(
    tfk_elu_softmax_mask,
    TfkEluSoftmaxMask,
    Embedding(30, 6, mask_zero = true),
    ELU(alpha = 0.7),
    SimpleRNN(5),
    Softmax()
);
float_fixture!(
    tfk_td_activation_layers,
    TfkTdActivationLayers,
    Input(None, 4),
    TimeDistributed(ReLU(max_value = 0.8)),
    TimeDistributed(ELU()),
    SimpleRNN(4, seq),
    TimeDistributed(Softmax())
);

// Conv1D, pooling, Flatten and RepeatVector (issue 22): windows over whole sequences, the
// lengths they leave, masks they drop (and GlobalAveragePooling1D's masked mean).
float_fixture!(
    conv_pool_gru,
    ConvPoolGru,
    Input(None, 4),
    Conv1D(6, 3, activation = relu),
    MaxPooling1D(),
    GRU(5)
);
float_fixture!(
    conv_strides_same_causal,
    ConvStridesSameCausal,
    Input(None, 3),
    Conv1D(4, 3, strides = 2, padding = same),
    AveragePooling1D(pool_size = 3, strides = 2, padding = same),
    Conv1D(5, 2, padding = causal, dilation_rate = 2)
);
token_fixture!(
    conv_groups_mask_gap,
    ConvGroupsMaskGap,
    Embedding(30, 8, mask_zero = true),
    Conv1D(6, 3, groups = 2),
    GlobalAveragePooling1D()
);
token_fixture!(
    gap_mask_dense,
    GapMaskDense,
    Embedding(30, 6, mask_zero = true),
    GlobalAveragePooling1D(),
    Dense(2)
);
float_fixture!(
    addition_rnn,
    AdditionRnn,
    Input(7, 12),
    LSTM(16),
    RepeatVector(4),
    LSTM(16, seq),
    TimeDistributed(Dense(12, activation = softmax))
);
float_fixture!(
    conv_flatten,
    ConvFlatten,
    Input(6, 3),
    Conv1D(4, 2),
    Flatten(),
    Dense(2)
);
float_fixture!(
    causal_conv_gru,
    CausalConvGru,
    Input(None, 3),
    Conv1D(4, 3, padding = causal, dilation_rate = 2, activation = relu),
    GRU(5, seq),
    Conv1D(2, 2, padding = causal),
    Dense(1)
);
float_fixture!(
    tfk_causal_conv_lstm,
    TfkCausalConvLstm,
    Input(None, 2),
    Conv1D(3, 4, padding = causal),
    LSTM(4)
);
// The normalization layers (issue 22): BatchNormalization at inference with random moving
// statistics, without center / scale; LayerNormalization with and without Keras 3's
// rms_scaling; between recurrent layers, after a masked Embedding (the mask passes), inside
// TimeDistributed, on the vector after the last recurrent layer; tf_keras's `axis` lists.
float_fixture!(
    bn_stats,
    BnStats,
    Input(None, 4),
    BatchNormalization(),
    SimpleRNN(5, seq),
    BatchNormalization(epsilon = 0.01),
    GRU(3)
);
float_fixture!(
    bn_plain,
    BnPlain,
    Input(None, 3),
    BatchNormalization(center = false, scale = false),
    LSTM(4, seq),
    BatchNormalization(scale = false)
);
float_fixture!(
    ln_seq,
    LnSeq,
    Input(None, 4),
    LayerNormalization(),
    SimpleRNN(5, seq),
    LayerNormalization(epsilon = 0.0001, center = false),
    Dense(2)
);
float_fixture!(
    ln_rms,
    LnRms,
    Input(None, 4),
    LayerNormalization(rms_scaling = true),
    SimpleRNN(3, seq),
    LayerNormalization(scale = false, rms_scaling = true)
);
token_fixture!(
    norm_mask,
    NormMask,
    Embedding(30, 6, mask_zero = true),
    BatchNormalization(),
    LayerNormalization(),
    SimpleRNN(4, seq),
    LayerNormalization(),
    SimpleRNN(3)
);
float_fixture!(
    td_norm,
    TdNorm,
    Input(None, 4),
    TimeDistributed(BatchNormalization()),
    TimeDistributed(LayerNormalization()),
    SimpleRNN(4, seq),
    TimeDistributed(LayerNormalization(center = false))
);
float_fixture!(
    norm_vector,
    NormVector,
    Input(None, 4),
    LSTM(5),
    BatchNormalization(),
    LayerNormalization(),
    Dense(2)
);
float_fixture!(
    tfk_norm,
    TfkNorm,
    Input(None, 4),
    BatchNormalization(),
    SimpleRNN(5, seq),
    LayerNormalization(),
    GRU(3),
    BatchNormalization(center = false),
    LayerNormalization(scale = false)
);
token_fixture!(
    tfk_norm_mask_td,
    TfkNormMaskTd,
    Embedding(30, 6, mask_zero = true),
    TimeDistributed(BatchNormalization()),
    LayerNormalization(epsilon = 0.01),
    TimeDistributed(LayerNormalization()),
    SimpleRNN(3)
);

/// BatchNormalization's moving statistics are not trainable: the model's counts are Keras's
/// (its summary's "Trainable params" / "Non-trainable params" for these fixtures).
#[test]
fn moving_statistics_count_as_non_trainable_as_in_keras() {
    rnn_runtime::rnn_model! { struct BnStats<Input(None, 4), BatchNormalization(), SimpleRNN(5, seq), BatchNormalization(epsilon = 0.01), GRU(3)>; }
    rnn_runtime::rnn_model! { struct TfkNormMaskTd<Embedding(30, 6, mask_zero = true), TimeDistributed(BatchNormalization()), LayerNormalization(epsilon = 0.01), TimeDistributed(LayerNormalization()), SimpleRNN(3)>; }
    rnn_runtime::rnn_model! { struct LnSeq<Input(None, 4), LayerNormalization(), SimpleRNN(5, seq), LayerNormalization(epsilon = 0.0001, center = false), Dense(2)>; }
    let counts = |name: &str| {
        let path = common::fixtures().join(format!("summaries/{name}.txt"));
        let text = std::fs::read_to_string(path).unwrap();
        let count = |label: &str| -> usize {
            let line = text.lines().find(|l| l.starts_with(label)).unwrap();
            line[label.len()..].trim().replace(',', "").parse().unwrap()
        };
        (count("Trainable params:"), count("Non-trainable params:"))
    };
    assert_eq!(
        counts("bn_stats"),
        (BnStats::TRAINABLE_PARAMS, BnStats::NON_TRAINABLE_PARAMS)
    );
    assert_eq!(BnStats::NON_TRAINABLE_PARAMS, 2 * (4 + 5));
    assert_eq!(
        counts("tfk_norm_mask_td"),
        (
            TfkNormMaskTd::TRAINABLE_PARAMS,
            TfkNormMaskTd::NON_TRAINABLE_PARAMS
        )
    );
    assert_eq!(
        counts("ln_seq"),
        (LnSeq::TRAINABLE_PARAMS, LnSeq::NON_TRAINABLE_PARAMS)
    );
    assert_eq!(LnSeq::NON_TRAINABLE_PARAMS, 0);
}

// More Conv1D, pooling, masks into them, Global*Pooling1D with keepdims, Flatten and
// RepeatVector, the book's 6.4 models and a CNN-LSTM, from Keras 3 and tf_keras (issue 22).
float_fixture!(
    conv_kernel_one_seven,
    ConvKernelOneSeven,
    Input(None, 3),
    Conv1D(5, 1, activation = tanh),
    Conv1D(4, 7, activation = sigmoid)
);
float_fixture!(
    conv_same_strides3,
    ConvSameStrides3,
    Input(None, 4),
    Conv1D(5, 4, strides = 3, padding = same, activation = elu),
    GRU(3)
);
float_fixture!(
    conv_same_dilation3,
    ConvSameDilation3,
    Input(None, 3),
    Conv1D(4, 3, padding = same, dilation_rate = 3),
    Conv1D(3, 2, padding = same, dilation_rate = 2)
);
float_fixture!(
    conv_causal_k5_nobias,
    ConvCausalK5Nobias,
    Input(None, 3),
    Conv1D(4, 5, padding = causal, dilation_rate = 2, use_bias = false),
    LSTM(3, seq)
);
float_fixture!(
    conv_causal_strides3,
    ConvCausalStrides3,
    Input(None, 4),
    Conv1D(6, 4, strides = 3, padding = causal, activation = relu),
    Conv1D(3, 2, strides = 2, padding = causal)
);
float_fixture!(
    conv_valid_k6_strides2,
    ConvValidK6Strides2,
    Input(None, 3),
    Conv1D(4, 6, strides = 2, activation = softplus),
    Dense(2)
);
float_fixture!(
    conv_valid_dilations,
    ConvValidDilations,
    Input(None, 3),
    Conv1D(4, 2, dilation_rate = 2, activation = swish),
    Conv1D(3, 3, dilation_rate = 3)
);
float_fixture!(
    conv_groups4_same,
    ConvGroups4Same,
    Input(None, 8),
    Conv1D(8, 3, padding = same, groups = 4, use_bias = false),
    Conv1D(4, 2, groups = 2, activation = relu)
);
float_fixture!(
    maxpool_odd_valid,
    MaxpoolOddValid,
    Input(None, 3),
    MaxPooling1D(pool_size = 3),
    Dense(2)
);
float_fixture!(
    maxpool_same_s2,
    MaxpoolSameS2,
    Input(None, 3),
    MaxPooling1D(pool_size = 4, strides = 2, padding = same)
);
float_fixture!(
    avgpool_same_s3,
    AvgpoolSameS3,
    Input(None, 3),
    AveragePooling1D(strides = 3, padding = same)
);
float_fixture!(
    avgpool_valid_s1,
    AvgpoolValidS1,
    Input(None, 3),
    AveragePooling1D(pool_size = 4, strides = 1),
    SimpleRNN(2)
);
float_fixture!(
    conv_maxpool_s1_same,
    ConvMaxpoolS1Same,
    Input(None, 4),
    Conv1D(5, 3, activation = relu),
    MaxPooling1D(pool_size = 3, strides = 1, padding = same),
    AveragePooling1D(pool_size = 3, padding = same)
);
token_fixture!(
    mask_conv_pool_gmp,
    MaskConvPoolGmp,
    Embedding(30, 6, mask_zero = true),
    Conv1D(5, 3, padding = same),
    MaxPooling1D(),
    GlobalMaxPooling1D()
);
token_fixture!(
    mask_maxpool_lstm,
    MaskMaxpoolLstm,
    Embedding(30, 6, mask_zero = true),
    MaxPooling1D(strides = 1),
    LSTM(3)
);
token_fixture!(
    mask_gmp_keepdims_dense,
    MaskGmpKeepdimsDense,
    Embedding(30, 6, mask_zero = true),
    GlobalMaxPooling1D(keepdims = true),
    Dense(3)
);
token_fixture!(
    mask_gap_keepdims_lstm,
    MaskGapKeepdimsLstm,
    Embedding(30, 6, mask_zero = true),
    GlobalAveragePooling1D(keepdims = true),
    LSTM(3)
);
float_fixture!(
    masking_conv_gru,
    MaskingConvGru,
    Input(None, 4),
    Masking(),
    Conv1D(5, 3, padding = causal),
    GRU(3)
);
float_fixture!(
    gap_repeat_lstm,
    GapRepeatLstm,
    Input(None, 4),
    Conv1D(6, 3, activation = relu),
    GlobalAveragePooling1D(),
    RepeatVector(3),
    LSTM(4, seq),
    TimeDistributed(Dense(2))
);
float_fixture!(
    conv_pool_flatten_softmax,
    ConvPoolFlattenSoftmax,
    Input(12, 3),
    Conv1D(4, 3, padding = same),
    MaxPooling1D(pool_size = 3),
    Flatten(),
    Dense(3, activation = softmax)
);
float_fixture!(
    jena_conv_gru,
    JenaConvGru,
    Input(None, 14),
    Conv1D(32, 5, activation = relu),
    MaxPooling1D(pool_size = 3),
    Conv1D(32, 5, activation = relu),
    GRU(32, dropout = 0.1, recurrent_dropout = 0.5),
    Dense(1)
);
token_fixture!(
    imdb_conv1d,
    ImdbConv1d,
    Embedding(500, 128),
    Conv1D(32, 7, activation = relu),
    MaxPooling1D(pool_size = 5),
    Conv1D(32, 7, activation = relu),
    GlobalMaxPooling1D(),
    Dense(1, activation = sigmoid)
);
float_fixture!(
    cnn_lstm_har,
    CnnLstmHar,
    Input(128, 9),
    Conv1D(16, 3, activation = relu),
    Conv1D(16, 3, activation = relu),
    Dropout(0.5),
    MaxPooling1D(),
    LSTM(20),
    Dense(20, activation = relu),
    Dense(6, activation = softmax)
);
token_fixture!(
    tfk_imdb_conv1d,
    TfkImdbConv1d,
    Embedding(500, 128, input_length = 500),
    Conv1D(32, 7, activation = relu),
    MaxPooling1D(pool_size = 5),
    Conv1D(32, 7, activation = relu),
    GlobalMaxPooling1D(),
    Dense(1)
);
float_fixture!(
    tfk_jena_conv_gru,
    TfkJenaConvGru,
    Input(None, 14),
    Conv1D(32, 5, activation = relu),
    MaxPooling1D(pool_size = 3),
    Conv1D(32, 5, activation = relu),
    GRU(32, dropout = 0.1, recurrent_dropout = 0.5),
    Dense(1)
);
float_fixture!(
    tfk_addition_rnn,
    TfkAdditionRnn,
    Input(7, 12),
    LSTM(16),
    RepeatVector(4),
    LSTM(16, seq),
    TimeDistributed(Dense(12, activation = softmax))
);
float_fixture!(
    tfk_cnn_lstm_har,
    TfkCnnLstmHar,
    Input(128, 9),
    Conv1D(16, 3, activation = relu),
    Conv1D(16, 3, activation = relu),
    Dropout(0.5),
    MaxPooling1D(),
    LSTM(20),
    Dense(20, activation = relu),
    Dense(6, activation = softmax)
);
float_fixture!(
    tfk_conv_same_causal,
    TfkConvSameCausal,
    Input(None, 3),
    Conv1D(4, 3, strides = 2, padding = same),
    Conv1D(3, 2, padding = causal, dilation_rate = 3, activation = tanh)
);
float_fixture!(
    tfk_conv_groups_avgpool,
    TfkConvGroupsAvgpool,
    Input(None, 4),
    Conv1D(8, 3, groups = 2, use_bias = false),
    AveragePooling1D(pool_size = 3, strides = 2, padding = same),
    GRU(3)
);
token_fixture!(
    tfk_mask_conv_gap_keepdims,
    TfkMaskConvGapKeepdims,
    Embedding(30, 6, mask_zero = true),
    Conv1D(4, 2, padding = causal),
    GlobalAveragePooling1D(keepdims = true),
    TimeDistributed(Dense(2))
);
token_fixture!(
    tfk_mask_gap_dense,
    TfkMaskGapDense,
    Embedding(30, 6, mask_zero = true),
    GlobalAveragePooling1D(),
    Dense(3, activation = softmax)
);
float_fixture!(
    tfk_masking_maxpool_lstm,
    TfkMaskingMaxpoolLstm,
    Input(None, 4),
    Masking(),
    MaxPooling1D(strides = 1),
    LSTM(3)
);
float_fixture!(
    tfk_gmp_keepdims_lstm,
    TfkGmpKeepdimsLstm,
    Input(None, 5),
    Conv1D(4, 3, padding = same, activation = tanh),
    GlobalMaxPooling1D(keepdims = true),
    LSTM(3)
);
float_fixture!(
    tfk_gap_repeat_gru,
    TfkGapRepeatGru,
    Input(None, 4),
    GlobalAveragePooling1D(),
    RepeatVector(3),
    GRU(2, seq)
);
float_fixture!(
    tfk_conv_pool_flatten,
    TfkConvPoolFlatten,
    Input(10, 3),
    Conv1D(4, 3, strides = 2),
    AveragePooling1D(),
    Flatten(),
    Dense(2)
);
float_fixture!(
    tfk_maxpool_odd_s3,
    TfkMaxpoolOddS3,
    Input(None, 3),
    MaxPooling1D(pool_size = 4, strides = 3),
    AveragePooling1D(strides = 1, padding = same)
);
// ZeroPadding1D, Cropping1D, UpSampling1D, Reshape, Permute, PReLU (issue 22): pad then convolve,
// crop, upsample between recurrent layers, Reshape between vectors and sequences (a -1 kept, a
// free length halved), Permute before an LSTM, PReLU with and without shared axes (the mask
// passes), in TimeDistributed; masks dropped by the reshaping layers. Keras 3 and tf_keras.
float_fixture!(
    pad_conv_gru,
    PadConvGru,
    Input(None, 4),
    ZeroPadding1D(padding = 2),
    Conv1D(6, 5, activation = relu),
    GRU(5)
);
float_fixture!(
    pad_asym_conv_dense,
    PadAsymConvDense,
    Input(None, 3),
    ZeroPadding1D(padding = (2, 0)),
    Conv1D(4, 3),
    Dense(2)
);
float_fixture!(
    conv_crop_lstm,
    ConvCropLstm,
    Input(None, 3),
    Conv1D(5, 3, padding = same, activation = tanh),
    Cropping1D(cropping = (1, 2)),
    LSTM(4, seq)
);
float_fixture!(
    gru_upsample_gru,
    GruUpsampleGru,
    Input(None, 3),
    GRU(6, seq),
    UpSampling1D(size = 3),
    GRU(4, seq)
);
float_fixture!(
    lstm_dense_reshape_gru,
    LstmDenseReshapeGru,
    Input(None, 8),
    LSTM(16),
    Dense(12),
    Reshape((4, 3)),
    GRU(5)
);
float_fixture!(
    gru_reshape_column_lstm,
    GruReshapeColumnLstm,
    Input(None, 4),
    GRU(6),
    Reshape((-1, 1)),
    LSTM(3)
);
float_fixture!(
    reshape_seq_to_vec,
    ReshapeSeqToVec,
    Input(7, 2),
    Reshape((14,)),
    Dense(3, activation = softmax)
);
float_fixture!(
    conv_reshape_half_gru,
    ConvReshapeHalfGru,
    Input(None, 8),
    Conv1D(8, 3, padding = causal),
    Reshape((-1, 4)),
    GRU(3, seq)
);
float_fixture!(
    permute_lstm,
    PermuteLstm,
    Input(6, 4),
    Permute((2, 1)),
    LSTM(5),
    Dense(2)
);
float_fixture!(
    prelu_dense_vec,
    PreluDenseVec,
    Input(None, 4),
    LSTM(6),
    Dense(5),
    PReLU(),
    Dense(2)
);
float_fixture!(
    prelu_seq_fixed,
    PreluSeqFixed,
    Input(6, 3),
    PReLU(),
    SimpleRNN(4, seq),
    PReLU(shared_axes = [1]),
    Permute((1, 2)),
    Dense(2)
);
float_fixture!(
    prelu_shared_axes,
    PreluSharedAxes,
    Input(5, 4),
    PReLU(shared_axes = [2]),
    GRU(3, seq),
    PReLU(shared_axes = [1, 2])
);
token_fixture!(
    prelu_mask_lstm,
    PreluMaskLstm,
    Embedding(30, 6, mask_zero = true),
    LSTM(5, seq),
    PReLU(shared_axes = [1]),
    LSTM(3)
);
float_fixture!(
    td_prelu_gru,
    TdPreluGru,
    Input(None, 4),
    TimeDistributed(PReLU()),
    GRU(3, seq)
);
token_fixture!(
    mask_pad_upsample_lstm,
    MaskPadUpsampleLstm,
    Embedding(30, 6, mask_zero = true),
    ZeroPadding1D(padding = (2, 1)),
    UpSampling1D(),
    LSTM(4)
);
float_fixture!(
    tfk_pad_conv_lstm,
    TfkPadConvLstm,
    Input(None, 3),
    ZeroPadding1D(),
    Conv1D(4, 3),
    LSTM(3)
);
float_fixture!(
    tfk_gru_crop_dense,
    TfkGruCropDense,
    Input(None, 4),
    GRU(5, seq),
    Cropping1D(),
    Dense(2)
);
float_fixture!(
    tfk_conv_crop_upsample,
    TfkConvCropUpsample,
    Input(None, 3),
    Conv1D(4, 3, strides = 2, padding = same),
    Cropping1D(cropping = (0, 1)),
    UpSampling1D(),
    Conv1D(2, 3, padding = same)
);
float_fixture!(
    tfk_gru_dense_reshape_lstm,
    TfkGruDenseReshapeLstm,
    Input(10, 3),
    GRU(8),
    Dense(12, activation = tanh),
    Reshape((6, 2)),
    LSTM(4, seq)
);
float_fixture!(
    tfk_lstm_reshape_gru,
    TfkLstmReshapeGru,
    Input(None, 3),
    LSTM(6),
    Reshape((-1, 2)),
    GRU(3)
);
float_fixture!(
    tfk_conv_reshape_dense,
    TfkConvReshapeDense,
    Input(5, 4),
    Conv1D(4, 2),
    Reshape((16,)),
    Dense(2)
);
float_fixture!(
    tfk_reshape_half_lstm,
    TfkReshapeHalfLstm,
    Input(None, 6),
    Reshape((-1, 3)),
    LSTM(3, seq)
);
float_fixture!(
    tfk_permute_gru,
    TfkPermuteGru,
    Input(5, 3),
    Permute((2, 1)),
    GRU(4, seq),
    Dense(2)
);
float_fixture!(
    tfk_prelu_seq,
    TfkPreluSeq,
    Input(6, 4),
    PReLU(),
    LSTM(5, seq),
    PReLU(shared_axes = [1]),
    Dense(2)
);
float_fixture!(
    tfk_prelu_vec,
    TfkPreluVec,
    Input(None, 3),
    GRU(6),
    PReLU(shared_axes = [1]),
    Dense(4),
    PReLU()
);
token_fixture!(
    tfk_prelu_mask_gru,
    TfkPreluMaskGru,
    Embedding(40, 6, mask_zero = true),
    GRU(5, seq),
    PReLU(shared_axes = [1]),
    GRU(3)
);
token_fixture!(
    tfk_td_prelu_mask,
    TfkTdPreluMask,
    Embedding(30, 6, mask_zero = true),
    TimeDistributed(PReLU()),
    LSTM(4)
);
token_fixture!(
    tfk_mask_upsample_gru,
    TfkMaskUpsampleGru,
    Embedding(30, 6, mask_zero = true),
    UpSampling1D(size = 3),
    GRU(3)
);
token_fixture!(
    tfk_mask_pad_gru,
    TfkMaskPadGru,
    Embedding(30, 6, mask_zero = true),
    ZeroPadding1D(padding = (0, 3)),
    GRU(4, seq)
);
token_fixture!(
    mask_crop_reshape_gru,
    MaskCropReshapeGru,
    Embedding(30, 6, mask_zero = true),
    Cropping1D(cropping = (1, 2)),
    Reshape((-1, 3)),
    GRU(4)
);
token_fixture!(
    tfk_mask_permute_lstm,
    TfkMaskPermuteLstm,
    Embedding(30, 6, mask_zero = true, input_length = 7),
    Permute((2, 1)),
    LSTM(4)
);
