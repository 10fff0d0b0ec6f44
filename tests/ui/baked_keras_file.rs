// Keras files baked at compile time: a file the project refuses is a compile error on the
// attribute naming the file, the layer and what is wrong (never a macro panic), and a file that
// does not fit the declared layers is the JSON file's mismatch. (tools/gen_fixtures.py --refused
// writes tests/fixtures/keras_refused/.)
rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/keras_refused/conv1d.keras"]
    pub struct UnsupportedLayer;
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
    let _ = UnsupportedOption::baked();
    let _ = WeightsOnly::baked();
    let _ = Mismatch::baked();
    let _ = MismatchKeras3::baked();
}
