//! The one constructor of a layer: [`LayerKind::build`], from its options wherever they come
//! from. The DSL (`rnn-macros`, errors on the tokens) and a weights file's config
//! ([`LayerKind::from_config`]) are two [`Options`]; what a class takes, its defaults and its
//! limits are decided here once.

use crate::activation::Activation;
use crate::class::{Class, Kind};
use crate::layer::{Flow, LayerKind, Merge};
use crate::reshape::{build_pair, build_permute, build_prelu, build_reshape, rule_width_fits};
use crate::rules::{MAX_COUNT, MAX_WIDTH};
use crate::value::Ints;
use crate::window::Padding;
use alloc::string::String;

/// A layer's options, as the DSL or a file gives them. Each getter returns the option's value,
/// or the class's default when it is not given; `None` when it is required and missing, or given
/// but wrong: the source has then reported it (on the DSL's tokens, or as the file's message).
pub trait Options {
    /// A size in 1..=`max`.
    fn size(&mut self, key: &'static str, max: u64) -> Option<usize>;
    /// A fixed length, or `Some(None)` for a free one.
    fn steps(&mut self, key: &'static str) -> Option<Option<usize>>;
    /// A boolean.
    fn flag(&mut self, key: &'static str) -> Option<bool>;
    /// An activation by Keras name.
    fn activation(&mut self, key: &'static str) -> Option<Activation>;
    /// A finite number.
    fn float(&mut self, key: &'static str) -> Option<f64>;
    /// A finite number, or `Some(None)` for Keras's `None` (no limit).
    fn float_or_none(&mut self, key: &'static str) -> Option<Option<f64>>;
    /// Integers: one, or a tuple or list of them (`Some(None)` for Keras's `None`).
    fn ints(&mut self, key: &'static str) -> Option<Option<Ints>>;
    /// An axis: an integer, negative counting from the last.
    fn axis(&mut self, key: &'static str) -> Option<i64>;
    /// One of the names the keyword's [`crate::Ty::Choice`] lists (the list's own `&'static`
    /// name, whatever case the source wrote).
    fn choice(&mut self, key: &'static str) -> Option<&'static str>;
    /// The positive index of the layer's last axis, counting the batch axis (2 on a sequence,
    /// 1 on a vector or inside `TimeDistributed`), when the source knows the layer's input;
    /// `None` otherwise (then only `-1` names the last axis).
    fn last_axis(&self) -> Option<i64> {
        None
    }
    /// `Bidirectional`'s merge mode.
    fn merge(&mut self, key: &'static str) -> Option<Merge>;
    /// A wrapper's inner layer, built by [`LayerKind::build`] from its own options on the
    /// input `input` (a `TimeDistributed`'s inner layer sees one step), once the source has checked that `wrapper` may hold it.
    fn layer(
        &mut self,
        key: &'static str,
        wrapper: &'static Class,
        input: Flow,
    ) -> Option<&'static LayerKind>;
    /// Whether the option is given at all.
    fn given(&self, key: &'static str) -> bool;
    /// Reports a Keras refusal of the given option `key` (a wrapper's, or its inner layer's).
    fn refuse(&mut self, key: &'static str, message: &str);
}

impl LayerKind {
    /// The layer of class `class` (any but `Input`, which is the model's and has no kind) with
    /// the options `o`, on the input `flow` (an Embedding's is its token ids; unknown after an
    /// earlier mistake: `Flow::Vector { width: 0 }`). `None` when an option is missing or
    /// wrong: `o` has reported why. Every option the class reads is read before returning, so
    /// every mistake of a layer is reported at once.
    pub fn build(class: &'static Class, o: &mut dyn Options, flow: Flow) -> Option<LayerKind> {
        let input = flow.width();
        let inert = LayerKind::Inert {
            class,
            width: input,
        };
        Some(match class.kind {
            Kind::Input => return None,
            Kind::Embedding => {
                let input_dim = o.size("input_dim", MAX_COUNT);
                let output_dim = o.size("output_dim", MAX_WIDTH);
                let mask_zero = o.flag("mask_zero");
                let input_length = o.steps("input_length");
                LayerKind::Embedding {
                    input_dim: input_dim?,
                    output_dim: output_dim?,
                    mask_zero: mask_zero?,
                    input_length: input_length?,
                }
            }
            Kind::SimpleRnn => {
                let units = o.size("units", MAX_WIDTH);
                let activation = o.activation("activation");
                let use_bias = o.flag("use_bias");
                let return_sequences = o.flag("return_sequences");
                let go_backwards = o.flag("go_backwards");
                LayerKind::SimpleRnn {
                    input,
                    units: units?,
                    activation: activation?,
                    use_bias: use_bias?,
                    return_sequences: return_sequences?,
                    go_backwards: go_backwards?,
                }
            }
            Kind::Lstm | Kind::Gru => {
                let units = o.size("units", MAX_WIDTH);
                let activation = o.activation("activation");
                let recurrent_activation = o.activation("recurrent_activation");
                let use_bias = o.flag("use_bias");
                let return_sequences = o.flag("return_sequences");
                let go_backwards = o.flag("go_backwards");
                let (units, activation, recurrent_activation) =
                    (units?, activation?, recurrent_activation?);
                let (use_bias, return_sequences, go_backwards) =
                    (use_bias?, return_sequences?, go_backwards?);
                if class.kind == Kind::Lstm {
                    LayerKind::Lstm {
                        input,
                        units,
                        activation,
                        recurrent_activation,
                        use_bias,
                        return_sequences,
                        go_backwards,
                        unit_forget_bias: o.flag("unit_forget_bias")?,
                    }
                } else {
                    LayerKind::Gru {
                        input,
                        units,
                        activation,
                        recurrent_activation,
                        use_bias,
                        return_sequences,
                        go_backwards,
                        reset_after: o.flag("reset_after")?,
                    }
                }
            }
            Kind::Dense => {
                let units = o.size("units", MAX_WIDTH);
                let activation = o.activation("activation");
                let use_bias = o.flag("use_bias");
                LayerKind::Dense {
                    input,
                    units: units?,
                    activation: activation?,
                    use_bias: use_bias?,
                }
            }
            Kind::Activation => LayerKind::Activation {
                width: input,
                activation: o.activation("activation")?,
            },
            Kind::Relu => {
                let max_value = o.float_or_none("max_value");
                let negative_slope = o.float("negative_slope");
                let threshold = o.float("threshold");
                rule_relu_not_negative(o, "max_value", max_value.flatten());
                rule_relu_not_negative(o, "negative_slope", negative_slope);
                rule_relu_not_negative(o, "threshold", threshold);
                LayerKind::Relu {
                    width: input,
                    max_value: max_value?.map(|x| x as f32),
                    negative_slope: negative_slope? as f32,
                    threshold: threshold? as f32,
                }
            }
            Kind::LeakyRelu => LayerKind::LeakyRelu {
                width: input,
                negative_slope: spelled_float(class, "negative_slope", o)? as f32,
            },
            Kind::Elu => LayerKind::Elu {
                width: input,
                alpha: o.float("alpha")? as f32,
            },
            Kind::Softmax => {
                let axis = o.axis("axis")?;
                if let Some(message) = rule_softmax_last_axis(axis) {
                    o.refuse("axis", &message);
                    return None;
                }
                LayerKind::Softmax { width: input }
            }
            Kind::BatchNormalization | Kind::LayerNormalization => {
                let axis = o.axis("axis");
                if class.kind == Kind::BatchNormalization {
                    let _ = o.float("momentum");
                }
                let epsilon = o.float("epsilon");
                let center = o.flag("center");
                let scale = o.flag("scale");
                if let Some(message) = axis.and_then(|a| rule_last_axis(class, a, o.last_axis())) {
                    o.refuse("axis", &message);
                    return None;
                }
                let (epsilon, center, scale) = (epsilon? as f32, center?, scale?);
                axis?;
                if class.kind == Kind::BatchNormalization {
                    LayerKind::BatchNormalization {
                        width: input,
                        epsilon,
                        center,
                        scale,
                    }
                } else {
                    LayerKind::LayerNormalization {
                        width: input,
                        epsilon,
                        center,
                        scale,
                        rms_scaling: o.flag("rms_scaling")?,
                    }
                }
            }
            Kind::Masking => LayerKind::Masking {
                width: input,
                mask_value: o.float("mask_value")? as f32,
            },
            Kind::Conv1d => {
                let filters = o.size("filters", MAX_WIDTH);
                let kernel_size = o.size("kernel_size", MAX_COUNT);
                let strides = o.size("strides", MAX_COUNT);
                let padding = o.choice("padding").and_then(Padding::from_name);
                let dilation_rate = o.size("dilation_rate", MAX_COUNT);
                let groups = o.size("groups", MAX_WIDTH);
                let activation = o.activation("activation");
                let use_bias = o.flag("use_bias");
                rule_channels_last(o);
                let (filters, strides, dilation_rate, groups) =
                    (filters?, strides?, dilation_rate?, groups?);
                rule_strides_or_dilation(o, strides, dilation_rate)?;
                rule_groups_divide(o, groups, input, filters)?;
                LayerKind::Conv1d {
                    input,
                    filters,
                    kernel_size: kernel_size?,
                    strides,
                    padding: padding?,
                    dilation_rate,
                    groups,
                    activation: activation?,
                    use_bias: use_bias?,
                }
            }
            Kind::MaxPooling1d | Kind::AveragePooling1d => {
                let pool_size = o.size("pool_size", MAX_COUNT);
                let strides = o.steps("strides");
                let padding = o.choice("padding").and_then(Padding::from_name);
                rule_channels_last(o);
                let pool_size = pool_size?;
                let (strides, padding) = (strides?.unwrap_or(pool_size), padding?);
                if class.kind == Kind::MaxPooling1d {
                    LayerKind::MaxPooling1d {
                        width: input,
                        pool_size,
                        strides,
                        padding,
                    }
                } else {
                    LayerKind::AveragePooling1d {
                        width: input,
                        pool_size,
                        strides,
                        padding,
                    }
                }
            }
            Kind::GlobalMaxPooling1d | Kind::GlobalAveragePooling1d => {
                rule_channels_last(o);
                let keepdims = o.flag("keepdims")?;
                if class.kind == Kind::GlobalMaxPooling1d {
                    LayerKind::GlobalMaxPooling1d {
                        width: input,
                        keepdims,
                    }
                } else {
                    LayerKind::GlobalAveragePooling1d {
                        width: input,
                        keepdims,
                    }
                }
            }
            Kind::Flatten => {
                rule_channels_last(o);
                // A free length is refused by the model rules (`rule_flatten_fixed_length`).
                let steps = match flow {
                    Flow::Seq { steps, .. } => steps.unwrap_or(0),
                    Flow::Vector { .. } => 1,
                };
                if let Some(message) = rule_width_fits("Flatten", steps as u128 * input as u128) {
                    o.refuse("", &message);
                    return None;
                }
                LayerKind::Flatten {
                    steps,
                    width: input,
                }
            }
            Kind::ZeroPadding1d => {
                rule_channels_last(o);
                LayerKind::ZeroPadding1d {
                    width: input,
                    padding: build_pair(o, "padding", flow)?,
                }
            }
            Kind::Cropping1d => LayerKind::Cropping1d {
                width: input,
                cropping: build_pair(o, "cropping", flow)?,
            },
            Kind::UpSampling1d => LayerKind::UpSampling1d {
                width: input,
                size: o.size("size", MAX_COUNT)?,
            },
            Kind::Reshape => build_reshape(o, flow)?,
            Kind::Permute => build_permute(o, flow)?,
            Kind::PRelu => build_prelu(o, flow)?,
            Kind::RepeatVector => LayerKind::RepeatVector {
                width: input,
                n: o.size("n", MAX_COUNT)?,
            },
            Kind::Dropout
            | Kind::SpatialDropout1D
            | Kind::GaussianNoise
            | Kind::GaussianDropout
            | Kind::ActivityRegularization => inert,
            Kind::Bidirectional => {
                let inner = o.layer("layer", class, flow);
                let merge = o.merge("merge_mode");
                rule_no_backward_layer(o);
                if let Some(inner) = inner {
                    rule_inner_runs_forwards(inner, o);
                }
                LayerKind::Bidirectional {
                    inner: inner?,
                    merge: merge?,
                }
            }
            Kind::TimeDistributed => LayerKind::TimeDistributed {
                // The inner layer sees one step.
                inner: o.layer("layer", class, Flow::Vector { width: input })?,
            },
        })
    }
}

/// Only `data_format = channels_last` (Keras's default: features last) is implemented.
fn rule_channels_last(o: &mut dyn Options) {
    if o.choice("data_format") == Some("channels_first") {
        o.refuse(
            "data_format",
            "`data_format = channels_first` is not supported: rnn_model! takes sequences as (steps, features), Keras's default `channels_last`; transpose the input and remove the option",
        );
    }
}

/// Keras refuses `strides > 1` together with `dilation_rate > 1` (both versions).
fn rule_strides_or_dilation(o: &mut dyn Options, strides: usize, dilation: usize) -> Option<()> {
    if strides > 1 && dilation > 1 {
        o.refuse(
            "dilation_rate",
            &alloc::format!(
                "`strides > 1` with `dilation_rate > 1` (strides = {strides}, dilation_rate = {dilation}): Keras refuses the combination too; keep one of them at 1"
            ),
        );
        return None;
    }
    Some(())
}

/// `groups` divides the input channels and the filters (Keras's rule).
fn rule_groups_divide(
    o: &mut dyn Options,
    groups: usize,
    channels: usize,
    filters: usize,
) -> Option<()> {
    let (what, n) = if !channels.is_multiple_of(groups) && channels > 0 {
        ("input channels", channels)
    } else if !filters.is_multiple_of(groups) {
        ("filters", filters)
    } else {
        return Some(());
    };
    o.refuse(
        "groups",
        &alloc::format!(
            "`groups = {groups}` does not divide the {what} ({n}): each group takes an equal share of the input channels and of the filters"
        ),
    );
    None
}

/// `ReLU` refuses a negative `max_value`, `negative_slope` or `threshold`, as Keras does (both
/// versions: "threshold of a ReLU layer cannot be a negative value").
fn rule_relu_not_negative(o: &mut dyn Options, key: &'static str, value: Option<f64>) {
    if let Some(x) = value.filter(|x| *x < 0.0) {
        o.refuse(
            key,
            &alloc::format!(
                "`{key}` of a `ReLU` layer cannot be negative (Keras refuses it too), found {x}"
            ),
        );
    }
}

/// An option with two spellings ([`crate::class::SPELLINGS`]: LeakyReLU's `negative_slope`,
/// tf_keras's `alpha`): whichever is given, both refused.
fn spelled_float(class: &Class, key: &'static str, o: &mut dyn Options) -> Option<f64> {
    let Some(other) = class.spelling_of(key) else {
        return o.float(key);
    };
    if o.given(key) && o.given(other) {
        let message =
            alloc::format!("`{other}` is tf_keras's name for `{key}`: give one of them, not both");
        o.refuse(other, &message);
        return None;
    }
    if o.given(other) {
        o.float(other)
    } else {
        o.float(key)
    }
}

/// `Softmax` normalises over the last axis only (`axis = -1`, Keras's default). Over the time
/// axis (or over several axes) a step's output would depend on every other step of the
/// sequence: `forward` on a free length and streaming `step` compute one step at a time, and
/// no recurrent model normalises across time.
pub fn rule_softmax_last_axis(axis: i64) -> Option<String> {
    (axis != -1).then(|| softmax_axis_refused(&alloc::format!("{axis}")))
}

/// The message of [`rule_softmax_last_axis`] for an axis written `shown` (an integer, or a
/// tuple of axes).
pub fn softmax_axis_refused(shown: &str) -> String {
    alloc::format!(
        "`Softmax(axis = {shown})` is not supported: rnn_model! normalises over the last axis only (`axis = -1`, Keras's default; write the last axis as -1). Over the time axis, or over several axes, each step's output would depend on every other step, which `forward` on a free length and streaming `step` cannot compute one step at a time"
    )
}

/// `BatchNormalization` and `LayerNormalization` normalise the last axis only: `axis = -1`
/// (Keras's default) or its positive index `last` (tf_keras writes `[2]` for a sequence).
/// Another axis (the time axis: each step's output would depend on the other steps, or the
/// statistics on the length) is refused, naming it and the fix.
pub fn rule_last_axis(class: &Class, axis: i64, last: Option<i64>) -> Option<String> {
    if axis == -1 || Some(axis) == last {
        return None;
    }
    Some(norm_axis_refused(class, &alloc::format!("{axis}"), last))
}

/// The message of [`rule_last_axis`] for an axis written `shown` (an integer or a list).
pub fn norm_axis_refused(class: &Class, shown: &str, last: Option<i64>) -> String {
    let positive = last.map_or(String::new(), |l| {
        alloc::format!(", or {l}, its index here")
    });
    alloc::format!(
        "`{}(axis = {shown})` is not supported: rnn_model! normalises the last axis only (`axis = -1`, Keras's default{positive}); write `axis = -1` or leave it out. Another axis is the time axis (each step's output would depend on the other steps, which `forward` on a free length and streaming `step` cannot compute one step at a time) or one the input does not have",
        class.name
    )
}

/// `backward_layer = ...` is Keras's way to give the backward copy other options: refused
/// (`Bidirectional` makes the backward copy of its layer itself, as Keras does by default).
fn rule_no_backward_layer(o: &mut dyn Options) {
    if o.given("backward_layer") {
        o.refuse(
            "backward_layer",
            "a custom `backward_layer` is not supported: `Bidirectional` makes the backward copy of `layer` itself (Keras's default); remove it",
        );
    }
}

/// The inner layer of `Bidirectional` runs forwards: the wrapper makes the backward copy
/// itself (Keras 3 refuses `go_backwards = true` inside it).
fn rule_inner_runs_forwards(inner: &LayerKind, o: &mut dyn Options) {
    if inner.goes_backwards() {
        o.refuse(
            "go_backwards",
            "`go_backwards = true` inside `Bidirectional`: the wrapper runs the backward copy itself, and Keras 3 refuses this; remove it",
        );
    }
}
