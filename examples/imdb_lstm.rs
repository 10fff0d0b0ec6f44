//! The book's IMDB LSTM classifier (chapter 6): `Embedding(10000, 32), LSTM(32),
//! Dense(1, activation = sigmoid)`, declared as in Keras, its summary printed, the weights of a
//! real Keras model loaded (the committed fixture tests/fixtures/lstm_imdb.weights.json.gz,
//! exported by tools/keras_export.py), and its predictions on 500-token reviews beside Keras's.
//!
//! ```text
//! cargo run --release --example imdb_lstm                 # the committed fixture
//! cargo run --release --example imdb_lstm -- imdb.json    # your own export of the same model
//! ```

use std::io::Read;
use std::time::Instant;

use rnn_runtime::ndarray::Array2;
use rnn_runtime::rnn_model;

rnn_model! {
    /// The IMDB sentiment classifier of the book, with an LSTM.
    pub struct ImdbLstm<Embedding(10000, 32), LSTM(32), Dense(1, activation = sigmoid)>;
}

const _: () = assert!(ImdbLstm::PARAMS == 328_353);

fn read(path: &str) -> std::io::Result<String> {
    let mut text = String::new();
    let file = std::fs::File::open(path)?;
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(file).read_to_string(&mut text)?;
    } else {
        std::io::BufReader::new(file).read_to_string(&mut text)?;
    }
    Ok(text)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    let fixture = format!("{dir}lstm_imdb.weights.json.gz");
    let path = std::env::args().nth(1).unwrap_or_else(|| fixture.clone());
    println!("{}\n", ImdbLstm::SUMMARY);

    let model =
        ImdbLstm::from_json(&read(&path)?).map_err(|e| format!("cannot use {path}: {e}"))?;
    println!("loaded {path}\n");

    // The fixture's reviews (500 token ids each) and Keras's own model.predict on them.
    let io: serde_json::Value = serde_json::from_str(&read(&format!("{dir}lstm_imdb.io.json"))?)?;
    let reviews: Vec<Vec<u32>> = serde_json::from_value(io["inputs"].clone())?;
    let keras: Vec<Vec<f32>> = serde_json::from_value(io["outputs"].clone())?;
    for (i, review) in reviews.iter().enumerate() {
        let start = Instant::now();
        let [p] = model.forward(review)?;
        let took = start.elapsed();
        if path == fixture {
            println!(
                "review {i} ({} tokens): P(positive) ours {p:.7}, Keras {:.7}, |diff| {:.1e}  ({:.0} us)",
                review.len(),
                keras[i][0],
                (p - keras[i][0]).abs(),
                took.as_secs_f64() * 1e6
            );
        } else {
            println!("review {i}: P(positive) {p:.7}");
        }
    }
    let batch = Array2::from_shape_vec((reviews.len(), reviews[0].len()), reviews.concat())?;
    let ps = model.predict(batch.view())?;
    println!(
        "\npredict on the batch of {}: {:?}",
        reviews.len(),
        ps.column(0).to_vec()
    );
    Ok(())
}
