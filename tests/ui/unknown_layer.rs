rnn_runtime::rnn_model! {
    pub struct Typo<Embedding(10000, 32), SimpleRnn(32)>;
}

rnn_runtime::rnn_model! {
    pub struct Unknown<Input(None, 8), Conv2D(32)>;
}

// Several classes rnn_model! does not implement: one error names them all, over their span,
// so a user meets them at once (a file says the same: tests/ui/baked_keras_file.rs).
rnn_runtime::rnn_model! {
    pub struct Cnn<Input(None, 4), SeparableConv1D(8, 3), Conv1DTranspose(8, 3), UnitNormalization(), SeparableConv1D(8, 3), GRU(3)>;
}

fn main() {}
