// Mistakes in the layers real models contain: each reported on its tokens, with the fix.
rnn_runtime::rnn_model! {
    pub struct MaskingAfterRnn<Input(None, 4), SimpleRNN(4, seq), Masking(), SimpleRNN(2)>;
}

rnn_runtime::rnn_model! {
    pub struct MaskingOnTokens<Embedding(100, 8), Masking(mask_value = 0.0), SimpleRNN(2)>;
}

rnn_runtime::rnn_model! {
    pub struct BadRates<Input(None, 4), Dropout(1.5), GaussianNoise(-0.1), SpatialDropout1D(), Activation(tanhh), SimpleRNN(2)>;
}

rnn_runtime::rnn_model! {
    pub struct BadMaskValue<Input(None, 4), Masking(mask_value = "zero"), SimpleRNN(2)>;
}

fn main() {}
