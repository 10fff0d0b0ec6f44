//! `Dropout(rate)`, `SpatialDropout1D(rate)`, `GaussianNoise(stddev)`, `GaussianDropout(rate)`,
//! `ActivityRegularization(l1, l2)`: identity at inference; their arguments are checked as Keras
//! checks them, then have no effect.

use proc_macro2::TokenStream;
use quote::quote;
use rnn_spec::{LayerKind, Ty};

use super::missing;
use crate::args::Reader;
use crate::parse::LayerAst;

pub fn read(ast: &LayerAst, mut r: Reader, width: usize) -> Option<LayerKind> {
    let class = r.spec;
    let mut ok = true;
    for k in class.keywords {
        match k.ty {
            Ty::Rate => r.rate(k.name),
            Ty::Float => r.non_negative(k.name),
            Ty::Str => {
                r.string(k.name);
            }
            _ => {}
        }
    }
    for p in class.positional {
        if !r.has(p) && class.default(p).is_none() {
            ok = false;
        }
    }
    if !ok {
        let what = format!("`{}`", class.positional.join("`, `"));
        missing(ast, &what, class, r.errors);
        return None;
    }
    Some(LayerKind::Inert { class, width })
}

/// `Inert`: no weights, no work.
pub fn cell(p: &TokenStream) -> TokenStream {
    quote!(#p::Inert)
}
