rnn_runtime::rnn_model! {
    pub struct Act<Input(None, 8), Dense(1, activation = sigmod)>;
}

rnn_runtime::rnn_model! {
    pub struct Act2<Input(None, 8), SimpleRNN(4, activation = "swishy")>;
}

fn main() {}
