rnn_runtime::rnn_model! {
    pub struct Kw<
        Embedding(10000, 32, mask_zeros = true),
        SimpleRNN(32, return_sequence = true),
        SimpleRNN(32, units = 16),
        Dense(1, use_bias = 1),
    >;
}

fn main() {}
