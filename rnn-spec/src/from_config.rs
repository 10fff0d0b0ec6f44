//! The inverse of [`LayerKind::config_values`]: a layer from a weights file's record (class and
//! recorded options), so a model can be declared by its file (`#[weights = "..."]` with no
//! layer list).

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;

use crate::activation::Activation;
use crate::class::{self, Role};
use crate::layer::{LayerKind, Merge};
use crate::value::Value;

impl LayerKind {
    /// The layer a weights file records as `class` with `config`, on an input `input` wide.
    /// `Err` says which option is missing or of the wrong type. A wrapper's inner layer is
    /// leaked to get its `&'static` (one per wrapper in a model: compile-time use).
    pub fn from_config(
        class: &str,
        config: &[(&str, Value<'_>)],
        input: usize,
    ) -> Result<LayerKind, String> {
        let spec = class::class(class)
            .filter(|c| c.in_file)
            .ok_or_else(|| format!("the class `{class}` is not one rnn_model! implements"))?;
        // An option a file does not record (it does not change results, as `unit_forget_bias`)
        // is Keras's default.
        let get = |key: &str| {
            config
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| *v)
                .or_else(|| spec.default(key).filter(|_| !spec.config.contains(&key)))
                .ok_or_else(|| format!("`{class}` records no option `{key}`"))
        };
        let wrong = |key: &str, v: Value<'_>| format!("`{class}`'s option `{key}` is {v}");
        let size = |key: &str| match get(key)? {
            Value::Int(n) if n > 0 && n <= u32::MAX as u64 => Ok(n as usize),
            v => Err(wrong(key, v)),
        };
        let flag = |key: &str| match get(key)? {
            Value::Bool(b) => Ok(b),
            v => Err(wrong(key, v)),
        };
        let act = |key: &str| match get(key)? {
            Value::Str(s) => Activation::from_name(s).ok_or_else(|| wrong(key, Value::Str(s))),
            v => Err(wrong(key, v)),
        };
        let kind = match spec.name {
            "Embedding" => LayerKind::Embedding {
                input_dim: size("input_dim")?,
                output_dim: size("output_dim")?,
                mask_zero: flag("mask_zero")?,
                input_length: match get("input_length")? {
                    Value::Null => None,
                    Value::Int(n) if n > 0 => Some(n as usize),
                    v => return Err(wrong("input_length", v)),
                },
            },
            "SimpleRNN" => LayerKind::SimpleRnn {
                input,
                units: size("units")?,
                activation: act("activation")?,
                use_bias: flag("use_bias")?,
                return_sequences: flag("return_sequences")?,
                go_backwards: flag("go_backwards")?,
            },
            "LSTM" => LayerKind::Lstm {
                input,
                units: size("units")?,
                activation: act("activation")?,
                recurrent_activation: act("recurrent_activation")?,
                use_bias: flag("use_bias")?,
                return_sequences: flag("return_sequences")?,
                go_backwards: flag("go_backwards")?,
                unit_forget_bias: flag("unit_forget_bias")?,
            },
            "GRU" => LayerKind::Gru {
                input,
                units: size("units")?,
                activation: act("activation")?,
                recurrent_activation: act("recurrent_activation")?,
                use_bias: flag("use_bias")?,
                return_sequences: flag("return_sequences")?,
                go_backwards: flag("go_backwards")?,
                reset_after: flag("reset_after")?,
            },
            "Dense" => LayerKind::Dense {
                input,
                units: size("units")?,
                activation: act("activation")?,
                use_bias: flag("use_bias")?,
            },
            "Activation" => LayerKind::Activation {
                width: input,
                activation: act("activation")?,
            },
            "Masking" => LayerKind::Masking {
                width: input,
                mask_value: match get("mask_value")? {
                    Value::Float(x) => x as f32,
                    Value::Int(n) => n as f32,
                    v => return Err(wrong("mask_value", v)),
                },
            },
            "Bidirectional" | "TimeDistributed" => {
                let inner_class = match get("layer")? {
                    Value::Str(s) => class::class(s)
                        .filter(|c| spec.wraps(c))
                        .ok_or_else(|| format!("`{class}` cannot wrap `{s}`"))?,
                    v => return Err(wrong("layer", v)),
                };
                let inner: &'static LayerKind = Box::leak(Box::new(LayerKind::from_config(
                    inner_class.name,
                    config,
                    input,
                )?));
                if spec.name == "TimeDistributed" {
                    LayerKind::TimeDistributed { inner }
                } else {
                    let merge = match get("merge_mode")? {
                        Value::Str(s) => {
                            Merge::from_name(s).ok_or_else(|| wrong("merge_mode", Value::Str(s)))?
                        }
                        v => return Err(wrong("merge_mode", v)),
                    };
                    LayerKind::Bidirectional { inner, merge }
                }
            }
            _ if spec.role == Role::Inert => LayerKind::Inert {
                class: spec,
                width: input,
            },
            _ => return Err(format!("the class `{class}` cannot be read from a file")),
        };
        Ok(kind)
    }
}
