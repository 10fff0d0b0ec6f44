// Conv1D, pooling, Flatten and RepeatVector mistakes (issue 22), each on its layer's tokens:
// a window longer than a fixed-length input, Flatten after a free length, RepeatVector on a
// sequence, Keras's refusals (strides with dilation, groups that do not divide, a padding it
// does not know), channels_first, and `step` on a model whose windows need the whole sequence.
rnn_runtime::rnn_model! {
    pub struct TooShort<Input(4, 3), Conv1D(8, 3), MaxPooling1D(pool_size = 3), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct FreeFlatten<Input(None, 3), Conv1D(8, 3), Flatten(), Dense(1)>;
}

rnn_runtime::rnn_model! {
    pub struct RepeatSeq<Input(None, 3), LSTM(4, seq), RepeatVector(3), LSTM(2)>;
}

rnn_runtime::rnn_model! {
    pub struct StridedDilated<Input(None, 4), Conv1D(8, 3, strides = 2, dilation_rate = 2), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct BadGroups<Input(None, 4), Conv1D(6, 3, groups = 3), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct BadPadding<Input(None, 4), Conv1D(6, 3, padding = full), MaxPooling1D(padding = causal), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct ChannelsFirst<Input(None, 4), Conv1D(6, 3, data_format = channels_first), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct Jena<Input(None, 14), Conv1D(32, 5, activation = relu), MaxPooling1D(pool_size = 3), Conv1D(32, 5, activation = relu), GRU(32), Dense(1)>;
}

fn main() {
    let m = Jena::zeros();
    let mut s = m.state();
    let _ = m.step(&mut s, &[0.0; 14]);
}
