rnn_runtime::rnn_model! {
    pub struct Typo<Embedding(10000, 32), SimpleRnn(32)>;
}

rnn_runtime::rnn_model! {
    pub struct Unknown<Input(None, 8), Conv2D(32)>;
}

fn main() {}
