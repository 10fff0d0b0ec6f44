rnn_runtime::rnn_model! {
    pub struct Nothing<>;
}

rnn_runtime::rnn_model! {
    pub struct OnlyInput<Input(None, 8)>;
}

fn main() {}
