rnn_runtime::rnn_model! {
    pub struct Sizes<Embedding(0, 32), SimpleRNN(100000, seq), Dense(-1)>;
}

fn main() {}
