// Two mistakes in one model: both are reported, on their own tokens, and the code that uses
// the model reports nothing further.
rnn_runtime::rnn_model! {
    pub struct Two<Embedding(10000, 32), SimpleRNN(32), SimpleRNN(32, activation = tanhh)>;
}

fn main() {
    let _ = Two::PARAMS;
    println!("{}", Two::SUMMARY);
}
