//! The checked model: what `check` produces from the AST and `expand` turns into code.
//! Every size here is final; `expand` only names them.

use proc_macro2::TokenStream;
use syn::{Attribute, Ident, Visibility};

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

/// What `forward` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Token ids for a first `Embedding`; `mask_zero` makes id 0 padding.
    Tokens {
        vocab: usize,
        steps: Option<usize>,
        mask_zero: bool,
    },
    /// Float vectors of `features`, from `Input(steps, features)`.
    Floats {
        steps: Option<usize>,
        features: usize,
    },
}

pub struct Layer {
    pub name: String,
    pub kind: Kind,
    /// Width of the layer's input (features per step, or of the vector).
    pub input_width: usize,
    pub output: Flow,
    pub params: u64,
    /// The layer's tokens, for spans in generated code.
    pub tokens: TokenStream,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Embedding {
        input_dim: usize,
        output_dim: usize,
        mask_zero: bool,
        input_length: Option<usize>,
    },
    SimpleRnn {
        units: usize,
        activation: Act,
        use_bias: bool,
        return_sequences: bool,
        go_backwards: bool,
    },
    Dense {
        units: usize,
        activation: Act,
        use_bias: bool,
    },
}

/// What flows between layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// (batch, steps, width); `steps` is `None` for a free length.
    Seq { steps: Option<usize>, width: usize },
    /// (batch, width).
    Vector { width: usize },
}

impl Flow {
    pub fn width(self) -> usize {
        match self {
            Flow::Seq { width, .. } | Flow::Vector { width } => width,
        }
    }

    /// Keras 2's text for the output shape: `(None, None, 32)`, `(None, 32)`.
    pub fn keras_shape(self) -> String {
        match self {
            Flow::Seq { steps, width } => match steps {
                Some(t) => format!("(None, {t}, {width})"),
                None => format!("(None, None, {width})"),
            },
            Flow::Vector { width } => format!("(None, {width})"),
        }
    }
}

/// An activation: its Keras name and the runtime's `Activation` variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Act {
    pub keras: &'static str,
    pub variant: &'static str,
}

/// Every activation the DSL accepts (Keras's names), with the runtime variant it maps to.
pub const ACTIVATIONS: &[Act] = &[
    Act {
        keras: "linear",
        variant: "Linear",
    },
    Act {
        keras: "relu",
        variant: "Relu",
    },
    Act {
        keras: "sigmoid",
        variant: "Sigmoid",
    },
    Act {
        keras: "tanh",
        variant: "Tanh",
    },
    Act {
        keras: "softmax",
        variant: "Softmax",
    },
    Act {
        keras: "elu",
        variant: "Elu",
    },
    Act {
        keras: "selu",
        variant: "Selu",
    },
    Act {
        keras: "softplus",
        variant: "Softplus",
    },
    Act {
        keras: "softsign",
        variant: "Softsign",
    },
    Act {
        keras: "swish",
        variant: "Swish",
    },
    Act {
        keras: "silu",
        variant: "Swish",
    },
    Act {
        keras: "gelu",
        variant: "Gelu",
    },
    Act {
        keras: "exponential",
        variant: "Exponential",
    },
    Act {
        keras: "hard_sigmoid",
        variant: "HardSigmoid",
    },
    Act {
        keras: "hard_sigmoid_keras2",
        variant: "HardSigmoidKeras2",
    },
    Act {
        keras: "relu6",
        variant: "Relu6",
    },
    Act {
        keras: "leaky_relu",
        variant: "LeakyRelu",
    },
    Act {
        keras: "mish",
        variant: "Mish",
    },
    Act {
        keras: "log_softmax",
        variant: "LogSoftmax",
    },
];

impl Act {
    pub fn named(name: &str) -> Option<Act> {
        if name == "None" {
            return Some(ACTIVATIONS[0]);
        }
        ACTIVATIONS.iter().copied().find(|a| a.keras == name)
    }
}

impl Kind {
    pub fn class(&self) -> &'static str {
        match self {
            Kind::Embedding { .. } => "Embedding",
            Kind::SimpleRnn { .. } => "SimpleRNN",
            Kind::Dense { .. } => "Dense",
        }
    }

    pub fn is_recurrent(&self) -> bool {
        matches!(self, Kind::SimpleRnn { .. })
    }
}

impl Model {
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
