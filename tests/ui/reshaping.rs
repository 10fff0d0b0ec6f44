// ZeroPadding1D, Cropping1D, UpSampling1D, Reshape, Permute and PReLU mistakes (issue 22), each
// on its layer's tokens: a negative padding, a cropping that leaves no step, a target of
// another size, a free-length reshape that does not keep every length whole, a reshape to
// three axes, Permute of a free length and an unknown permutation, a PReLU with an alpha per
// step on a free length, an axis the input does not have, a Flatten wider than a layer's
// output may be, and `step` on a model whose PReLU has an alpha per step.
rnn_runtime::rnn_model! {
    pub struct NegativePadding<Input(None, 3), ZeroPadding1D((1, -2)), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct CropsAll<Input(6, 3), Cropping1D((2, 4)), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct WrongSize<Input(7, 2), Reshape((4, 3)), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct FreeReshape<Input(None, 6), Reshape((-1, 4)), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct ThreeAxes<Input(8, 2), Reshape((2, 4, 2)), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct FreePermute<Input(None, 3), Permute((2, 1)), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct BadDims<Input(5, 3), Permute((1, 3)), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct FreePrelu<Input(None, 3), PReLU(), GRU(2)>;
}

rnn_runtime::rnn_model! {
    pub struct BadAxis<Input(5, 3), GRU(4), PReLU(shared_axes = [2]), Dense(1)>;
}

rnn_runtime::rnn_model! {
    pub struct TooWide<Input(500, 64), Flatten(), Dense(1)>;
}

rnn_runtime::rnn_model! {
    pub struct StepPrelu<Input(6, 3), PReLU(), GRU(2)>;
}

fn main() {
    let m = StepPrelu::zeros();
    let mut s = m.state();
    let _ = m.step(&mut s, &[0.0; 3]);
}
