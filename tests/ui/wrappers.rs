// Bidirectional and TimeDistributed: the inner layer's mistakes on its own tokens, and what the
// wrappers refuse, each with its fix.
rnn_runtime::rnn_model! {
    pub struct InnerTypo<Embedding(100, 8), Bidirectional(LSTM(8, activation = tanhh))>;
}

rnn_runtime::rnn_model! {
    pub struct NotRecurrent<Embedding(100, 8), Bidirectional(Dense(8))>;
}

rnn_runtime::rnn_model! {
    pub struct MergeNone<Embedding(100, 8), Bidirectional(GRU(8), merge_mode = None)>;
}

rnn_runtime::rnn_model! {
    pub struct MergeTypo<Embedding(100, 8), Bidirectional(GRU(8), merge_mode = concatenate)>;
}

rnn_runtime::rnn_model! {
    pub struct Backwards<Embedding(100, 8), Bidirectional(SimpleRNN(8, go_backwards = true))>;
}

rnn_runtime::rnn_model! {
    pub struct BackwardLayer<Embedding(100, 8), Bidirectional(LSTM(8), backward_layer = LSTM(8, go_backwards = true))>;
}

rnn_runtime::rnn_model! {
    pub struct BareInner<Embedding(100, 8), Bidirectional(LSTM)>;
}

rnn_runtime::rnn_model! {
    pub struct NoInner<Embedding(100, 8), Bidirectional()>;
}

rnn_runtime::rnn_model! {
    pub struct TdRecurrent<Embedding(100, 8), TimeDistributed(LSTM(4))>;
}

rnn_runtime::rnn_model! {
    pub struct TdAfterLast<Embedding(100, 8), Bidirectional(LSTM(4)), TimeDistributed(Dense(2))>;
}

rnn_runtime::rnn_model! {
    pub struct UnknownInner<Embedding(100, 8), Bidirectional(Lstm(4))>;
}

fn main() {}
