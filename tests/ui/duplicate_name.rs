rnn_runtime::rnn_model! {
    pub struct Names<Input(None, 4), Dense(4, name = "head"), Dense(2, name = "head")>;
}

fn main() {}
