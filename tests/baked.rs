//! Baked weights (`#[weights = "..."]`): the file is read and checked at compile time and the
//! model built in a `static`. A baked model equals the same model loaded at run time bit for bit
//! (outputs and `to_json()`), and a model declared by its file alone (`struct M;`) equals its
//! declared twin: LAYERS, PARAMS, SUMMARY and outputs. The same holds baked from the original
//! Keras file the JSON was exported from (`.keras` or `.h5`, gzip-compressed when large), which
//! the macro reads itself. Compile errors: tests/ui/baked_*.rs.

mod common;

use common::{Flat, read_fixture};
use rnn_runtime::rnn_model;
use serde_json::Value;

/// The fixture's inputs, as token rows or float sequences.
fn inputs(name: &str) -> Vec<Value> {
    let io: Value = serde_json::from_str(&read_fixture(&format!("{name}.io.json"))).unwrap();
    io["inputs"].as_array().unwrap().clone()
}

fn tokens(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_u64().unwrap() as u32)
        .collect()
}

fn floats<const F: usize>(v: &Value) -> Vec<[f32; F]> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|step| std::array::from_fn(|i| step[i].as_f64().unwrap() as f32))
        .collect()
}

/// Two weights files equal but for the model's name (each is its struct's).
fn same_weights(a: &str, b: &str) -> bool {
    let unnamed = |s: &str| {
        let mut v: Value = serde_json::from_str(s).unwrap();
        v["model"] = Value::Null;
        v
    };
    unnamed(a) == unnamed(b)
}

fn bits(xs: Vec<f32>) -> Vec<u32> {
    xs.into_iter().map(f32::to_bits).collect()
}

/// Declares, for one fixture, the baked model, the loaded twin, and the model from the file
/// alone, each also from the original Keras file, and holds them equal.
macro_rules! baked_fixture {
    ($test:ident, $name:literal, $file:literal, $original:literal, $kind:tt, [$($layers:tt)*]) => {
        #[test]
        fn $test() {
            rnn_model! {
                #[weights = $file]
                struct Baked<$($layers)*>;
            }
            rnn_model! {
                #[weights = $original]
                struct BakedKeras<$($layers)*>;
            }
            rnn_model! {
                #[weights = $original]
                struct FromKeras;
            }
            rnn_model! {
                struct Loaded<$($layers)*>;
            }
            rnn_model! {
                /// The layers come from the file.
                #[weights = $file]
                #[derive(Debug)]
                struct FromFile;
            }
            let loaded = Loaded::from_json(&read_fixture(&format!("{}.weights.json", $name))).unwrap();
            let baked: &'static Baked = Baked::baked();
            let from_file = FromFile::baked();
            let (baked_keras, from_keras) = (BakedKeras::baked(), FromKeras::baked());
            let loaded_keras = Loaded::load($original).unwrap();
            assert!(same_weights(&baked.to_json(), &loaded.to_json()), "to_json, baked");
            assert!(same_weights(&baked_keras.to_json(), &loaded.to_json()), "to_json, baked from Keras");
            assert!(same_weights(&from_keras.to_json(), &loaded.to_json()), "to_json, from Keras");
            assert!(same_weights(&loaded_keras.to_json(), &loaded.to_json()), "to_json, loaded from Keras");
            assert_eq!(BakedKeras::LAYERS, Loaded::LAYERS);
            assert_eq!(FromKeras::LAYERS, Loaded::LAYERS);
            assert_eq!(FromKeras::SUMMARY.replace("from_keras", "loaded"), Loaded::SUMMARY);
            assert!(same_weights(&from_file.to_json(), &loaded.to_json()), "to_json, from the file");
            assert_eq!(Baked::LAYERS, Loaded::LAYERS);
            assert_eq!(FromFile::LAYERS, Loaded::LAYERS);
            assert_eq!(FromFile::PARAMS, Loaded::PARAMS);
            assert_eq!(FromFile::SUMMARY.replace("from_file", "loaded"), Loaded::SUMMARY);
            assert_eq!(
                (FromFile::INPUT_WIDTH, FromFile::TAKES_TOKENS, FromFile::TIMESTEPS),
                (Loaded::INPUT_WIDTH, Loaded::TAKES_TOKENS, Loaded::TIMESTEPS)
            );
            assert_eq!(
                (FromFile::OUTPUT_WIDTH, FromFile::RETURNS_SEQUENCES),
                (Loaded::OUTPUT_WIDTH, Loaded::RETURNS_SEQUENCES)
            );
            for x in inputs($name) {
                baked_fixture!(@run $kind, x, baked, loaded, from_file);
                baked_fixture!(@run $kind, x, baked_keras, loaded_keras, from_keras);
                baked_fixture!(@run $kind, x, baked_keras, loaded, loaded_keras);
            }
        }
    };
    (@run tokens, $x:ident, $b:ident, $l:ident, $f:ident) => {{
        let x = tokens(&$x);
        let want = bits($l.forward(&x).unwrap().flat());
        assert_eq!(bits($b.forward(&x).unwrap().flat()), want, "baked");
        assert_eq!(bits($f.forward(&x).unwrap().flat()), want, "from the file");
    }};
    (@run (floats $f_:literal), $x:ident, $b:ident, $l:ident, $f:ident) => {{
        // a free length takes the slice, a fixed one the array
        let x = floats::<$f_>(&$x);
        let x = x.as_slice();
        let want = bits($l.forward(x.try_into().expect("length")).unwrap().flat());
        assert_eq!(bits($b.forward(x.try_into().expect("length")).unwrap().flat()), want, "baked");
        assert_eq!(bits($f.forward(x.try_into().expect("length")).unwrap().flat()), want, "from the file");
    }};
}

baked_fixture!(
    imdb_lstm,
    "lstm_imdb",
    "tests/fixtures/lstm_imdb.weights.json.gz",
    "tests/fixtures/keras/lstm_imdb.keras.gz",
    tokens,
    [
        Embedding(10000, 32),
        LSTM(32),
        Dense(1, activation = sigmoid)
    ]
);
baked_fixture!(
    imdb_bidirectional,
    "bidi_imdb",
    "tests/fixtures/bidi_imdb.weights.json.gz",
    "tests/fixtures/keras/bidi_imdb.keras.gz",
    tokens,
    [
        Embedding(10000, 32),
        Bidirectional(LSTM(32)),
        Dense(1, activation = sigmoid)
    ]
);
baked_fixture!(
    simple_rnn_sequence,
    "seed2",
    "tests/fixtures/seed2.weights.json.gz",
    "tests/fixtures/keras/seed2.keras.gz",
    tokens,
    [Embedding(10000, 32), SimpleRNN(32, seq)]
);
baked_fixture!(
    time_distributed_softmax_after_bidirectional_gru,
    "td_softmax_bidi",
    "tests/fixtures/td_softmax_bidi.weights.json",
    "tests/fixtures/keras/td_softmax_bidi.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        Bidirectional(GRU(5, seq)),
        TimeDistributed(Dense(4, activation = softmax))
    ]
);
baked_fixture!(
    bidirectional_rnn_average_masked,
    "bidi_rnn_ave_mask",
    "tests/fixtures/bidi_rnn_ave_mask.weights.json",
    "tests/fixtures/keras/bidi_rnn_ave_mask.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        Bidirectional(SimpleRNN(5, seq), merge_mode = ave),
        Dense(2)
    ]
);
baked_fixture!(
    gru_reset_before,
    "gru_reset_before",
    "tests/fixtures/gru_reset_before.weights.json",
    "tests/fixtures/keras/gru_reset_before.keras",
    (floats 4),
    [Input(None, 4), GRU(8, reset_after = false)]
);
baked_fixture!(
    masking_lstm_gru,
    "lstm_masking",
    "tests/fixtures/lstm_masking.weights.json",
    "tests/fixtures/keras/lstm_masking.keras.gz",
    (floats 4),
    [Input(None, 4), Masking(), LSTM(6, seq), GRU(3)]
);
baked_fixture!(
    bidirectional_gru_reset_before_mul,
    "bidi_gru_reset_before_mul",
    "tests/fixtures/bidi_gru_reset_before_mul.weights.json",
    "tests/fixtures/keras/bidi_gru_reset_before_mul.keras.gz",
    (floats 3),
    [Input(None, 3), Bidirectional(GRU(4, seq, reset_after = false), merge_mode = mul), Dense(2)]
);
baked_fixture!(
    tf_keras_imdb_lstm,
    "tfk_imdb_lstm",
    "tests/fixtures/tfk_imdb_lstm.weights.json.gz",
    "tests/fixtures/keras/tfk_imdb_lstm.h5.gz",
    tokens,
    [
        Embedding(10000, 32),
        LSTM(32),
        Dense(1, activation = sigmoid)
    ]
);
baked_fixture!(
    tf_keras_lstm_hard_sigmoid,
    "tfk_lstm_hard_sigmoid",
    "tests/fixtures/tfk_lstm_hard_sigmoid.weights.json",
    "tests/fixtures/keras/tfk_lstm_hard_sigmoid.h5",
    (floats 3),
    [Input(None, 3), LSTM(4, seq, recurrent_activation = hard_sigmoid_keras2)]
);
baked_fixture!(
    tf_keras_bidirectional_lstm_mul_time_distributed,
    "bidi_tfk_lstm_mul_td",
    "tests/fixtures/bidi_tfk_lstm_mul_td.weights.json",
    "tests/fixtures/keras/bidi_tfk_lstm_mul_td.h5.gz",
    tokens,
    [
        Embedding(40, 6, mask_zero = true),
        Bidirectional(LSTM(5, seq), merge_mode = mul),
        TimeDistributed(Dense(3, activation = softmax))
    ]
);
baked_fixture!(
    named_dropouts,
    "named_dropout",
    "tests/fixtures/named_dropout.weights.json",
    "tests/fixtures/keras/named_dropout.keras.gz",
    (floats 3),
    [Input(None, 3), Dropout(0.5, name = "drop_in"), SimpleRNN(4, seq), Dropout(0.25), Dense(2)]
);

// The activation layers (issue 22), Keras 3 and tf_keras, with and without a mask.
baked_fixture!(
    activation_layers_time_distributed,
    "td_activation_layers",
    "tests/fixtures/td_activation_layers.weights.json",
    "tests/fixtures/keras/td_activation_layers.keras.gz",
    (floats 4),
    [
        Input(None, 4),
        TimeDistributed(ReLU(max_value = 1.0, threshold = 0.1)),
        TimeDistributed(LeakyReLU(negative_slope = 0.2)),
        TimeDistributed(ELU(alpha = 2.0)),
        SimpleRNN(4, seq),
        TimeDistributed(Softmax())
    ]
);
baked_fixture!(
    activation_layers_masked,
    "elu_mask",
    "tests/fixtures/elu_mask.weights.json",
    "tests/fixtures/keras/elu_mask.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        ELU(),
        SimpleRNN(5, seq),
        ReLU(max_value = 0.5),
        SimpleRNN(3)
    ]
);
baked_fixture!(
    tf_keras_leaky_relu_alpha,
    "tfk_leaky_relu",
    "tests/fixtures/tfk_leaky_relu.weights.json",
    "tests/fixtures/keras/tfk_leaky_relu.h5",
    (floats 4),
    [
        Input(None, 4),
        LeakyReLU(),
        SimpleRNN(3, seq),
        LeakyReLU(negative_slope = -0.1)
    ]
);
baked_fixture!(
    tf_keras_relu_elu_softmax,
    "tfk_elu_softmax_mask",
    "tests/fixtures/tfk_elu_softmax_mask.weights.json",
    "tests/fixtures/keras/tfk_elu_softmax_mask.h5.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        ELU(alpha = 0.7),
        SimpleRNN(5),
        Softmax()
    ]
);
baked_fixture!(
    tf_keras_relu_options,
    "tfk_relu_params",
    "tests/fixtures/tfk_relu_params.weights.json",
    "tests/fixtures/keras/tfk_relu_params.h5",
    (floats 4),
    [
        Input(None, 4),
        ReLU(max_value = 1.5, negative_slope = 0.1, threshold = 0.2),
        SimpleRNN(3)
    ]
);

// The normalization layers (issue 22), Keras 3 and tf_keras: the fused BatchNormalization
// scale and shift are baked as the loaded model computes them.
baked_fixture!(
    batch_norm_stats,
    "bn_stats",
    "tests/fixtures/bn_stats.weights.json",
    "tests/fixtures/keras/bn_stats.keras.gz",
    (floats 4),
    [
        Input(None, 4),
        BatchNormalization(),
        SimpleRNN(5, seq),
        BatchNormalization(epsilon = 0.01),
        GRU(3)
    ]
);
baked_fixture!(
    batch_norm_plain,
    "bn_plain",
    "tests/fixtures/bn_plain.weights.json",
    "tests/fixtures/keras/bn_plain.keras.gz",
    (floats 3),
    [
        Input(None, 3),
        BatchNormalization(center = false, scale = false),
        LSTM(4, seq),
        BatchNormalization(scale = false)
    ]
);
baked_fixture!(
    layer_norm_seq,
    "ln_seq",
    "tests/fixtures/ln_seq.weights.json",
    "tests/fixtures/keras/ln_seq.keras.gz",
    (floats 4),
    [
        Input(None, 4),
        LayerNormalization(),
        SimpleRNN(5, seq),
        LayerNormalization(epsilon = 0.0001, center = false),
        Dense(2)
    ]
);
baked_fixture!(
    layer_norm_rms_scaling,
    "ln_rms",
    "tests/fixtures/ln_rms.weights.json",
    "tests/fixtures/keras/ln_rms.keras.gz",
    (floats 4),
    [
        Input(None, 4),
        LayerNormalization(rms_scaling = true),
        SimpleRNN(3, seq),
        LayerNormalization(scale = false, rms_scaling = true)
    ]
);
baked_fixture!(
    norm_masked,
    "norm_mask",
    "tests/fixtures/norm_mask.weights.json",
    "tests/fixtures/keras/norm_mask.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        BatchNormalization(),
        LayerNormalization(),
        SimpleRNN(4, seq),
        LayerNormalization(),
        SimpleRNN(3)
    ]
);
baked_fixture!(
    norm_time_distributed,
    "td_norm",
    "tests/fixtures/td_norm.weights.json",
    "tests/fixtures/keras/td_norm.keras.gz",
    (floats 4),
    [
        Input(None, 4),
        TimeDistributed(BatchNormalization()),
        TimeDistributed(LayerNormalization()),
        SimpleRNN(4, seq),
        TimeDistributed(LayerNormalization(center = false))
    ]
);
baked_fixture!(
    norm_on_a_vector,
    "norm_vector",
    "tests/fixtures/norm_vector.weights.json",
    "tests/fixtures/keras/norm_vector.keras.gz",
    (floats 4),
    [
        Input(None, 4),
        LSTM(5),
        BatchNormalization(),
        LayerNormalization(),
        Dense(2)
    ]
);
baked_fixture!(
    tf_keras_norm,
    "tfk_norm",
    "tests/fixtures/tfk_norm.weights.json",
    "tests/fixtures/keras/tfk_norm.h5.gz",
    (floats 4),
    [
        Input(None, 4),
        BatchNormalization(),
        SimpleRNN(5, seq),
        LayerNormalization(),
        GRU(3),
        BatchNormalization(center = false),
        LayerNormalization(scale = false)
    ]
);
baked_fixture!(
    tf_keras_norm_masked_time_distributed,
    "tfk_norm_mask_td",
    "tests/fixtures/tfk_norm_mask_td.weights.json",
    "tests/fixtures/keras/tfk_norm_mask_td.h5.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        TimeDistributed(BatchNormalization()),
        LayerNormalization(epsilon = 0.01),
        TimeDistributed(LayerNormalization()),
        SimpleRNN(3)
    ]
);
// Conv1D, pooling, Flatten and RepeatVector (issue 22), from Keras 3 and tf_keras.
baked_fixture!(
    conv_kernel_one_seven,
    "conv_kernel_one_seven",
    "tests/fixtures/conv_kernel_one_seven.weights.json",
    "tests/fixtures/keras/conv_kernel_one_seven.keras",
    (floats 3),
    [Input(None, 3), Conv1D(5, 1, activation = tanh), Conv1D(4, 7, activation = sigmoid)]
);
baked_fixture!(
    conv_same_strides3,
    "conv_same_strides3",
    "tests/fixtures/conv_same_strides3.weights.json",
    "tests/fixtures/keras/conv_same_strides3.keras.gz",
    (floats 4),
    [Input(None, 4), Conv1D(5, 4, strides = 3, padding = same, activation = elu), GRU(3)]
);
baked_fixture!(
    conv_same_dilation3,
    "conv_same_dilation3",
    "tests/fixtures/conv_same_dilation3.weights.json",
    "tests/fixtures/keras/conv_same_dilation3.keras",
    (floats 3),
    [Input(None, 3), Conv1D(4, 3, padding = same, dilation_rate = 3), Conv1D(3, 2, padding = same, dilation_rate = 2)]
);
baked_fixture!(
    conv_causal_k5_nobias,
    "conv_causal_k5_nobias",
    "tests/fixtures/conv_causal_k5_nobias.weights.json",
    "tests/fixtures/keras/conv_causal_k5_nobias.keras.gz",
    (floats 3),
    [Input(None, 3), Conv1D(4, 5, padding = causal, dilation_rate = 2, use_bias = false), LSTM(3, seq)]
);
baked_fixture!(
    conv_causal_strides3,
    "conv_causal_strides3",
    "tests/fixtures/conv_causal_strides3.weights.json",
    "tests/fixtures/keras/conv_causal_strides3.keras",
    (floats 4),
    [Input(None, 4), Conv1D(6, 4, strides = 3, padding = causal, activation = relu), Conv1D(3, 2, strides = 2, padding = causal)]
);
baked_fixture!(
    conv_valid_k6_strides2,
    "conv_valid_k6_strides2",
    "tests/fixtures/conv_valid_k6_strides2.weights.json",
    "tests/fixtures/keras/conv_valid_k6_strides2.keras",
    (floats 3),
    [Input(None, 3), Conv1D(4, 6, strides = 2, activation = softplus), Dense(2)]
);
baked_fixture!(
    conv_valid_dilations,
    "conv_valid_dilations",
    "tests/fixtures/conv_valid_dilations.weights.json",
    "tests/fixtures/keras/conv_valid_dilations.keras",
    (floats 3),
    [Input(None, 3), Conv1D(4, 2, dilation_rate = 2, activation = swish), Conv1D(3, 3, dilation_rate = 3)]
);
baked_fixture!(
    conv_groups4_same,
    "conv_groups4_same",
    "tests/fixtures/conv_groups4_same.weights.json",
    "tests/fixtures/keras/conv_groups4_same.keras",
    (floats 8),
    [Input(None, 8), Conv1D(8, 3, padding = same, groups = 4, use_bias = false), Conv1D(4, 2, groups = 2, activation = relu)]
);
baked_fixture!(
    maxpool_odd_valid,
    "maxpool_odd_valid",
    "tests/fixtures/maxpool_odd_valid.weights.json",
    "tests/fixtures/keras/maxpool_odd_valid.keras",
    (floats 3),
    [Input(None, 3), MaxPooling1D(pool_size = 3), Dense(2)]
);
baked_fixture!(
    maxpool_same_s2,
    "maxpool_same_s2",
    "tests/fixtures/maxpool_same_s2.weights.json",
    "tests/fixtures/keras/maxpool_same_s2.keras",
    (floats 3),
    [Input(None, 3), MaxPooling1D(pool_size = 4, strides = 2, padding = same)]
);
baked_fixture!(
    avgpool_same_s3,
    "avgpool_same_s3",
    "tests/fixtures/avgpool_same_s3.weights.json",
    "tests/fixtures/keras/avgpool_same_s3.keras",
    (floats 3),
    [Input(None, 3), AveragePooling1D(strides = 3, padding = same)]
);
baked_fixture!(
    avgpool_valid_s1,
    "avgpool_valid_s1",
    "tests/fixtures/avgpool_valid_s1.weights.json",
    "tests/fixtures/keras/avgpool_valid_s1.keras.gz",
    (floats 3),
    [Input(None, 3), AveragePooling1D(pool_size = 4, strides = 1), SimpleRNN(2)]
);
baked_fixture!(
    conv_maxpool_s1_same,
    "conv_maxpool_s1_same",
    "tests/fixtures/conv_maxpool_s1_same.weights.json",
    "tests/fixtures/keras/conv_maxpool_s1_same.keras.gz",
    (floats 4),
    [Input(None, 4), Conv1D(5, 3, activation = relu), MaxPooling1D(pool_size = 3, strides = 1, padding = same), AveragePooling1D(pool_size = 3, padding = same)]
);
baked_fixture!(
    mask_conv_pool_gmp,
    "mask_conv_pool_gmp",
    "tests/fixtures/mask_conv_pool_gmp.weights.json",
    "tests/fixtures/keras/mask_conv_pool_gmp.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        Conv1D(5, 3, padding = same),
        MaxPooling1D(),
        GlobalMaxPooling1D()
    ]
);
baked_fixture!(
    mask_maxpool_lstm,
    "mask_maxpool_lstm",
    "tests/fixtures/mask_maxpool_lstm.weights.json",
    "tests/fixtures/keras/mask_maxpool_lstm.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        MaxPooling1D(strides = 1),
        LSTM(3)
    ]
);
baked_fixture!(
    mask_gmp_keepdims_dense,
    "mask_gmp_keepdims_dense",
    "tests/fixtures/mask_gmp_keepdims_dense.weights.json",
    "tests/fixtures/keras/mask_gmp_keepdims_dense.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        GlobalMaxPooling1D(keepdims = true),
        Dense(3)
    ]
);
baked_fixture!(
    mask_gap_keepdims_lstm,
    "mask_gap_keepdims_lstm",
    "tests/fixtures/mask_gap_keepdims_lstm.weights.json",
    "tests/fixtures/keras/mask_gap_keepdims_lstm.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        GlobalAveragePooling1D(keepdims = true),
        LSTM(3)
    ]
);
baked_fixture!(
    masking_conv_gru,
    "masking_conv_gru",
    "tests/fixtures/masking_conv_gru.weights.json",
    "tests/fixtures/keras/masking_conv_gru.keras.gz",
    (floats 4),
    [Input(None, 4), Masking(), Conv1D(5, 3, padding = causal), GRU(3)]
);
baked_fixture!(
    gap_repeat_lstm,
    "gap_repeat_lstm",
    "tests/fixtures/gap_repeat_lstm.weights.json",
    "tests/fixtures/keras/gap_repeat_lstm.keras.gz",
    (floats 4),
    [Input(None, 4), Conv1D(6, 3, activation = relu), GlobalAveragePooling1D(), RepeatVector(3), LSTM(4, seq), TimeDistributed(Dense(2))]
);
baked_fixture!(
    conv_pool_flatten_softmax,
    "conv_pool_flatten_softmax",
    "tests/fixtures/conv_pool_flatten_softmax.weights.json",
    "tests/fixtures/keras/conv_pool_flatten_softmax.keras.gz",
    (floats 3),
    [Input(12, 3), Conv1D(4, 3, padding = same), MaxPooling1D(pool_size = 3), Flatten(), Dense(3, activation = softmax)]
);
baked_fixture!(
    jena_conv_gru,
    "jena_conv_gru",
    "tests/fixtures/jena_conv_gru.weights.json.gz",
    "tests/fixtures/keras/jena_conv_gru.keras.gz",
    (floats 14),
    [Input(None, 14), Conv1D(32, 5, activation = relu), MaxPooling1D(pool_size = 3), Conv1D(32, 5, activation = relu), GRU(32, dropout = 0.1, recurrent_dropout = 0.5), Dense(1)]
);
baked_fixture!(
    imdb_conv1d,
    "imdb_conv1d",
    "tests/fixtures/imdb_conv1d.weights.json.gz",
    "tests/fixtures/keras/imdb_conv1d.keras.gz",
    tokens,
    [
        Embedding(500, 128),
        Conv1D(32, 7, activation = relu),
        MaxPooling1D(pool_size = 5),
        Conv1D(32, 7, activation = relu),
        GlobalMaxPooling1D(),
        Dense(1, activation = sigmoid)
    ]
);
baked_fixture!(
    cnn_lstm_har,
    "cnn_lstm_har",
    "tests/fixtures/cnn_lstm_har.weights.json.gz",
    "tests/fixtures/keras/cnn_lstm_har.keras.gz",
    (floats 9),
    [Input(128, 9), Conv1D(16, 3, activation = relu), Conv1D(16, 3, activation = relu), Dropout(0.5), MaxPooling1D(), LSTM(20), Dense(20, activation = relu), Dense(6, activation = softmax)]
);
baked_fixture!(
    tfk_imdb_conv1d,
    "tfk_imdb_conv1d",
    "tests/fixtures/tfk_imdb_conv1d.weights.json.gz",
    "tests/fixtures/keras/tfk_imdb_conv1d.h5.gz",
    tokens,
    [
        Embedding(500, 128, input_length = 500),
        Conv1D(32, 7, activation = relu),
        MaxPooling1D(pool_size = 5),
        Conv1D(32, 7, activation = relu),
        GlobalMaxPooling1D(),
        Dense(1)
    ]
);
baked_fixture!(
    tfk_jena_conv_gru,
    "tfk_jena_conv_gru",
    "tests/fixtures/tfk_jena_conv_gru.weights.json.gz",
    "tests/fixtures/keras/tfk_jena_conv_gru.h5.gz",
    (floats 14),
    [Input(None, 14), Conv1D(32, 5, activation = relu), MaxPooling1D(pool_size = 3), Conv1D(32, 5, activation = relu), GRU(32, dropout = 0.1, recurrent_dropout = 0.5), Dense(1)]
);
baked_fixture!(
    tfk_addition_rnn,
    "tfk_addition_rnn",
    "tests/fixtures/tfk_addition_rnn.weights.json",
    "tests/fixtures/keras/tfk_addition_rnn.h5.gz",
    (floats 12),
    [Input(7, 12), LSTM(16), RepeatVector(4), LSTM(16, seq), TimeDistributed(Dense(12, activation = softmax))]
);
baked_fixture!(
    tfk_cnn_lstm_har,
    "tfk_cnn_lstm_har",
    "tests/fixtures/tfk_cnn_lstm_har.weights.json.gz",
    "tests/fixtures/keras/tfk_cnn_lstm_har.h5.gz",
    (floats 9),
    [Input(128, 9), Conv1D(16, 3, activation = relu), Conv1D(16, 3, activation = relu), Dropout(0.5), MaxPooling1D(), LSTM(20), Dense(20, activation = relu), Dense(6, activation = softmax)]
);
baked_fixture!(
    tfk_conv_same_causal,
    "tfk_conv_same_causal",
    "tests/fixtures/tfk_conv_same_causal.weights.json",
    "tests/fixtures/keras/tfk_conv_same_causal.h5",
    (floats 3),
    [Input(None, 3), Conv1D(4, 3, strides = 2, padding = same), Conv1D(3, 2, padding = causal, dilation_rate = 3, activation = tanh)]
);
baked_fixture!(
    tfk_conv_groups_avgpool,
    "tfk_conv_groups_avgpool",
    "tests/fixtures/tfk_conv_groups_avgpool.weights.json",
    "tests/fixtures/keras/tfk_conv_groups_avgpool.h5.gz",
    (floats 4),
    [Input(None, 4), Conv1D(8, 3, groups = 2, use_bias = false), AveragePooling1D(pool_size = 3, strides = 2, padding = same), GRU(3)]
);
baked_fixture!(
    tfk_mask_conv_gap_keepdims,
    "tfk_mask_conv_gap_keepdims",
    "tests/fixtures/tfk_mask_conv_gap_keepdims.weights.json",
    "tests/fixtures/keras/tfk_mask_conv_gap_keepdims.h5.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        Conv1D(4, 2, padding = causal),
        GlobalAveragePooling1D(keepdims = true),
        TimeDistributed(Dense(2))
    ]
);
baked_fixture!(
    tfk_mask_gap_dense,
    "tfk_mask_gap_dense",
    "tests/fixtures/tfk_mask_gap_dense.weights.json",
    "tests/fixtures/keras/tfk_mask_gap_dense.h5",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        GlobalAveragePooling1D(),
        Dense(3, activation = softmax)
    ]
);
baked_fixture!(
    tfk_masking_maxpool_lstm,
    "tfk_masking_maxpool_lstm",
    "tests/fixtures/tfk_masking_maxpool_lstm.weights.json",
    "tests/fixtures/keras/tfk_masking_maxpool_lstm.h5",
    (floats 4),
    [Input(None, 4), Masking(), MaxPooling1D(strides = 1), LSTM(3)]
);
baked_fixture!(
    tfk_gmp_keepdims_lstm,
    "tfk_gmp_keepdims_lstm",
    "tests/fixtures/tfk_gmp_keepdims_lstm.weights.json",
    "tests/fixtures/keras/tfk_gmp_keepdims_lstm.h5.gz",
    (floats 5),
    [Input(None, 5), Conv1D(4, 3, padding = same, activation = tanh), GlobalMaxPooling1D(keepdims = true), LSTM(3)]
);
baked_fixture!(
    tfk_gap_repeat_gru,
    "tfk_gap_repeat_gru",
    "tests/fixtures/tfk_gap_repeat_gru.weights.json",
    "tests/fixtures/keras/tfk_gap_repeat_gru.h5",
    (floats 4),
    [Input(None, 4), GlobalAveragePooling1D(), RepeatVector(3), GRU(2, seq)]
);
baked_fixture!(
    tfk_conv_pool_flatten,
    "tfk_conv_pool_flatten",
    "tests/fixtures/tfk_conv_pool_flatten.weights.json",
    "tests/fixtures/keras/tfk_conv_pool_flatten.h5.gz",
    (floats 3),
    [Input(10, 3), Conv1D(4, 3, strides = 2), AveragePooling1D(), Flatten(), Dense(2)]
);
baked_fixture!(
    tfk_maxpool_odd_s3,
    "tfk_maxpool_odd_s3",
    "tests/fixtures/tfk_maxpool_odd_s3.weights.json",
    "tests/fixtures/keras/tfk_maxpool_odd_s3.h5",
    (floats 3),
    [Input(None, 3), MaxPooling1D(pool_size = 4, strides = 3), AveragePooling1D(strides = 1, padding = same)]
);

baked_fixture!(
    pad_conv_gru,
    "pad_conv_gru",
    "tests/fixtures/pad_conv_gru.weights.json",
    "tests/fixtures/keras/pad_conv_gru.keras.gz",
    (floats 4),
    [Input(None, 4), ZeroPadding1D(padding = 2), Conv1D(6, 5, activation = relu), GRU(5)]
);
baked_fixture!(
    pad_asym_conv_dense,
    "pad_asym_conv_dense",
    "tests/fixtures/pad_asym_conv_dense.weights.json",
    "tests/fixtures/keras/pad_asym_conv_dense.keras.gz",
    (floats 3),
    [Input(None, 3), ZeroPadding1D(padding = (2, 0)), Conv1D(4, 3), Dense(2)]
);
baked_fixture!(
    conv_crop_lstm,
    "conv_crop_lstm",
    "tests/fixtures/conv_crop_lstm.weights.json",
    "tests/fixtures/keras/conv_crop_lstm.keras.gz",
    (floats 3),
    [Input(None, 3), Conv1D(5, 3, padding = same, activation = tanh), Cropping1D(cropping = (1, 2)), LSTM(4, seq)]
);
baked_fixture!(
    gru_upsample_gru,
    "gru_upsample_gru",
    "tests/fixtures/gru_upsample_gru.weights.json",
    "tests/fixtures/keras/gru_upsample_gru.keras.gz",
    (floats 3),
    [Input(None, 3), GRU(6, seq), UpSampling1D(size = 3), GRU(4, seq)]
);
baked_fixture!(
    lstm_dense_reshape_gru,
    "lstm_dense_reshape_gru",
    "tests/fixtures/lstm_dense_reshape_gru.weights.json",
    "tests/fixtures/keras/lstm_dense_reshape_gru.keras.gz",
    (floats 8),
    [Input(None, 8), LSTM(16), Dense(12), Reshape((4, 3)), GRU(5)]
);
baked_fixture!(
    gru_reshape_column_lstm,
    "gru_reshape_column_lstm",
    "tests/fixtures/gru_reshape_column_lstm.weights.json",
    "tests/fixtures/keras/gru_reshape_column_lstm.keras.gz",
    (floats 4),
    [Input(None, 4), GRU(6), Reshape((-1, 1)), LSTM(3)]
);
baked_fixture!(
    reshape_seq_to_vec,
    "reshape_seq_to_vec",
    "tests/fixtures/reshape_seq_to_vec.weights.json",
    "tests/fixtures/keras/reshape_seq_to_vec.keras",
    (floats 2),
    [Input(7, 2), Reshape((14,)), Dense(3, activation = softmax)]
);
baked_fixture!(
    conv_reshape_half_gru,
    "conv_reshape_half_gru",
    "tests/fixtures/conv_reshape_half_gru.weights.json",
    "tests/fixtures/keras/conv_reshape_half_gru.keras.gz",
    (floats 8),
    [Input(None, 8), Conv1D(8, 3, padding = causal), Reshape((-1, 4)), GRU(3, seq)]
);
baked_fixture!(
    permute_lstm,
    "permute_lstm",
    "tests/fixtures/permute_lstm.weights.json",
    "tests/fixtures/keras/permute_lstm.keras.gz",
    (floats 4),
    [Input(6, 4), Permute((2, 1)), LSTM(5), Dense(2)]
);
baked_fixture!(
    prelu_dense_vec,
    "prelu_dense_vec",
    "tests/fixtures/prelu_dense_vec.weights.json",
    "tests/fixtures/keras/prelu_dense_vec.keras.gz",
    (floats 4),
    [Input(None, 4), LSTM(6), Dense(5), PReLU(), Dense(2)]
);
baked_fixture!(
    prelu_seq_fixed,
    "prelu_seq_fixed",
    "tests/fixtures/prelu_seq_fixed.weights.json",
    "tests/fixtures/keras/prelu_seq_fixed.keras.gz",
    (floats 3),
    [Input(6, 3), PReLU(), SimpleRNN(4, seq), PReLU(shared_axes = [1]), Permute((1, 2)), Dense(2)]
);
baked_fixture!(
    prelu_shared_axes,
    "prelu_shared_axes",
    "tests/fixtures/prelu_shared_axes.weights.json",
    "tests/fixtures/keras/prelu_shared_axes.keras.gz",
    (floats 4),
    [Input(5, 4), PReLU(shared_axes = [2]), GRU(3, seq), PReLU(shared_axes = [1, 2])]
);
baked_fixture!(
    prelu_mask_lstm,
    "prelu_mask_lstm",
    "tests/fixtures/prelu_mask_lstm.weights.json",
    "tests/fixtures/keras/prelu_mask_lstm.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        LSTM(5, seq),
        PReLU(shared_axes = [1]),
        LSTM(3)
    ]
);
baked_fixture!(
    td_prelu_gru,
    "td_prelu_gru",
    "tests/fixtures/td_prelu_gru.weights.json",
    "tests/fixtures/keras/td_prelu_gru.keras.gz",
    (floats 4),
    [Input(None, 4), TimeDistributed(PReLU()), GRU(3, seq)]
);
baked_fixture!(
    mask_pad_upsample_lstm,
    "mask_pad_upsample_lstm",
    "tests/fixtures/mask_pad_upsample_lstm.weights.json",
    "tests/fixtures/keras/mask_pad_upsample_lstm.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        ZeroPadding1D(padding = (2, 1)),
        UpSampling1D(),
        LSTM(4)
    ]
);
baked_fixture!(
    tfk_pad_conv_lstm,
    "tfk_pad_conv_lstm",
    "tests/fixtures/tfk_pad_conv_lstm.weights.json",
    "tests/fixtures/keras/tfk_pad_conv_lstm.h5.gz",
    (floats 3),
    [Input(None, 3), ZeroPadding1D(), Conv1D(4, 3), LSTM(3)]
);
baked_fixture!(
    tfk_gru_crop_dense,
    "tfk_gru_crop_dense",
    "tests/fixtures/tfk_gru_crop_dense.weights.json",
    "tests/fixtures/keras/tfk_gru_crop_dense.h5.gz",
    (floats 4),
    [Input(None, 4), GRU(5, seq), Cropping1D(), Dense(2)]
);
baked_fixture!(
    tfk_conv_crop_upsample,
    "tfk_conv_crop_upsample",
    "tests/fixtures/tfk_conv_crop_upsample.weights.json",
    "tests/fixtures/keras/tfk_conv_crop_upsample.h5.gz",
    (floats 3),
    [Input(None, 3), Conv1D(4, 3, strides = 2, padding = same), Cropping1D(cropping = (0, 1)), UpSampling1D(), Conv1D(2, 3, padding = same)]
);
baked_fixture!(
    tfk_gru_dense_reshape_lstm,
    "tfk_gru_dense_reshape_lstm",
    "tests/fixtures/tfk_gru_dense_reshape_lstm.weights.json",
    "tests/fixtures/keras/tfk_gru_dense_reshape_lstm.h5.gz",
    (floats 3),
    [Input(10, 3), GRU(8), Dense(12, activation = tanh), Reshape((6, 2)), LSTM(4, seq)]
);
baked_fixture!(
    tfk_lstm_reshape_gru,
    "tfk_lstm_reshape_gru",
    "tests/fixtures/tfk_lstm_reshape_gru.weights.json",
    "tests/fixtures/keras/tfk_lstm_reshape_gru.h5.gz",
    (floats 3),
    [Input(None, 3), LSTM(6), Reshape((-1, 2)), GRU(3)]
);
baked_fixture!(
    tfk_conv_reshape_dense,
    "tfk_conv_reshape_dense",
    "tests/fixtures/tfk_conv_reshape_dense.weights.json",
    "tests/fixtures/keras/tfk_conv_reshape_dense.h5.gz",
    (floats 4),
    [Input(5, 4), Conv1D(4, 2), Reshape((16,)), Dense(2)]
);
baked_fixture!(
    tfk_reshape_half_lstm,
    "tfk_reshape_half_lstm",
    "tests/fixtures/tfk_reshape_half_lstm.weights.json",
    "tests/fixtures/keras/tfk_reshape_half_lstm.h5",
    (floats 6),
    [Input(None, 6), Reshape((-1, 3)), LSTM(3, seq)]
);
baked_fixture!(
    tfk_permute_gru,
    "tfk_permute_gru",
    "tests/fixtures/tfk_permute_gru.weights.json",
    "tests/fixtures/keras/tfk_permute_gru.h5.gz",
    (floats 3),
    [Input(5, 3), Permute((2, 1)), GRU(4, seq), Dense(2)]
);
baked_fixture!(
    tfk_prelu_seq,
    "tfk_prelu_seq",
    "tests/fixtures/tfk_prelu_seq.weights.json",
    "tests/fixtures/keras/tfk_prelu_seq.h5.gz",
    (floats 4),
    [Input(6, 4), PReLU(), LSTM(5, seq), PReLU(shared_axes = [1]), Dense(2)]
);
baked_fixture!(
    tfk_prelu_vec,
    "tfk_prelu_vec",
    "tests/fixtures/tfk_prelu_vec.weights.json",
    "tests/fixtures/keras/tfk_prelu_vec.h5.gz",
    (floats 3),
    [Input(None, 3), GRU(6), PReLU(shared_axes = [1]), Dense(4), PReLU()]
);
baked_fixture!(
    tfk_prelu_mask_gru,
    "tfk_prelu_mask_gru",
    "tests/fixtures/tfk_prelu_mask_gru.weights.json",
    "tests/fixtures/keras/tfk_prelu_mask_gru.h5.gz",
    tokens,
    [
        Embedding(40, 6, mask_zero = true),
        GRU(5, seq),
        PReLU(shared_axes = [1]),
        GRU(3)
    ]
);
baked_fixture!(
    tfk_td_prelu_mask,
    "tfk_td_prelu_mask",
    "tests/fixtures/tfk_td_prelu_mask.weights.json",
    "tests/fixtures/keras/tfk_td_prelu_mask.h5.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        TimeDistributed(PReLU()),
        LSTM(4)
    ]
);
baked_fixture!(
    tfk_mask_upsample_gru,
    "tfk_mask_upsample_gru",
    "tests/fixtures/tfk_mask_upsample_gru.weights.json",
    "tests/fixtures/keras/tfk_mask_upsample_gru.h5.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        UpSampling1D(size = 3),
        GRU(3)
    ]
);
baked_fixture!(
    tfk_mask_pad_gru,
    "tfk_mask_pad_gru",
    "tests/fixtures/tfk_mask_pad_gru.weights.json",
    "tests/fixtures/keras/tfk_mask_pad_gru.h5.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        ZeroPadding1D(padding = (0, 3)),
        GRU(4, seq)
    ]
);
baked_fixture!(
    mask_crop_reshape_gru,
    "mask_crop_reshape_gru",
    "tests/fixtures/mask_crop_reshape_gru.weights.json",
    "tests/fixtures/keras/mask_crop_reshape_gru.keras.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true),
        Cropping1D(cropping = (1, 2)),
        Reshape((-1, 3)),
        GRU(4)
    ]
);
baked_fixture!(
    tfk_mask_permute_lstm,
    "tfk_mask_permute_lstm",
    "tests/fixtures/tfk_mask_permute_lstm.weights.json",
    "tests/fixtures/keras/tfk_mask_permute_lstm.h5.gz",
    tokens,
    [
        Embedding(30, 6, mask_zero = true, input_length = 7),
        Permute((2, 1)),
        LSTM(4)
    ]
);

rnn_model! {
    /// The IMDB LSTM, its layers read from the file.
    pub struct ImdbDeclared<Embedding(10000, 32), LSTM(32), Dense(1, activation = sigmoid)>;
}
rnn_model! {
    #[weights = "tests/fixtures/lstm_imdb.weights.json.gz"]
    pub struct Imdb;
}

#[test]
fn a_baked_model_is_static_shared_and_needs_no_heap_to_build() {
    let a: &'static Imdb = Imdb::baked();
    assert!(std::ptr::eq(a, Imdb::baked()), "one static");
    const _: () = assert!(Imdb::PARAMS == 328_353);
    assert_eq!(Imdb::LAYERS, ImdbDeclared::LAYERS);
    // A clone of a baked model shares the static weights; writing copies them (never writes
    // the read-only data).
    let json = a.to_json();
    let copy = ImdbDeclared::from_json(&json).unwrap();
    assert_eq!(
        copy.forward(&[1, 2, 3]).unwrap(),
        a.forward(&[1, 2, 3]).unwrap()
    );
}

#[test]
fn baked_models_are_send_and_sync() {
    fn shared<T: Send + Sync + 'static>(_: &T) {}
    shared(Imdb::baked());
}
