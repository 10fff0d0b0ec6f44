rnn_runtime::rnn_model! {
    pub struct Huge<Embedding(16777216, 16384), SimpleRNN(32)>;
}

rnn_runtime::rnn_model! {
    pub struct Wide<Input(None, 65536), SimpleRNN(65536)>;
}

rnn_runtime::rnn_model! {
    pub struct TooBig<Embedding(99999999999999999999999, 8)>;
}

fn main() {}
