rnn_runtime::rnn_model! {
    pub struct Late<Input(None, 8), Dense(8), Embedding(10000, 32)>;
}

fn main() {}
