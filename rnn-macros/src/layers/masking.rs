//! `Masking(mask_value = 0.0)`: a step whose features all equal the value is masked and zeroed.

use proc_macro2::TokenStream;
use quote::quote;
use rnn_spec::LayerKind;

use super::lit;
use crate::args::Reader;

pub fn read(mut r: Reader, width: usize) -> Option<LayerKind> {
    let value = r.float("mask_value");
    r.string("name");
    let mask_value = match value {
        Ok(Some(v)) => v as f32,
        Ok(None) => 0.0,
        Err(()) => return None,
    };
    Some(LayerKind::Masking { width, mask_value })
}

/// `Masking<W>`.
pub fn cell(p: &TokenStream, width: usize) -> TokenStream {
    let w = lit(width);
    quote!(#p::Masking<#w>)
}
