rnn_runtime::rnn_model! {
    pub struct NoInput<SimpleRNN(32), Dense(1)>;
}

fn main() {}
