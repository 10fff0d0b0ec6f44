rnn_runtime::rnn_model! {
    pub struct Flag<Embedding(10000, 32), SimpleRNN(32, sequ), SimpleRNN(32, return_sequences)>;
}

fn main() {}
