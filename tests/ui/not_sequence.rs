rnn_runtime::rnn_model! {
    pub struct Stack<Embedding(10000, 32), SimpleRNN(32), SimpleRNN(32)>;
}

fn main() {}
