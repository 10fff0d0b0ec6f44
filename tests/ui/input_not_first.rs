rnn_runtime::rnn_model! {
    pub struct Late<Embedding(100, 8), Input(None, 8)>;
}

fn main() {}
