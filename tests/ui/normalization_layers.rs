// The normalization layers' refusals (issue 22), each on its tokens: an axis other than the
// last (the time axis of a sequence; 2 on a vector, where the last axis is 1; 2 inside
// TimeDistributed, where the inner layer sees one step), several axes, a wrong option type.
rnn_runtime::rnn_model! {
    pub struct TimeAxisBn<Input(None, 4), BatchNormalization(axis = 1), SimpleRNN(2)>;
}

rnn_runtime::rnn_model! {
    pub struct VectorAxisLn<Input(None, 4), SimpleRNN(3), LayerNormalization(axis = 2)>;
}

rnn_runtime::rnn_model! {
    pub struct TdAxisBn<Input(None, 4), TimeDistributed(BatchNormalization(axis = 2)), SimpleRNN(2)>;
}

rnn_runtime::rnn_model! {
    pub struct TwoAxesLn<Input(None, 4), LayerNormalization(axis = (1, 2)), SimpleRNN(2)>;
}

rnn_runtime::rnn_model! {
    pub struct BadOptions<Input(None, 4), BatchNormalization(center = 1), LayerNormalization(epsilon = "small"), SimpleRNN(2)>;
}

fn main() {}
