//! The book's IMDB LSTM loading its weights at run time: the twin of `imdb_baked.rs`.

use rnn_runtime::{WeightsFile, rnn_model};

rnn_model! {
    /// The IMDB classifier.
    pub struct Imdb<Embedding(10000, 32), LSTM(32), Dense(1, activation = sigmoid)>;
}

fn main() -> rnn_runtime::Result<()> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lstm_imdb.weights.json.gz"
    );
    let file = std::fs::File::open(path).map_err(|source| rnn_runtime::Error::Io {
        path: path.into(),
        source,
    })?;
    let model = Imdb::from_weights(WeightsFile::from_reader(flate2::read::GzDecoder::new(
        file,
    ))?)?;
    let p: [f32; 1] = model.forward(&[12, 7, 301, 45, 9])?;
    println!("P(positive) = {:.6}", p[0]);
    Ok(())
}
