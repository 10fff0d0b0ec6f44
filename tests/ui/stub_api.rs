// One mistake is one error, however the model is used: the stub has the whole API, and its
// outputs and constants are rustc's error type and constants, so no use needs an annotation
// and none adds an error (unannotated, annotated, `?`, `unwrap`, indexing, iterating,
// printing, in a const, in a struct, as a function's result).
use rnn_runtime::ndarray::Array2;

rnn_runtime::rnn_model! {
    /// A model with one mistake.
    pub struct Broken<Embedding(100, 8), SimpleRNN(8, activation = tanhh), Dense(1)>;
}

const _: () = assert!(Broken::PARAMS == 800 + 136 + 9);

struct App {
    model: Broken,
    state: BrokenState,
}

impl Broken {
    fn first_output(&self, tokens: &[u32]) -> rnn_runtime::Result<f32> {
        Ok(self.forward(tokens)?[0])
    }
}

fn run(m: &Broken, tokens: &[u32]) -> Result<[f32; 1], rnn_runtime::Error> {
    m.forward(tokens)
}

fn main() -> Result<(), rnn_runtime::Error> {
    let m = Broken::load("model.json").unwrap();
    let loaded = Broken::load(std::path::Path::new("model.keras"))?;
    let zeros = Broken::zeros();
    let random = Broken::random(7);
    let parsed = Broken::from_json(&zeros.to_json())?;
    let again = Broken::from_weights(random.to_weights()).expect("weights");
    let baked: &'static Broken = Broken::baked();
    std::fs::write("model.json", baked.to_json()).ok();

    let y = m.forward(&[1, 2, 3])?;
    println!("{} {:?} {}", y[0], y, y.len());
    for v in y {
        println!("{v}");
    }
    let typed: [f32; 1] = loaded.forward(&[1u32, 2, 3]).unwrap();
    let width: [f32; Broken::OUTPUT_WIDTH] = typed;
    m.forward(&[4, 5])?;
    println!("{} {:?} {}", run(&parsed, &[4, 5])?[0], width, again.first_output(&[6])?);

    let batch = Array2::<u32>::zeros((2, 3));
    let out = m.predict(batch.view())?;
    println!("{} {:?}", out[[0, 0]], out.shape());
    let all: Array2<f32> = again.predict(batch.view()).unwrap();
    println!("{}", all.sum());

    let mut state = m.state();
    let last = m.step(&mut state, 3)?;
    let rest = m.forward_from(&mut state, &[4, 5])?;
    println!("{} {:?} {:?}", last[0], rest, state.clone());
    state.reset();
    let mut app = App {
        model: zeros,
        state,
    };
    app.state.reset();
    println!("{:?}", app.model.step(&mut app.state, 9)?);

    let layers: &[rnn_runtime::LayerInfo] = Broken::LAYERS;
    for l in Broken::LAYERS {
        println!("{} {} {}", l.name, l.class, l.params);
    }
    let features = [0.0f32; Broken::INPUT_WIDTH];
    if let Some(steps) = Broken::TIMESTEPS {
        println!("{steps}");
    }
    println!(
        "{} {} {} {} {} {} {} {} {} {}",
        Broken::SUMMARY,
        Broken::NAME,
        Broken::PARAMS,
        Broken::TRAINABLE_PARAMS,
        Broken::NON_TRAINABLE_PARAMS,
        Broken::TAKES_TOKENS,
        Broken::RETURNS_SEQUENCES,
        Broken::TIMESTEPS.unwrap_or(0),
        layers.len(),
        features.len(),
    );
    Ok(())
}
