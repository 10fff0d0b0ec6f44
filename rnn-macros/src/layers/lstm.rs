//! `LSTM(units, activation = tanh, recurrent_activation = sigmoid, use_bias = true,
//! return_sequences = false, go_backwards = false, unit_forget_bias = true, ...)`.

use proc_macro2::TokenStream;
use quote::quote;
use rnn_spec::LayerKind;

use super::{lit, missing};
use crate::args::{MAX_WIDTH, Reader};
use crate::parse::LayerAst;

pub fn read(ast: &LayerAst, mut r: Reader, input: usize) -> Option<LayerKind> {
    let units = r.size("units", MAX_WIDTH);
    let activation = r.activation_or_default("activation");
    let recurrent_activation = r.activation_or_default("recurrent_activation");
    let use_bias = r.flag("use_bias");
    let return_sequences = r.flag("return_sequences");
    let go_backwards = r.flag("go_backwards");
    let unit_forget_bias = r.flag("unit_forget_bias");
    r.flag("unroll");
    r.rate("dropout");
    r.rate("recurrent_dropout");
    r.string("name");
    match units {
        Ok(Some(units)) => Some(LayerKind::Lstm {
            input,
            units,
            activation,
            recurrent_activation,
            use_bias,
            return_sequences,
            go_backwards,
            unit_forget_bias,
        }),
        Ok(None) => {
            missing(ast, "`units`", r.spec, r.errors);
            None
        }
        Err(()) => None,
    }
}

/// `Lstm<IN, U, 4U>`.
pub fn cell(p: &TokenStream, input: usize, units: usize) -> TokenStream {
    let (i, u, u4) = (lit(input), lit(units), lit(4 * units));
    quote!(#p::Lstm<#i, #u, #u4>)
}
