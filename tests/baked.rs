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
        let x = floats::<$f_>(&$x);
        let want = bits($l.forward(&x).unwrap().flat());
        assert_eq!(bits($b.forward(&x).unwrap().flat()), want, "baked");
        assert_eq!(bits($f.forward(&x).unwrap().flat()), want, "from the file");
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
