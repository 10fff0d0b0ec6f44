//! The notebook this project grew from, in Rust: a SimpleRNN written as a numpy loop (timesteps
//! 100, 32 input features, 64 units), run through generated code, then the summaries of the
//! three Keras models the notebook builds.
//!
//! Run: `cargo run --example seed`

use rnn_runtime::init::Rng;
use rnn_runtime::weights::{LayerRecord, TensorRecord, WeightsFile};
use rnn_runtime::{LayerInfo, rnn_model};

const TIMESTEPS: usize = 100;
const INPUT_FEATURES: usize = 32;
const OUTPUT_FEATURES: usize = 64;

rnn_model! {
    /// The notebook's numpy SimpleRNN: `output_t = tanh(W·input_t + U·state_t + b)`.
    pub struct NumpyRnn<Input(100, 32), SimpleRNN(64, seq)>;
}

mod listing_1 {
    rnn_runtime::rnn_model! { pub struct Sequential<Embedding(10000, 32), SimpleRNN(32)>; }
}
mod listing_2 {
    rnn_runtime::rnn_model! { pub struct Sequential<Embedding(10000, 32), SimpleRNN(32, seq)>; }
}
mod listing_3 {
    rnn_runtime::rnn_model! {
        pub struct Sequential<
            Embedding(10000, 32),
            SimpleRNN(32, seq),
            SimpleRNN(32, seq),
            SimpleRNN(32, seq),
            SimpleRNN(32),
        >;
    }
}

/// `np.random.random(shape)`: uniform in [0, 1).
fn random(rng: &mut Rng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.uniform(0.0, 1.0)).collect()
}

/// The transpose of a (rows, cols) row-major matrix: numpy's `W` is (units, in), Keras's kernel
/// is (in, units).
fn transpose(m: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    (0..cols * rows)
        .map(|k| m[(k % rows) * cols + k / rows])
        .collect()
}

fn tensor(name: &str, shape: &[u64], data: Vec<f32>) -> TensorRecord {
    TensorRecord {
        name: name.into(),
        shape: shape.to_vec(),
        data,
    }
}

fn main() -> Result<(), rnn_runtime::Error> {
    let mut rng = Rng::new(2017);
    let inputs = random(&mut rng, TIMESTEPS * INPUT_FEATURES);
    let w = random(&mut rng, OUTPUT_FEATURES * INPUT_FEATURES);
    let u = random(&mut rng, OUTPUT_FEATURES * OUTPUT_FEATURES);
    let b = random(&mut rng, OUTPUT_FEATURES);

    // The notebook's W, U and b as a Keras weights file for the generated model.
    let info: &LayerInfo = &NumpyRnn::LAYERS[0];
    let mut file = NumpyRnn::zeros().to_weights();
    file.checksum = None;
    file.layers = vec![LayerRecord {
        weights: vec![
            tensor(
                "kernel",
                &[32, 64],
                transpose(&w, OUTPUT_FEATURES, INPUT_FEATURES),
            ),
            tensor(
                "recurrent_kernel",
                &[64, 64],
                transpose(&u, OUTPUT_FEATURES, OUTPUT_FEATURES),
            ),
            tensor("bias", &[64], b),
        ],
        ..file.layers.remove(0)
    }];
    let model = NumpyRnn::from_weights(WeightsFile { ..file })?;

    let xs: Vec<[f32; INPUT_FEATURES]> = inputs
        .chunks_exact(INPUT_FEATURES)
        .map(|c| std::array::from_fn(|i| c[i]))
        .collect();
    let xs: &[[f32; INPUT_FEATURES]; TIMESTEPS] = xs[..].try_into().expect("100 timesteps");
    let outputs = model.forward(xs)?;

    println!(
        "# A SimpleRNN in numpy, run as `{}` ({})",
        NumpyRnn::NAME,
        info.class
    );
    println!(
        "final_output_sequence.shape = ({}, {})",
        outputs.len(),
        outputs[0].len()
    );
    println!("first timestep, first 8 units: {:?}", &outputs[0][..8]);
    println!(
        "last timestep, first 8 units:  {:?}",
        &outputs[TIMESTEPS - 1][..8]
    );
    let below_one = outputs.iter().flatten().filter(|v| **v < 1.0).count();
    println!(
        "(as in the notebook, W, U and b are uniform in [0, 1), so tanh saturates: {below_one} of {} outputs are below 1.0)",
        TIMESTEPS * OUTPUT_FEATURES
    );
    println!();

    println!("# Embedding + SimpleRNN (last output)");
    println!("{}", listing_1::Sequential::SUMMARY);
    println!();
    println!("# Embedding + SimpleRNN (full sequence)");
    println!("{}", listing_2::Sequential::SUMMARY);
    println!();
    println!("# Embedding + four stacked SimpleRNNs");
    println!("{}", listing_3::Sequential::SUMMARY);
    Ok(())
}
