//! `Embedding(input_dim, output_dim, mask_zero = false, input_length = None)`.

use proc_macro2::TokenStream;
use quote::quote;
use rnn_spec::LayerKind;

use super::{lit, missing};
use crate::args::{MAX_COUNT, MAX_WIDTH, Reader};

use crate::parse::LayerAst;

pub fn read(ast: &LayerAst, mut r: Reader) -> Option<LayerKind> {
    let input_dim = r.size("input_dim", MAX_COUNT);
    let output_dim = r.size("output_dim", MAX_WIDTH);
    let mask_zero = r.flag("mask_zero");
    let input_length = r.steps("input_length");
    r.string("name");
    match (input_dim, output_dim, input_length) {
        (Ok(Some(input_dim)), Ok(Some(output_dim)), Ok(input_length)) => {
            Some(LayerKind::Embedding {
                input_dim,
                output_dim,
                mask_zero,
                input_length,
            })
        }
        (Ok(None), _, _) | (_, Ok(None), _) => {
            missing(
                ast,
                "`input_dim` (vocabulary size) and `output_dim` (vector width)",
                r.spec,
                r.errors,
            );
            None
        }
        _ => None,
    }
}

/// `Embedding<V, D>`.
pub fn cell(p: &TokenStream, input_dim: usize, output_dim: usize) -> TokenStream {
    let (v, d) = (lit(input_dim), lit(output_dim));
    quote!(#p::Embedding<#v, #d>)
}
