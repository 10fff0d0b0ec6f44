// The activation layers' refusals (issue 22), each on its tokens: ReLU's negative options
// (Keras refuses them too), LeakyReLU's two spellings at once, Softmax over another axis than
// the last, and Softmax on a masked sequence (Keras raises: the step mask does not broadcast).
rnn_runtime::rnn_model! {
    pub struct NegativeRelu<Input(None, 4), ReLU(max_value = -1.0, threshold = -0.5), SimpleRNN(2)>;
}

rnn_runtime::rnn_model! {
    pub struct TwoSlopes<Input(None, 4), LeakyReLU(negative_slope = 0.1, alpha = 0.2), SimpleRNN(2)>;
}

rnn_runtime::rnn_model! {
    pub struct TimeSoftmax<Input(None, 4), SimpleRNN(3, seq), Softmax(axis = 1)>;
}

rnn_runtime::rnn_model! {
    pub struct TupleSoftmax<Input(None, 4), SimpleRNN(3, seq), Softmax(axis = (1, 2))>;
}

rnn_runtime::rnn_model! {
    pub struct MaskedSoftmax<Embedding(20, 4, mask_zero = true), Softmax(), SimpleRNN(2)>;
}

rnn_runtime::rnn_model! {
    pub struct MaskedTdSoftmax<Embedding(20, 4, mask_zero = true), ELU(), TimeDistributed(Softmax()), SimpleRNN(2)>;
}

rnn_runtime::rnn_model! {
    pub struct BadAlpha<Input(None, 4), ELU(alpha = "one"), ReLU(max_value = none), SimpleRNN(2)>;
}

fn main() {}
