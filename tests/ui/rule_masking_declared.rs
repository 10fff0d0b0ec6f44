// A model rule is written once (rnn_spec::rules) and gives the same message for a declaration
// and for a file that breaks it (tests/ui/rule_masking_file.rs).
rnn_runtime::rnn_model! {
    pub struct Late<Input(None, 4), Dense(4), Masking(), LSTM(3)>;
}

fn main() {
    let _ = Late::PARAMS;
}
