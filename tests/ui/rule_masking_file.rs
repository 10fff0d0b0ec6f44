// The file Keras saved for the model of tests/ui/rule_masking_declared.rs (Keras accepts a
// Masking after a Dense; rnn_model! computes the mask from the input): the same rule, the same
// message, naming the file's layer. (tools/gen_fixtures.py --refused writes it.)
rnn_runtime::rnn_model! {
    #[weights = "../../../../tests/fixtures/keras_refused/masking_after_dense.keras"]
    pub struct Late;
}

fn main() {
    let _ = Late::PARAMS;
}
