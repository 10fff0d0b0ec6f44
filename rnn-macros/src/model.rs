//! The checked model: what `check` produces from the AST and `plan` decides how to run. Every
//! size here is final. Layer facts (tensors, parameter counts, output shapes, names) come from
//! `rnn_spec`.

use proc_macro2::TokenStream;
use syn::{Attribute, Ident, Visibility};

pub use rnn_spec::rules::Source;
pub use rnn_spec::{Flow, LayerKind};

pub struct Model {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    /// Keras's model name: the struct name in snake_case.
    pub name: String,
    pub input: Source,
    /// Every layer but `Input`, in order.
    pub layers: Vec<Layer>,
}

pub struct Layer {
    pub name: String,
    /// A wrapper's inner layer's name (Keras names it too: it takes a number of its class).
    pub inner_name: Option<String>,
    pub kind: LayerKind,
    pub output: Flow,
    pub params: u64,
    /// The layer's tokens, for spans in generated code.
    pub tokens: TokenStream,
}

impl Model {
    /// The model a declaration describes, with its checked input and layers (its name is the
    /// struct's in snake case, as Keras names a model).
    pub fn new(def: &crate::parse::ModelDef, input: Source, layers: Vec<Layer>) -> Model {
        Model {
            attrs: def.attrs.clone(),
            vis: def.vis.clone(),
            ident: def.name.clone(),
            name: rnn_spec::naming::snake_case(&def.name.to_string()),
            input,
            layers,
        }
    }

    pub fn params(&self) -> u64 {
        self.layers.iter().map(|l| l.params).sum()
    }

    pub fn output(&self) -> Flow {
        self.layers
            .last()
            .map_or(Flow::Vector { width: 0 }, |l| l.output)
    }

    pub fn has_recurrent(&self) -> bool {
        self.layers.iter().any(|l| l.kind.is_recurrent())
    }
}
