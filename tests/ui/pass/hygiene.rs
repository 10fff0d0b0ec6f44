// Generated code names everything through `$crate::__private`: a module that defines its own
// `Option`, `Some`, `None`, `Vec`, `vec!`, `String`, `Ok`, `Err`, `Result`, `Box`, `std` and
// `core` still declares and runs models.
#![allow(dead_code, unused_macros, non_camel_case_types)]

mod shadowed {
    pub struct Option;
    pub struct Some;
    pub struct None;
    pub struct Vec;
    pub struct String;
    pub struct Ok;
    pub struct Err;
    pub struct Result;
    pub struct Box;
    pub struct AsRef;
    pub struct Path;
    pub mod std {}
    pub mod core {}
    macro_rules! vec {
        ($($t:tt)*) => {
            compile_error!("the user's vec! was called")
        };
    }
    macro_rules! format {
        ($($t:tt)*) => {
            compile_error!("the user's format! was called")
        };
    }

    rnn_runtime::rnn_model! {
        #[derive(Clone)]
        pub struct Tokens<Embedding(50, 8, mask_zero = true), Dropout(0.5), SimpleRNN(6, seq), SimpleRNN(4, go_backwards = true), Dense(2, activation = softmax)>;
    }
    rnn_runtime::rnn_model! {
        pub struct Floats<Input(7, 3), Masking(mask_value = -1.0), SimpleRNN(5, seq), Activation(relu), Dense(2)>;
    }
}

fn main() {
    let m = shadowed::Tokens::random(1);
    let p = m.forward(&[3, 0, 7]).unwrap();
    assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    let again = shadowed::Tokens::from_json(&m.to_json()).unwrap();
    assert_eq!(again.forward(&[3, 0, 7]).unwrap(), p);
    let batch = rnn_runtime::ndarray::Array2::from_shape_vec((2, 3), vec![3, 0, 7, 1, 2, 3]).unwrap();
    assert_eq!(m.predict(batch.view()).unwrap().row(0).to_vec(), p.to_vec());

    let f = shadowed::Floats::zeros();
    let out = f.forward(&[[0.5; 3]; 7]).unwrap();
    assert_eq!(out.len(), 7);
    assert_eq!(shadowed::Floats::TIMESTEPS, Some(7));
}
