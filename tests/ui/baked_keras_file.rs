// Keras files baked at compile time: a file the project refuses is a compile error on the
// attribute naming the file, the layer and what is wrong (never a macro panic), and a file that
// does not fit the declared layers is the JSON file's mismatch. (tools/gen_fixtures.py --refused
// writes tests/fixtures/keras_refused/.)
rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/keras_refused/separable_conv1d.keras"]
    pub struct UnsupportedLayer;
}

// Every unsupported class of a file, Keras 3 and tf_keras, named in one error.
rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/keras_refused/unimplemented_stack.keras"]
    pub struct UnsupportedLayers;
}

rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/keras_refused/unimplemented_stack.h5"]
    pub struct UnsupportedLayersH5<Input(None, 4), GRU(3)>;
}

rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/keras_refused/stateful_lstm.h5"]
    pub struct UnsupportedOption<Input(None, 3), LSTM(4)>;
}

rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/keras_refused/conv1d.weights.h5"]
    pub struct WeightsOnly;
}

rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/keras/tfk_lstm_hard_sigmoid.h5"]
    pub struct Mismatch<Input(None, 3), LSTM(5, seq)>;
}

rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/keras/gru_reset_before.keras"]
    pub struct MismatchKeras3<Input(None, 4), GRU(8)>;
}

fn main() {
    let _ = UnsupportedLayer::PARAMS;
    let _ = UnsupportedLayers::baked();
    let _ = UnsupportedLayersH5::baked();
    let _ = UnsupportedOption::baked();
    let _ = WeightsOnly::baked();
    let _ = Mismatch::baked();
    let _ = MismatchKeras3::baked();
}
