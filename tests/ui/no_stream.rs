// A model that cannot run one step at a time has no usable `step`: the call is a compile error
// that says why (the plan's reason), not a missing method.
rnn_runtime::rnn_model! {
    pub struct Bidi<Embedding(100, 8), Bidirectional(LSTM(4))>;
}

rnn_runtime::rnn_model! {
    pub struct Back<Input(None, 3), GRU(4, seq), SimpleRNN(2, go_backwards = true)>;
}

fn main() {
    let m = Bidi::zeros();
    let mut s = m.state();
    let _ = m.step(&mut s, 3u32);
    let b = Back::zeros();
    let mut s = b.state();
    let _ = b.forward_from(&mut s, &[[0.0f32; 3]][..]);
}
