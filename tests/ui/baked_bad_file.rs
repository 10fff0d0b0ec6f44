// A baked file that is missing, damaged or not a weights file: a compile error on the attribute
// naming the file (never a macro panic); the model's API is still there (one error each).
rnn_runtime::rnn_model! {
    #[weights = "models/missing.json"]
    pub struct Missing<Input(None, 4), GRU(8)>;
}

rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/lstm_imdb.io.json"]
    pub struct Damaged<Input(None, 4), GRU(8)>;
}

rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/keras_refused/truncated.keras"]
    pub struct Foreign;
}

rnn_runtime::rnn_model! {
    #[weights("models/imdb.json")]
    pub struct Malformed;
}

fn main() {
    let _ = Missing::baked();
    let _ = Damaged::baked();
    let _ = Foreign::PARAMS;
}
