// The last axis by its positive index, as tf_keras writes it: 2 on a sequence, 1 on a vector and
// inside TimeDistributed (the inner layer sees one step).
rnn_runtime::rnn_model! {
    pub struct PositiveAxes<Input(None, 4), BatchNormalization(axis = 2), TimeDistributed(LayerNormalization(axis = 1)), SimpleRNN(3), LayerNormalization(axis = 1), BatchNormalization(axis = -1, momentum = 0.9)>;
}

fn main() {
    assert_eq!(PositiveAxes::NON_TRAINABLE_PARAMS, 2 * 4 + 2 * 3);
}
