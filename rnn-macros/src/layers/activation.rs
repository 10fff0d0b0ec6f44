//! `Activation(activation)`: the activation on the last axis, 0 parameters.

use proc_macro2::TokenStream;
use quote::quote;
use rnn_spec::LayerKind;

use super::{lit, missing};
use crate::args::Reader;
use crate::parse::LayerAst;

pub fn read(ast: &LayerAst, mut r: Reader, width: usize) -> Option<LayerKind> {
    let activation = r.activation("activation");
    r.string("name");
    match activation {
        Ok(Some(activation)) => Some(LayerKind::Activation { width, activation }),
        Ok(None) => {
            missing(ast, "an activation", r.spec, r.errors);
            None
        }
        Err(()) => None,
    }
}

/// `ActivationLayer<W>`.
pub fn cell(p: &TokenStream, width: usize) -> TokenStream {
    let w = lit(width);
    quote!(#p::ActivationLayer<#w>)
}
