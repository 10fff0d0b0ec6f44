//! The notebook: its numpy SimpleRNN loop against the generated model, and the summaries of its
//! three Keras models.

mod common;

use common::Lcg;
use rnn_runtime::rnn_model;
use rnn_runtime::weights::{LayerRecord, TensorRecord};

rnn_model! {
    struct NotebookRnn<Input(100, 32), SimpleRNN(64, seq)>;
}

/// The notebook's loop, written as it is there, in f64:
/// `output_t = tanh(dot(W, input_t) + dot(U, state_t) + b); state_t = output_t`.
/// `w` is (64, 32) and `u` (64, 64), numpy's (units, in) layout.
fn numpy_loop(inputs: &[[f32; 32]], w: &[f32], u: &[f32], b: &[f32]) -> Vec<Vec<f64>> {
    let mut state_t = vec![0.0f64; 64];
    let mut successive_outputs = Vec::new();
    for input_t in inputs {
        let output_t: Vec<f64> = (0..64)
            .map(|j| {
                let wx: f64 = (0..32)
                    .map(|i| w[j * 32 + i] as f64 * input_t[i] as f64)
                    .sum();
                let us: f64 = (0..64).map(|i| u[j * 64 + i] as f64 * state_t[i]).sum();
                (wx + us + b[j] as f64).tanh()
            })
            .collect();
        successive_outputs.push(output_t.clone());
        state_t = output_t;
    }
    successive_outputs
}

/// The generated model with the notebook's W, U, b (Keras stores their transposes).
fn model_from(w: &[f32], u: &[f32], b: &[f32]) -> NotebookRnn {
    let transpose = |m: &[f32], rows: usize, cols: usize| -> Vec<f32> {
        (0..rows * cols)
            .map(|k| m[(k % rows) * cols + k / rows])
            .collect()
    };
    let t = |name: &str, shape: Vec<u64>, data: Vec<f32>| TensorRecord {
        name: name.into(),
        shape,
        data,
    };
    let mut file = NotebookRnn::zeros().to_weights();
    file.checksum = None;
    let rec = file.layers.remove(0);
    file.layers.push(LayerRecord {
        weights: vec![
            t("kernel", vec![32, 64], transpose(w, 64, 32)),
            t("recurrent_kernel", vec![64, 64], transpose(u, 64, 64)),
            t("bias", vec![64], b.to_vec()),
        ],
        ..rec
    });
    NotebookRnn::from_weights(file).expect("notebook weights fit the model")
}

fn check_against_notebook(lo: f32, hi: f32, seed: u64) -> f64 {
    let mut rng = Lcg(seed);
    let mut draw = |n: usize| (0..n).map(|_| rng.uniform(lo, hi)).collect::<Vec<f32>>();
    let inputs: Vec<[f32; 32]> = draw(100 * 32)
        .chunks(32)
        .map(|c| c.try_into().unwrap())
        .collect();
    let (w, u, b) = (draw(64 * 32), draw(64 * 64), draw(64));
    let expected = numpy_loop(&inputs, &w, &u, &b);
    let model = model_from(&w, &u, &b);
    let ours = model.forward(inputs[..].try_into().unwrap()).unwrap();
    assert_eq!(
        (ours.len(), ours[0].len()),
        (100, 64),
        "output shape (100, 64)"
    );
    let mut worst = 0.0f64;
    for (o, e) in ours.iter().zip(&expected) {
        for (a, b) in o.iter().zip(e) {
            worst = worst.max((*a as f64 - b).abs());
        }
    }
    worst
}

#[test]
fn generated_simple_rnn_equals_the_notebook_loop_to_1e6() {
    // The notebook's own scale, np.random.random in [0, 1): tanh saturates.
    let saturated = check_against_notebook(0.0, 1.0, 1);
    // A scale where tanh works in its curved range, so every term of the recurrence matters.
    let curved = check_against_notebook(-0.15, 0.15, 2);
    eprintln!("saturated {saturated:e}, curved {curved:e}");
    assert!(saturated <= 1e-6, "saturated scale: {saturated}");
    assert!(curved <= 1e-6, "curved scale: {curved}");
}

#[test]
fn recurrence_really_carries_state() {
    // Same inputs at two timesteps give different outputs, because the state differs.
    let model = NotebookRnn::random(3);
    let xs = [[0.5f32; 32]; 100];
    let out = model.forward(&xs).unwrap();
    assert_ne!(out[0], out[1]);
}

mod listing_1 {
    rnn_runtime::rnn_model! { pub struct Sequential<Embedding(10000, 32), SimpleRNN(32)>; }
}
mod listing_2 {
    rnn_runtime::rnn_model! { pub struct Sequential<Embedding(10000, 32), SimpleRNN(32, seq)>; }
}
mod listing_3 {
    rnn_runtime::rnn_model! {
        pub struct Sequential<Embedding(10000, 32), SimpleRNN(32, seq), SimpleRNN(32, seq), SimpleRNN(32, seq), SimpleRNN(32)>;
    }
}

/// The table in shared/KERAS.md, as Keras 2.4.3 prints it for this model.
const KERAS_2_4_3_TABLE: &str = "\
Model: \"sequential\"
_________________________________________________________________
Layer (type)                 Output Shape              Param #   
=================================================================
embedding (Embedding)        (None, None, 32)          320000    
_________________________________________________________________
simple_rnn (SimpleRNN)       (None, 32)                2080      
=================================================================
Total params: 322,080
Trainable params: 322,080
Non-trainable params: 0
_________________________________________________________________";

#[test]
fn summary_is_byte_identical_to_keras_2_4_3() {
    assert_eq!(listing_1::Sequential::SUMMARY, KERAS_2_4_3_TABLE);
    for line in listing_3::Sequential::SUMMARY
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("Total"))
    {
        assert_eq!(line.len(), 65, "every row is 65 characters: {line:?}");
    }
}

#[test]
fn seed_models_parameter_counts() {
    const _: () = assert!(listing_1::Sequential::PARAMS == 322_080);
    assert_eq!(listing_1::Sequential::PARAMS, 322_080);
    assert_eq!(listing_2::Sequential::PARAMS, 322_080);
    assert_eq!(listing_3::Sequential::PARAMS, 328_320);
    assert_eq!(listing_3::Sequential::NON_TRAINABLE_PARAMS, 0);
    assert_eq!(listing_3::Sequential::TRAINABLE_PARAMS, 328_320);
}

/// Goldens written by tools/gen_fixtures.py from real Keras models (names, shapes, counts from
/// Keras; layout by Keras 2.4.3's print_summary). Model names there are the fixture names.
#[test]
fn seed_summaries_match_goldens_from_keras() {
    let golden = |n: &str| {
        std::fs::read_to_string(common::fixtures().join(format!("summaries/{n}.txt"))).unwrap()
    };
    let rename = |s: &str, n: &str| s.replacen("\"sequential\"", &format!("\"{n}\""), 1) + "\n";
    assert_eq!(
        rename(listing_1::Sequential::SUMMARY, "seed1"),
        golden("seed1")
    );
    assert_eq!(
        rename(listing_2::Sequential::SUMMARY, "seed2"),
        golden("seed2")
    );
    assert_eq!(
        rename(listing_3::Sequential::SUMMARY, "seed3"),
        golden("seed3")
    );
}

#[test]
fn models_are_send_sync_and_clone_with_derives_passed_through() {
    rnn_model! {
        /// Doc comments and derives pass through.
        #[derive(Clone, Debug)]
        struct Derived<Embedding(100, 8), SimpleRNN(4)>;
    }
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Derived>();
    send_sync::<NotebookRnn>();
    let a = Derived::random(9);
    let b = a.clone();
    assert_eq!(
        a.forward(&[1, 2, 3]).unwrap(),
        b.forward(&[1, 2, 3]).unwrap()
    );
    assert!(format!("{a:?}").contains("SimpleRnn<8, 4>"));
}

#[test]
fn the_readme_example_holds() {
    rnn_model! {
        /// Sentiment classifier: the IMDB model from chapter 6.
        pub struct Sentiment<Embedding(10000, 32), SimpleRNN(32, seq), SimpleRNN(32), Dense(1, activation = sigmoid)>;
    }
    const _: () = assert!(Sentiment::PARAMS == 324_193);
    let model = Sentiment::from_json(&Sentiment::random(4).to_json()).unwrap();
    let p: [f32; 1] = model.forward(&[12, 7, 301]).unwrap();
    assert!(p[0] > 0.0 && p[0] < 1.0);
    let batch =
        rnn_runtime::ndarray::Array2::from_shape_vec((2, 3), vec![12, 7, 301, 1, 2, 3]).unwrap();
    let ps = model.predict(batch.view()).unwrap();
    assert_eq!(ps.shape(), &[2, 1]);
    assert_eq!(ps[[0, 0]], p[0]);
}
