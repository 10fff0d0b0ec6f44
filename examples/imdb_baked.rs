//! The book's IMDB LSTM with its weights baked in at compile time (`#[weights]`): no file is read
//! at run time. Beside `imdb_loaded.rs`, the same model loading its file, for the compile-time
//! cost of baking (README): `touch examples/imdb_baked.rs && cargo build --release --example imdb_baked`.

use rnn_runtime::rnn_model;

rnn_model! {
    /// The IMDB classifier, weights from a committed Keras fixture.
    #[weights = "tests/fixtures/lstm_imdb.weights.json.gz"]
    pub struct Imdb<Embedding(10000, 32), LSTM(32), Dense(1, activation = sigmoid)>;
}

fn main() -> rnn_runtime::Result<()> {
    let model = Imdb::baked();
    let p: [f32; 1] = model.forward(&[12, 7, 301, 45, 9])?;
    println!("P(positive) = {:.6}", p[0]);
    Ok(())
}
