// A baked file that does not fit the declared layers: a compile error on the attribute with the
// runtime loader's message, naming the layer and both values. (Paths are relative to the
// crate's Cargo.toml; trybuild compiles this in target/tests/trybuild/<crate>/.)
rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/lstm_imdb.weights.json.gz"]
    pub struct Imdb<Embedding(10000, 32), LSTM(16), Dense(1, activation = sigmoid)>;
}

fn main() {
    let _ = Imdb::baked();
}
