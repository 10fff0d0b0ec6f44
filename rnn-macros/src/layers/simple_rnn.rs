//! `SimpleRNN(units, activation = tanh, use_bias = true, return_sequences = false, ...)`.

use proc_macro2::TokenStream;
use quote::quote;
use rnn_spec::LayerKind;

use super::{lit, missing};
use crate::args::{MAX_WIDTH, Reader};
use crate::parse::LayerAst;

pub fn read(ast: &LayerAst, mut r: Reader, input: usize) -> Option<LayerKind> {
    let units = r.size("units", MAX_WIDTH);
    let activation = r.activation_or_default("activation");
    let use_bias = r.flag("use_bias");
    let return_sequences = r.flag("return_sequences");
    let go_backwards = r.flag("go_backwards");
    r.flag("unroll");
    r.rate("dropout");
    r.rate("recurrent_dropout");
    r.string("name");
    match units {
        Ok(Some(units)) => Some(LayerKind::SimpleRnn {
            input,
            units,
            activation,
            use_bias,
            return_sequences,
            go_backwards,
        }),
        Ok(None) => {
            missing(ast, "`units`", r.spec, r.errors);
            None
        }
        Err(()) => None,
    }
}

/// `SimpleRnn<IN, U>`.
pub fn cell(p: &TokenStream, input: usize, units: usize) -> TokenStream {
    let (i, u) = (lit(input), lit(units));
    quote!(#p::SimpleRnn<#i, #u>)
}
