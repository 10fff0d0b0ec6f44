//! `LSTM(units, ...)` and `GRU(units, ...)`: the gated recurrent layers share every keyword but
//! one (`unit_forget_bias`, `reset_after`), so one reader serves both.

use proc_macro2::TokenStream;
use quote::quote;
use rnn_spec::{Activation, LayerKind};

use super::{lit, missing};
use crate::args::{MAX_WIDTH, Reader};
use crate::parse::LayerAst;

/// What LSTM and GRU both take.
struct Common {
    units: usize,
    activation: Activation,
    recurrent_activation: Activation,
    use_bias: bool,
    return_sequences: bool,
    go_backwards: bool,
}

/// Reads the shared keywords; `extra` names the class's own flag, read in between so that errors
/// come in the order of the arguments' keywords.
fn common(ast: &LayerAst, r: &mut Reader, extra: &str) -> Option<(Common, bool)> {
    let units = r.size("units", MAX_WIDTH);
    let activation = r.activation_or_default("activation");
    let recurrent_activation = r.activation_or_default("recurrent_activation");
    let use_bias = r.flag("use_bias");
    let return_sequences = r.flag("return_sequences");
    let go_backwards = r.flag("go_backwards");
    let flag = r.flag(extra);
    r.flag("unroll");
    r.rate("dropout");
    r.rate("recurrent_dropout");
    r.string("name");
    match units {
        Ok(Some(units)) => Some((
            Common {
                units,
                activation,
                recurrent_activation,
                use_bias,
                return_sequences,
                go_backwards,
            },
            flag,
        )),
        Ok(None) => {
            missing(ast, "`units`", r.spec, r.errors);
            None
        }
        Err(()) => None,
    }
}

pub fn read_lstm(ast: &LayerAst, mut r: Reader, input: usize) -> Option<LayerKind> {
    let (c, unit_forget_bias) = common(ast, &mut r, "unit_forget_bias")?;
    Some(LayerKind::Lstm {
        input,
        units: c.units,
        activation: c.activation,
        recurrent_activation: c.recurrent_activation,
        use_bias: c.use_bias,
        return_sequences: c.return_sequences,
        go_backwards: c.go_backwards,
        unit_forget_bias,
    })
}

pub fn read_gru(ast: &LayerAst, mut r: Reader, input: usize) -> Option<LayerKind> {
    let (c, reset_after) = common(ast, &mut r, "reset_after")?;
    Some(LayerKind::Gru {
        input,
        units: c.units,
        activation: c.activation,
        recurrent_activation: c.recurrent_activation,
        use_bias: c.use_bias,
        return_sequences: c.return_sequences,
        go_backwards: c.go_backwards,
        reset_after,
    })
}

/// `Lstm<IN, U, 4U>` or `Gru<IN, U, 3U>`: the gate columns are the kernel's, from the spec.
pub fn cell(p: &TokenStream, kind: &LayerKind) -> TokenStream {
    let (input, units) = kind.sizes();
    let columns = kind
        .tensors()
        .first()
        .and_then(|(_, shape)| shape.get(1).copied())
        .unwrap_or(units);
    let (i, u, c) = (lit(input), lit(units), lit(columns));
    match kind {
        LayerKind::Lstm { .. } => quote!(#p::Lstm<#i, #u, #c>),
        _ => quote!(#p::Gru<#i, #u, #c>),
    }
}
