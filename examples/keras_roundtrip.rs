//! From Keras to Rust: load the book's IMDB classifier as Keras saved it, run it, and compare
//! with Keras's own predictions.
//!
//! ```text
//! cargo run --release --example keras_roundtrip -- imdb.keras   # model.save("imdb.keras")
//! cargo run --release --example keras_roundtrip -- imdb.h5      # tf_keras model.save("imdb.h5")
//! cargo run --release --example keras_roundtrip -- imdb.json    # tools/keras_export.py's JSON
//! ```
//! Without an argument it uses the committed original tests/fixtures/keras/imdb.keras.gz (Keras
//! 3's file, gzip-compressed), whose Keras outputs are in tests/fixtures/imdb.io.json.

use rnn_runtime::ndarray::Array2;
use rnn_runtime::rnn_model;

rnn_model! {
    /// The IMDB sentiment classifier of the book: 10000-word vocabulary, 32-d embeddings.
    pub struct Imdb<Embedding(10000, 32), SimpleRNN(32), Dense(1, activation = sigmoid)>;
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/keras/imdb.keras.gz"
    );
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| fixture.to_string());
    println!("{}\n", Imdb::SUMMARY);

    // Strict: every layer, option and tensor shape must match the declaration above. `load`
    // reads a Keras 3 `.keras`, a tf_keras `.h5` or the JSON weights file (gzip or not), told by
    // the first bytes.
    let model = match Imdb::load(&path) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("cannot use {path}: {e}");
            std::process::exit(1);
        }
    };
    println!("loaded {path}");

    // One review, as token ids (index 1 is Keras's start token in the IMDB dataset).
    let review = [
        1u32, 14, 22, 16, 43, 530, 973, 1622, 1385, 65, 458, 4468, 66, 3941, 4,
    ];
    let [p] = model.forward(&review)?;
    println!("forward: P(positive) = {p:.6}");

    if path == fixture {
        // The fixture's inputs, as a batch, against Keras's model.predict.
        let io: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/imdb.io.json"
        ))?)?;
        let rows: Vec<Vec<u32>> = serde_json::from_value(io["inputs"].clone())?;
        let keras: Vec<Vec<f32>> = serde_json::from_value(io["outputs"].clone())?;
        let batch = Array2::from_shape_vec((rows.len(), rows[0].len()), rows.concat())?;
        let ours = model.predict(batch.view())?;
        for (r, k) in ours.rows().into_iter().zip(&keras) {
            println!(
                "predict: ours {:.7}  keras {:.7}  |diff| {:.1e}",
                r[0],
                k[0],
                (r[0] - k[0]).abs()
            );
        }
    }

    // The weights round-trip exactly through our own JSON.
    let again = Imdb::from_json(&model.to_json())?;
    assert_eq!(again.forward(&review)?, [p]);
    println!("to_json -> from_json: identical predictions");
    Ok(())
}
