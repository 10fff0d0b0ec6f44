// One mistake is one error, however the model is used: the stub carries the whole API.
rnn_runtime::rnn_model! {
    pub struct Broken<Embedding(100, 8), SimpleRNN(8, activation = tanhh), Dense(1)>;
}

fn main() -> Result<(), rnn_runtime::Error> {
    let m = Broken::load("model.json")?;
    let _zeros = Broken::zeros();
    let _random = Broken::random(7);
    let _parsed = Broken::from_json("{}")?;
    let _again = Broken::from_weights(m.to_weights())?;
    let _text: String = m.to_json();
    let _p: [f32; 1] = m.forward(&[1u32, 2, 3])?;
    let batch = rnn_runtime::ndarray::Array2::<u32>::zeros((2, 3));
    let _ps: rnn_runtime::ndarray::Array2<f32> = m.predict(batch.view())?;
    let _layers: &[rnn_runtime::LayerInfo] = Broken::LAYERS;
    println!(
        "{} {} {} {} {} {:?} {} {} {} {}",
        Broken::SUMMARY,
        Broken::PARAMS,
        Broken::TRAINABLE_PARAMS,
        Broken::NON_TRAINABLE_PARAMS,
        Broken::NAME,
        Broken::TIMESTEPS,
        Broken::INPUT_WIDTH,
        Broken::OUTPUT_WIDTH,
        Broken::TAKES_TOKENS,
        Broken::RETURNS_SEQUENCES,
    );
    Ok(())
}
