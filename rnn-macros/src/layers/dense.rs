//! `Dense(units, activation = linear, use_bias = true)`.

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
    r.string("name");
    match units {
        Ok(Some(units)) => Some(LayerKind::Dense {
            input,
            units,
            activation,
            use_bias,
        }),
        Ok(None) => {
            missing(ast, "`units`", r.spec, r.errors);
            None
        }
        Err(()) => None,
    }
}

/// `Dense<IN, U>`.
pub fn cell(p: &TokenStream, input: usize, units: usize) -> TokenStream {
    let (i, u) = (lit(input), lit(units));
    quote!(#p::Dense<#i, #u>)
}
