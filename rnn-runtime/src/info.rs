//! What the macro knows about each layer, emitted as a `const` slice (`Model::LAYERS`).

use crate::Activation;

/// One layer of a compiled model, as the summary shows it plus the options that change results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerInfo {
    /// Keras's name for the layer: `embedding`, `simple_rnn_1`, `dense`, ...
    pub name: &'static str,
    /// Keras's class name: `Embedding`, `SimpleRNN`, `Dense`.
    pub class: &'static str,
    /// The output shape as Keras 2 prints it: `(None, None, 32)`.
    pub output_shape: &'static str,
    /// Parameter count (all trainable).
    pub params: usize,
    pub kind: LayerKind,
}

/// The layer's class with its sizes and options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerKind {
    Embedding {
        input_dim: usize,
        output_dim: usize,
        mask_zero: bool,
        input_length: Option<usize>,
    },
    SimpleRnn {
        input: usize,
        units: usize,
        activation: Activation,
        use_bias: bool,
        return_sequences: bool,
        go_backwards: bool,
    },
    Dense {
        input: usize,
        units: usize,
        activation: Activation,
        use_bias: bool,
    },
}

impl LayerInfo {
    /// The weight tensors Keras gives this layer, in `get_weights()` order: name and shape.
    pub fn tensors(&self) -> Vec<(&'static str, Vec<usize>)> {
        match self.kind {
            LayerKind::Embedding {
                input_dim,
                output_dim,
                ..
            } => vec![("embeddings", vec![input_dim, output_dim])],
            LayerKind::SimpleRnn {
                input,
                units,
                use_bias,
                ..
            } => {
                let mut t = vec![
                    ("kernel", vec![input, units]),
                    ("recurrent_kernel", vec![units, units]),
                ];
                if use_bias {
                    t.push(("bias", vec![units]));
                }
                t
            }
            LayerKind::Dense {
                input,
                units,
                use_bias,
                ..
            } => {
                let mut t = vec![("kernel", vec![input, units])];
                if use_bias {
                    t.push(("bias", vec![units]));
                }
                t
            }
        }
    }

    /// The options that change inference, as (key, JSON value), in the weights file's terms.
    pub fn config(&self) -> Vec<(&'static str, serde_json::Value)> {
        use serde_json::Value;
        match self.kind {
            LayerKind::Embedding {
                input_dim,
                output_dim,
                mask_zero,
                input_length,
            } => vec![
                ("input_dim", input_dim.into()),
                ("output_dim", output_dim.into()),
                ("mask_zero", mask_zero.into()),
                (
                    "input_length",
                    input_length.map_or(Value::Null, Value::from),
                ),
            ],
            LayerKind::SimpleRnn {
                units,
                activation,
                use_bias,
                return_sequences,
                go_backwards,
                ..
            } => vec![
                ("units", units.into()),
                ("activation", activation.name().into()),
                ("use_bias", use_bias.into()),
                ("return_sequences", return_sequences.into()),
                ("go_backwards", go_backwards.into()),
            ],
            LayerKind::Dense {
                units,
                activation,
                use_bias,
                ..
            } => vec![
                ("units", units.into()),
                ("activation", activation.name().into()),
                ("use_bias", use_bias.into()),
            ],
        }
    }
}
