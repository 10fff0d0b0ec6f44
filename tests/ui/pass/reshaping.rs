// The reshaping layers compile wherever Keras builds them, and a PReLU that shares its alpha
// over time streams (it runs per step).
rnn_runtime::rnn_model! {
    pub struct Shapes<Input(7, 2), ZeroPadding1D(padding = (1, 2)), Cropping1D(cropping = 1), UpSampling1D(size = 3), Permute((2, 1)), Reshape(target_shape = (-1,)), Dense(12), Reshape((4, 3)), GRU(3)>;
}

rnn_runtime::rnn_model! {
    pub struct Streams<Input(None, 3), LSTM(4, seq), PReLU(shared_axes = [1]), TimeDistributed(PReLU()), GRU(2), PReLU()>;
}

fn main() {
    let _ = Shapes::zeros();
    let m = Streams::zeros();
    let mut s = m.state();
    let _ = m.step(&mut s, &[0.0; 3]);
}
