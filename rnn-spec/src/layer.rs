//! A layer with its sizes and options decided: what the macro checks and emits as a const, and
//! what the runtime builds a cell from and checks a weights file against.

#[cfg(feature = "alloc")]
use alloc::{format, string::String, vec::Vec};

use crate::activation::Activation;
#[cfg(feature = "alloc")]
use crate::class::Dim;
use crate::class::{self, Class, Role};
use crate::value::Ints;
#[cfg(feature = "alloc")]
use crate::value::Value;
use crate::window::{Padding, StepMap, Window};

/// One value of a [`LayerKind`]'s fields ([`LayerKind::fields`]): what the macro writes as the
/// const form of a kind and what a weights file records as an option, without a match per kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Field {
    /// A size.
    Size(usize),
    /// A fixed length or a free one.
    Steps(Option<usize>),
    /// A flag.
    Flag(bool),
    /// An activation.
    Act(Activation),
    /// A number.
    Float(f32),
    /// A number or none (Keras's `None`).
    OptFloat(Option<f32>),
    /// An inert layer's class.
    Class(&'static Class),
    /// A Bidirectional's merge mode.
    Merge(Merge),
    /// A wrapper's inner layer.
    Inner(&'static LayerKind),
    /// A window's padding.
    Padding(Padding),
    /// A tuple of integers.
    Ints(Ints),
    /// A tuple of integers or none (Keras's `None`).
    OptInts(Option<Ints>),
}

/// A field's Rust type as a [`Field`].
trait AsField {
    fn as_field(&self) -> Field;
}

impl AsField for usize {
    fn as_field(&self) -> Field {
        Field::Size(*self)
    }
}
impl AsField for Option<usize> {
    fn as_field(&self) -> Field {
        Field::Steps(*self)
    }
}
impl AsField for bool {
    fn as_field(&self) -> Field {
        Field::Flag(*self)
    }
}
impl AsField for Activation {
    fn as_field(&self) -> Field {
        Field::Act(*self)
    }
}
impl AsField for f32 {
    fn as_field(&self) -> Field {
        Field::Float(*self)
    }
}
impl AsField for Option<f32> {
    fn as_field(&self) -> Field {
        Field::OptFloat(*self)
    }
}
impl AsField for &'static Class {
    fn as_field(&self) -> Field {
        Field::Class(self)
    }
}
impl AsField for Merge {
    fn as_field(&self) -> Field {
        Field::Merge(*self)
    }
}
impl AsField for Padding {
    fn as_field(&self) -> Field {
        Field::Padding(*self)
    }
}
impl AsField for Ints {
    fn as_field(&self) -> Field {
        Field::Ints(*self)
    }
}
impl AsField for Option<Ints> {
    fn as_field(&self) -> Field {
        Field::OptInts(*self)
    }
}
impl AsField for &'static LayerKind {
    fn as_field(&self) -> Field {
        Field::Inner(self)
    }
}

/// The most fields a kind has (Conv1D's nine).
pub const MAX_FIELDS: usize = 9;

/// Declares [`LayerKind`] and [`LayerKind::fields`] from one list, so a new kind's fields are
/// written once.
macro_rules! layer_kinds {
    ($($(#[$doc:meta])* $variant:ident { $($(#[$fdoc:meta])* $field:ident: $ty:ty,)* },)*) => {
        /// A layer kind with its sizes and the options that change results.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum LayerKind {
            $($(#[$doc])* $variant { $($(#[$fdoc])* $field: $ty,)* },)*
        }

        impl LayerKind {
            /// The variant's name and its fields, by name, in declaration order (`None` past
            /// the last): `("Dense", [("input", Size(32)), ("units", Size(1)), ...])`.
            pub fn fields(&self) -> (&'static str, [Option<(&'static str, Field)>; MAX_FIELDS]) {
                match self {
                    $(LayerKind::$variant { $($field,)* } => {
                        let mut out = [None; MAX_FIELDS];
                        let mut _i = 0;
                        $(
                            out[_i] = Some((stringify!($field), AsField::as_field($field)));
                            _i += 1;
                        )*
                        (stringify!($variant), out)
                    })*
                }
            }
        }
    };
}

layer_kinds! {
    /// `Embedding(input_dim, output_dim)`.
    Embedding {
        /// Vocabulary size.
        input_dim: usize,
        /// Vector width.
        output_dim: usize,
        /// Whether id 0 is padding (masked).
        mask_zero: bool,
        /// Keras 2's fixed length; only the summary's time axis.
        input_length: Option<usize>,
    },
    /// `SimpleRNN(units)`.
    SimpleRnn {
        /// Input width.
        input: usize,
        /// Units.
        units: usize,
        /// `activation`.
        activation: Activation,
        /// Whether it has a bias.
        use_bias: bool,
        /// Whether it returns every step's output.
        return_sequences: bool,
        /// Whether it runs from the last step to the first.
        go_backwards: bool,
    },
    /// `LSTM(units)`.
    Lstm {
        /// Input width.
        input: usize,
        /// Units.
        units: usize,
        /// `activation` (the cell's and the output's).
        activation: Activation,
        /// `recurrent_activation` (the gates').
        recurrent_activation: Activation,
        /// Whether it has a bias.
        use_bias: bool,
        /// Whether it returns every step's output.
        return_sequences: bool,
        /// Whether it runs from the last step to the first.
        go_backwards: bool,
        /// Whether a fresh layer's forget-gate bias starts at 1 (initialisation only).
        unit_forget_bias: bool,
    },
    /// `GRU(units)`.
    Gru {
        /// Input width.
        input: usize,
        /// Units.
        units: usize,
        /// `activation` (the candidate's).
        activation: Activation,
        /// `recurrent_activation` (the gates').
        recurrent_activation: Activation,
        /// Whether it has a bias.
        use_bias: bool,
        /// Whether it returns every step's output.
        return_sequences: bool,
        /// Whether it runs from the last step to the first.
        go_backwards: bool,
        /// Whether the reset gate applies after the recurrent product (Keras 3's default).
        reset_after: bool,
    },
    /// `Dense(units)`, on the last axis.
    Dense {
        /// Input width.
        input: usize,
        /// Units.
        units: usize,
        /// `activation`.
        activation: Activation,
        /// Whether it has a bias.
        use_bias: bool,
    },
    /// `Activation(act)`, on the last axis.
    Activation {
        /// Width in and out.
        width: usize,
        /// The activation.
        activation: Activation,
    },
    /// `ReLU(max_value, negative_slope, threshold)`, elementwise.
    Relu {
        /// Width in and out.
        width: usize,
        /// The largest output (`None`: no limit).
        max_value: Option<f32>,
        /// The slope at or below the threshold.
        negative_slope: f32,
        /// Where the slope changes (`x` must be above it, strictly, to pass).
        threshold: f32,
    },
    /// `LeakyReLU(negative_slope)`, elementwise.
    LeakyRelu {
        /// Width in and out.
        width: usize,
        /// The slope below zero.
        negative_slope: f32,
    },
    /// `ELU(alpha)`, elementwise.
    Elu {
        /// Width in and out.
        width: usize,
        /// The scale of `e^x - 1` at or below zero.
        alpha: f32,
    },
    /// `Softmax()`, over the last axis.
    Softmax {
        /// Width in and out.
        width: usize,
    },
    /// `BatchNormalization()` at inference, per feature of the last axis.
    BatchNormalization {
        /// Width in and out.
        width: usize,
        /// Added to the moving variance.
        epsilon: f32,
        /// Whether it has `beta`.
        center: bool,
        /// Whether it has `gamma`.
        scale: bool,
    },
    /// `LayerNormalization()` over the last axis of each step.
    LayerNormalization {
        /// Width in and out.
        width: usize,
        /// Added to the variance.
        epsilon: f32,
        /// Whether it has `beta` (without `rms_scaling`).
        center: bool,
        /// Whether it has `gamma` (always with `rms_scaling`).
        scale: bool,
        /// Keras 3's `rms_scaling`: the input is not centred, only `gamma` scales it.
        rms_scaling: bool,
    },
    /// `Masking(mask_value)`: a step whose features all equal the value is masked and zeroed.
    Masking {
        /// Width in and out.
        width: usize,
        /// The value that marks padding.
        mask_value: f32,
    },
    /// `Conv1D(filters, kernel_size)`, over time.
    Conv1d {
        /// Input channels.
        input: usize,
        /// Output channels.
        filters: usize,
        /// Taps.
        kernel_size: usize,
        /// Steps between outputs.
        strides: usize,
        /// How the sequence is padded.
        padding: Padding,
        /// Steps between taps.
        dilation_rate: usize,
        /// Channel groups (each filter reads `input / groups` channels).
        groups: usize,
        /// `activation`.
        activation: Activation,
        /// Whether it has a bias.
        use_bias: bool,
    },
    /// `MaxPooling1D(pool_size, strides, padding)`.
    MaxPooling1d {
        /// Channels in and out.
        width: usize,
        /// Steps per window.
        pool_size: usize,
        /// Steps between windows (`None` given: `pool_size`).
        strides: usize,
        /// `valid` or `same`.
        padding: Padding,
    },
    /// `AveragePooling1D(pool_size, strides, padding)`.
    AveragePooling1d {
        /// Channels in and out.
        width: usize,
        /// Steps per window.
        pool_size: usize,
        /// Steps between windows (`None` given: `pool_size`).
        strides: usize,
        /// `valid` or `same`.
        padding: Padding,
    },
    /// `GlobalMaxPooling1D(keepdims)`.
    GlobalMaxPooling1d {
        /// Channels in and out.
        width: usize,
        /// Whether the output is one step rather than a vector.
        keepdims: bool,
    },
    /// `GlobalAveragePooling1D(keepdims)`.
    GlobalAveragePooling1d {
        /// Channels in and out.
        width: usize,
        /// Whether the output is one step rather than a vector.
        keepdims: bool,
    },
    /// `Flatten()` of a fixed-length sequence.
    Flatten {
        /// The input's fixed length.
        steps: usize,
        /// Features per step.
        width: usize,
    },
    /// `RepeatVector(n)`.
    RepeatVector {
        /// The vector's width.
        width: usize,
        /// Copies.
        n: usize,
    },
    /// `ZeroPadding1D(padding)`: zero steps around the sequence.
    ZeroPadding1d {
        /// Channels in and out.
        width: usize,
        /// Steps added before and after, `(left, right)`.
        padding: Ints,
    },
    /// `Cropping1D(cropping)`: steps dropped at both ends.
    Cropping1d {
        /// Channels in and out.
        width: usize,
        /// Steps dropped at the start and at the end, `(left, right)`.
        cropping: Ints,
    },
    /// `UpSampling1D(size)`: each step repeated.
    UpSampling1d {
        /// Channels in and out.
        width: usize,
        /// Copies of each step.
        size: usize,
    },
    /// `Reshape(target_shape)`: each row's values, in order, in another shape.
    Reshape {
        /// Values per input step (per row, on a vector).
        input: usize,
        /// Whether the input is a sequence.
        in_seq: bool,
        /// The target as given (one `-1` inferred).
        target_shape: Ints,
        /// Values per output step (per row, on a vector).
        width: usize,
        /// Whether the output is a sequence (a two-axis target).
        out_seq: bool,
    },
    /// `Permute(dims)` of a sequence: `(2, 1)` swaps time and features; `(1, 2)` keeps them.
    Permute {
        /// The input's fixed length (the output's width when swapped).
        steps: usize,
        /// Features per input step.
        width: usize,
        /// The permutation, 1-based.
        dims: Ints,
    },
    /// `PReLU(shared_axes)`: `max(x, 0) + alpha · min(x, 0)`, `alpha` per position.
    PRelu {
        /// Width in and out.
        width: usize,
        /// Whether its input is a sequence (alpha then has a time axis).
        seq: bool,
        /// Alpha's steps: the input's length, or 1 when the time axis is shared.
        alpha_steps: usize,
        /// Alpha's features: the width, or 1 when the feature axis is shared.
        alpha_width: usize,
        /// Keras's `shared_axes`, as given.
        shared_axes: Option<Ints>,
    },
    /// A layer that is the identity at inference (`Dropout`, `GaussianNoise`, ...).
    Inert {
        /// Which class.
        class: &'static Class,
        /// Width in and out.
        width: usize,
    },
    /// `Bidirectional(inner, merge_mode)`: a recurrent layer forwards and a copy backwards.
    Bidirectional {
        /// The forward layer (the backward copy has the same options).
        inner: &'static LayerKind,
        /// How the two outputs combine.
        merge: Merge,
    },
    /// `TimeDistributed(inner)`: a per-step layer on every timestep.
    TimeDistributed {
        /// The layer applied at each step.
        inner: &'static LayerKind,
    },
}

/// How `Bidirectional` combines its forward and backward outputs (Keras's `merge_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Merge {
    /// Forward then backward, side by side: twice the width.
    Concat,
    /// Elementwise sum.
    Sum,
    /// Elementwise product.
    Mul,
    /// Elementwise mean.
    Ave,
}

impl Merge {
    /// Every mode with Keras's name.
    pub const ALL: &'static [(&'static str, Merge)] = &[
        ("concat", Merge::Concat),
        ("sum", Merge::Sum),
        ("mul", Merge::Mul),
        ("ave", Merge::Ave),
    ];

    /// Keras's name: `concat`.
    pub fn name(self) -> &'static str {
        Merge::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("concat", |(n, _)| n)
    }

    /// The mode Keras calls `name`.
    pub fn from_name(name: &str) -> Option<Merge> {
        Merge::ALL.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
    }

    /// The merged width of two outputs `units` wide.
    pub fn width(self, units: usize) -> usize {
        match self {
            Merge::Concat => 2 * units,
            _ => units,
        }
    }

    /// The variant's name in Rust: `Concat`.
    pub fn variant(self) -> &'static str {
        match self {
            Merge::Concat => "Concat",
            Merge::Sum => "Sum",
            Merge::Mul => "Mul",
            Merge::Ave => "Ave",
        }
    }
}

/// The parameters of Keras's `ReLU` that every rectifier layer is an instance of
/// ([`LayerKind::rectifier`]): `f(x) = min(x, max_value)` for `x > threshold` (strictly),
/// `negative_slope * (x - threshold)` otherwise (docs/KERAS_LAYERS.md).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RectifierParams {
    /// The largest output: `f32::INFINITY` for no limit (Keras's `None`).
    pub max_value: f32,
    /// The slope at or below the threshold.
    pub negative_slope: f32,
    /// Where the slope changes.
    pub threshold: f32,
}

/// What flows between layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// (batch, steps, width); `steps` is `None` for a free length.
    Seq {
        /// Fixed length, if any.
        steps: Option<usize>,
        /// Features per step.
        width: usize,
    },
    /// (batch, width).
    Vector {
        /// Width.
        width: usize,
    },
}

impl Flow {
    /// Features per step, or the vector's width.
    pub fn width(self) -> usize {
        match self {
            Flow::Seq { width, .. } | Flow::Vector { width } => width,
        }
    }

    /// The same kind of flow with another width.
    pub fn with_width(self, width: usize) -> Flow {
        match self {
            Flow::Seq { steps, .. } => Flow::Seq { steps, width },
            Flow::Vector { .. } => Flow::Vector { width },
        }
    }

    /// Whether it is a sequence.
    pub fn is_seq(self) -> bool {
        matches!(self, Flow::Seq { .. })
    }

    #[cfg(feature = "alloc")]
    /// Keras 2's text for the output shape: `(None, None, 32)`, `(None, 32)`.
    pub fn keras_shape(self) -> String {
        match self {
            Flow::Seq {
                steps: Some(t),
                width,
            } => format!("(None, {t}, {width})"),
            Flow::Seq { steps: None, width } => format!("(None, None, {width})"),
            Flow::Vector { width } => format!("(None, {width})"),
        }
    }
}

impl LayerKind {
    /// The layer's class.
    pub fn class(&self) -> &'static Class {
        match self {
            LayerKind::Embedding { .. } => &class::EMBEDDING,
            LayerKind::SimpleRnn { .. } => &class::SIMPLE_RNN,
            LayerKind::Lstm { .. } => &class::LSTM,
            LayerKind::Gru { .. } => &class::GRU,
            LayerKind::Dense { .. } => &class::DENSE,
            LayerKind::Activation { .. } => &class::ACTIVATION,
            LayerKind::Relu { .. } => &class::RELU,
            LayerKind::LeakyRelu { .. } => &class::LEAKY_RELU,
            LayerKind::Elu { .. } => &class::ELU,
            LayerKind::Softmax { .. } => &class::SOFTMAX,
            LayerKind::BatchNormalization { .. } => &class::BATCH_NORMALIZATION,
            LayerKind::LayerNormalization { .. } => &class::LAYER_NORMALIZATION,
            LayerKind::Masking { .. } => &class::MASKING,
            LayerKind::Conv1d { .. } => &class::CONV1D,
            LayerKind::MaxPooling1d { .. } => &class::MAX_POOLING1D,
            LayerKind::AveragePooling1d { .. } => &class::AVERAGE_POOLING1D,
            LayerKind::GlobalMaxPooling1d { .. } => &class::GLOBAL_MAX_POOLING1D,
            LayerKind::GlobalAveragePooling1d { .. } => &class::GLOBAL_AVERAGE_POOLING1D,
            LayerKind::Flatten { .. } => &class::FLATTEN,
            LayerKind::RepeatVector { .. } => &class::REPEAT_VECTOR,
            LayerKind::ZeroPadding1d { .. } => &class::ZERO_PADDING1D,
            LayerKind::Cropping1d { .. } => &class::CROPPING1D,
            LayerKind::UpSampling1d { .. } => &class::UP_SAMPLING1D,
            LayerKind::Reshape { .. } => &class::RESHAPE,
            LayerKind::Permute { .. } => &class::PERMUTE,
            LayerKind::PRelu { .. } => &class::PRELU,
            LayerKind::Inert { class, .. } => class,
            LayerKind::Bidirectional { .. } => &class::BIDIRECTIONAL,
            LayerKind::TimeDistributed { .. } => &class::TIME_DISTRIBUTED,
        }
    }

    /// What the layer does in a model: a wrapper's role is its inner layer's (a
    /// `TimeDistributed(Dropout)` is inert). A `Reshape`'s depends on what it reshapes: a
    /// sequence to a sequence is a window, to a vector a reduction, a vector to a sequence a
    /// repeat, a vector to a vector the identity. A `PReLU` with an alpha per step needs each
    /// step's position: it runs over the whole sequence, as a window (that keeps the mask).
    pub fn role(&self) -> Role {
        match *self {
            LayerKind::TimeDistributed { inner } => inner.role(),
            LayerKind::Reshape {
                in_seq, out_seq, ..
            } => match (in_seq, out_seq) {
                (true, true) => Role::Window,
                (true, false) => Role::Reduce,
                (false, true) => Role::Repeat,
                (false, false) => Role::Inert,
            },
            LayerKind::PRelu { alpha_steps, .. } if alpha_steps > 1 => Role::Window,
            _ => self.class().role,
        }
    }

    /// Whether the layer drops the mask (Keras: it does not support masking): windows,
    /// reductions and repeats, but not a `PReLU` that runs as a window.
    pub fn drops_mask(&self) -> bool {
        matches!(self.role(), Role::Window | Role::Reduce | Role::Repeat)
            && !matches!(self, LayerKind::PRelu { .. })
    }

    /// Why a model with this layer cannot stream one step at a time ([`Class::no_stream`]),
    /// `None` when it can: a causal, stride-1 `Conv1D`, a `PReLU` with one alpha for every step
    /// and a `Reshape` of a vector to a vector can.
    pub fn no_stream(&self) -> Option<&'static str> {
        match *self {
            _ if self.is_causal() => None,
            LayerKind::PRelu { alpha_steps: 1, .. }
            | LayerKind::Reshape {
                in_seq: false,
                out_seq: false,
                ..
            } => None,
            _ => self.class().no_stream,
        }
    }

    /// The layer a wrapper holds.
    pub fn inner(&self) -> Option<&'static LayerKind> {
        match *self {
            LayerKind::Bidirectional { inner, .. } | LayerKind::TimeDistributed { inner } => {
                Some(inner)
            }
            _ => None,
        }
    }

    /// Input width (an Embedding's vocabulary) and output width per step.
    pub fn sizes(&self) -> (usize, usize) {
        match *self {
            LayerKind::Embedding {
                input_dim,
                output_dim,
                ..
            } => (input_dim, output_dim),
            LayerKind::SimpleRnn { input, units, .. }
            | LayerKind::Lstm { input, units, .. }
            | LayerKind::Gru { input, units, .. }
            | LayerKind::Dense { input, units, .. } => (input, units),
            LayerKind::Conv1d { input, filters, .. } => (input, filters),
            LayerKind::Flatten { steps, width } => (width, steps * width),
            LayerKind::Reshape { input, width, .. } => (input, width),
            LayerKind::Permute {
                steps, width, dims, ..
            } => match dims.as_slice() {
                [2, 1] => (width, steps),
                _ => (width, width),
            },
            LayerKind::Activation { width, .. }
            | LayerKind::Relu { width, .. }
            | LayerKind::LeakyRelu { width, .. }
            | LayerKind::Elu { width, .. }
            | LayerKind::Softmax { width }
            | LayerKind::BatchNormalization { width, .. }
            | LayerKind::LayerNormalization { width, .. }
            | LayerKind::Masking { width, .. }
            | LayerKind::MaxPooling1d { width, .. }
            | LayerKind::AveragePooling1d { width, .. }
            | LayerKind::GlobalMaxPooling1d { width, .. }
            | LayerKind::GlobalAveragePooling1d { width, .. }
            | LayerKind::RepeatVector { width, .. }
            | LayerKind::ZeroPadding1d { width, .. }
            | LayerKind::Cropping1d { width, .. }
            | LayerKind::UpSampling1d { width, .. }
            | LayerKind::PRelu { width, .. }
            | LayerKind::Inert { width, .. } => (width, width),
            LayerKind::Bidirectional { inner, merge } => {
                let (input, units) = inner.sizes();
                (input, merge.width(units))
            }
            LayerKind::TimeDistributed { inner } => inner.sizes(),
        }
    }

    #[cfg(feature = "alloc")]
    /// Every option a weights file records for this layer, in file order: the class's, then a
    /// wrapper's inner layer's.
    pub fn config_keys(&self) -> Vec<&'static str> {
        let mut keys: Vec<&'static str> = self.class().config.to_vec();
        if let Some(inner) = self.inner() {
            keys.extend(inner.config_keys());
        }
        keys
    }

    /// The field named `name`, if the kind has one.
    pub fn field(&self, name: &str) -> Option<Field> {
        self.fields()
            .1
            .into_iter()
            .flatten()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| f)
    }

    #[cfg(feature = "alloc")]
    /// The value of an option a weights file records (`class().config` lists them): the
    /// field of that name (a wrapper's `merge_mode` is its `merge`, its `layer` the inner
    /// class, its other options the inner layer's).
    pub fn config(&self, key: &str) -> Option<Value<'static>> {
        let field = match (self.inner(), key) {
            (Some(inner), "layer") => return Some(Value::Str(inner.class().name)),
            (Some(_), "merge_mode") => self.field("merge")?,
            (Some(inner), _) => return inner.config(key),
            (None, _) => self.field(key)?,
        };
        Some(match field {
            Field::Size(n) => Value::Int(n as u64),
            Field::Steps(steps) => steps.map_or(Value::Null, |n| Value::Int(n as u64)),
            Field::Flag(b) => Value::Bool(b),
            Field::Act(a) => Value::Str(a.name()),
            // The f64 whose shortest text is the f32's: 0.1, not 0.10000000149011612.
            Field::Float(x) => Value::Float(format!("{x:?}").parse().unwrap_or(x as f64)),
            Field::OptFloat(None) => Value::Null,
            Field::OptFloat(Some(x)) => Value::Float(format!("{x:?}").parse().unwrap_or(x as f64)),
            Field::Merge(m) => Value::Str(m.name()),
            Field::Padding(p) => Value::Str(p.name()),
            Field::Ints(v) | Field::OptInts(Some(v)) => Value::Ints(v),
            Field::OptInts(None) => Value::Null,
            Field::Class(_) | Field::Inner(_) => return None,
        })
    }

    #[cfg(feature = "alloc")]
    /// Every option a weights file records for this layer, in file order.
    pub fn config_values(&self) -> Vec<(&'static str, Value<'static>)> {
        self.config_keys()
            .iter()
            .filter_map(|k| Some((*k, self.config(k)?)))
            .collect()
    }

    #[cfg(feature = "alloc")]
    /// The weight tensors Keras gives this layer, in `get_weights()` order: name and shape.
    /// `Bidirectional` holds its inner layer's twice, `forward_kernel`, ..., `backward_kernel`,
    /// ...; `TimeDistributed` its inner layer's under their own names.
    pub fn tensors(&self) -> Vec<(String, Vec<usize>)> {
        self.tensors_trainable()
            .into_iter()
            .map(|(name, shape, _)| (name, shape))
            .collect()
    }

    #[cfg(feature = "alloc")]
    /// [`LayerKind::tensors`] with whether Keras trains each ([`crate::class::Tensor`]'s
    /// `trainable`).
    pub fn tensors_trainable(&self) -> Vec<(String, Vec<usize>, bool)> {
        match *self {
            LayerKind::Bidirectional { inner, .. } => {
                let one = inner.tensors_trainable();
                return ["forward_", "backward_"]
                    .iter()
                    .flat_map(|dir| {
                        one.iter()
                            .map(move |(n, s, t)| (format!("{dir}{n}"), s.clone(), *t))
                    })
                    .collect();
            }
            LayerKind::TimeDistributed { inner } => return inner.tensors_trainable(),
            _ => {}
        }
        let (input, units) = self.sizes();
        self.class()
            .tensors
            .iter()
            .filter(|t| {
                t.when
                    .iter()
                    .all(|(flag, want)| self.config(flag) == Some(Value::Bool(*want)))
            })
            .map(|t| {
                let seq = self.field("seq") == Some(Field::Flag(true));
                let shape = t
                    .shape
                    .iter()
                    .filter_map(|d| {
                        Some(match *d {
                            Dim::In => input,
                            Dim::Units(k) => k * units,
                            Dim::Fixed(n) => n,
                            Dim::Field(name) => self.size_field(name),
                            Dim::InPerGroup => input / self.size_field("groups").max(1),
                            Dim::SeqField(name) => seq.then(|| self.size_field(name))?,
                        })
                    })
                    .collect();
                (t.name.into(), shape, t.trainable)
            })
            .collect()
    }

    #[cfg(feature = "alloc")]
    /// The parameters Keras does not train (BatchNormalization's moving statistics): its
    /// summary's "Non-trainable params".
    pub fn non_trainable_params(&self) -> u128 {
        self.tensors_trainable()
            .into_iter()
            .filter(|(_, _, trainable)| !trainable)
            .map(|(_, shape, _)| shape.iter().map(|&d| d as u128).product::<u128>())
            .sum()
    }

    #[cfg(feature = "alloc")]
    /// Parameter count: the sum of the tensors' sizes, computed without overflow.
    pub fn params(&self) -> u128 {
        self.tensor_sizes().sum()
    }

    #[cfg(feature = "alloc")]
    /// The size of the largest tensor (the limit is per tensor).
    pub fn largest_tensor(&self) -> u128 {
        self.tensor_sizes().max().unwrap_or(0)
    }

    #[cfg(feature = "alloc")]
    fn tensor_sizes(&self) -> impl Iterator<Item = u128> {
        self.tensors()
            .into_iter()
            .map(|(_, shape)| shape.iter().map(|&d| d as u128).product())
    }

    /// The rectifier a `ReLU` or `LeakyReLU` layer is, `None` for any other kind: a ReLU's
    /// `max_value` of `None` is infinity; a LeakyReLU is the ReLU of its slope with threshold 0
    /// and no `max_value` (`x` above 0, `negative_slope * x` at or below, where both give 0).
    /// The runtime's cell and the macro's baked cell are built from this, so the mapping is
    /// decided here once.
    pub fn rectifier(&self) -> Option<RectifierParams> {
        match *self {
            LayerKind::Relu {
                max_value,
                negative_slope,
                threshold,
                ..
            } => Some(RectifierParams {
                max_value: max_value.unwrap_or(f32::INFINITY),
                negative_slope,
                threshold,
            }),
            LayerKind::LeakyRelu { negative_slope, .. } => Some(RectifierParams {
                max_value: f32::INFINITY,
                negative_slope,
                threshold: 0.0,
            }),
            _ => None,
        }
    }

    /// Whether the layer runs over time with a state.
    pub fn is_recurrent(&self) -> bool {
        self.role() == Role::Recurrent
    }

    /// Whether a recurrent layer returns every step's output.
    pub fn returns_sequences(&self) -> bool {
        match *self {
            LayerKind::SimpleRnn {
                return_sequences, ..
            }
            | LayerKind::Lstm {
                return_sequences, ..
            }
            | LayerKind::Gru {
                return_sequences, ..
            } => return_sequences,
            LayerKind::Bidirectional { inner, .. } => inner.returns_sequences(),
            _ => false,
        }
    }

    /// Whether a recurrent layer runs from the last step to the first.
    pub fn goes_backwards(&self) -> bool {
        match *self {
            LayerKind::SimpleRnn { go_backwards, .. }
            | LayerKind::Lstm { go_backwards, .. }
            | LayerKind::Gru { go_backwards, .. } => go_backwards,
            _ => false,
        }
    }

    #[cfg(feature = "alloc")]
    /// The size field `name` (0 when the kind has none).
    fn size_field(&self, name: &str) -> usize {
        match self.field(name) {
            Some(Field::Size(n)) => n,
            _ => 0,
        }
    }

    /// The window a `Conv1D` or pooling layer slides over time.
    pub fn window(&self) -> Option<Window> {
        match *self {
            LayerKind::Conv1d {
                kernel_size,
                strides,
                padding,
                dilation_rate,
                ..
            } => Some(Window {
                size: kernel_size,
                strides,
                dilation: dilation_rate,
                padding,
            }),
            LayerKind::MaxPooling1d {
                pool_size,
                strides,
                padding,
                ..
            }
            | LayerKind::AveragePooling1d {
                pool_size,
                strides,
                padding,
                ..
            } => Some(Window {
                size: pool_size,
                strides,
                dilation: 1,
                padding,
            }),
            _ => None,
        }
    }

    /// How a `ZeroPadding1D`, `Cropping1D` or `UpSampling1D` maps its output steps to its
    /// input's.
    pub fn step_map(&self) -> Option<StepMap> {
        let pair = |v: Ints| match *v.as_slice() {
            [l, r] => (l.max(0) as usize, r.max(0) as usize),
            _ => (0, 0),
        };
        match *self {
            LayerKind::ZeroPadding1d { padding, .. } => {
                let (left, right) = pair(padding);
                Some(StepMap::Pad { left, right })
            }
            LayerKind::Cropping1d { cropping, .. } => {
                let (left, right) = pair(cropping);
                Some(StepMap::Crop { left, right })
            }
            LayerKind::UpSampling1d { size, .. } => Some(StepMap::Repeat { size }),
            _ => None,
        }
    }

    /// Whether the layer is a causal, stride-1 `Conv1D`: it never reads a later step, so it
    /// runs step by step with its last `dilation · (kernel − 1)` inputs as its state, and a
    /// model with it can stream.
    pub fn is_causal(&self) -> bool {
        matches!(
            self,
            LayerKind::Conv1d {
                padding: Padding::Causal,
                strides: 1,
                ..
            }
        )
    }

    /// The length of the layer's output sequence on `steps` input steps (`None`: no step
    /// is left, the input is too short). A layer that keeps the time axis keeps the length; one
    /// that ends it (a recurrent layer without `seq`, global pooling, `Flatten`) gives
    /// `Some(steps)` too, as it has no sequence to shorten; `keepdims` pooling gives 1.
    pub fn output_steps(&self, steps: usize) -> Option<usize> {
        match *self {
            _ if self.window().is_some() => self.window()?.out_len(steps),
            _ if self.step_map().is_some() => self.step_map()?.out_len(steps),
            LayerKind::Reshape {
                input,
                in_seq,
                width,
                out_seq: true,
                ..
            } => {
                let values = if in_seq {
                    steps.saturating_mul(input)
                } else {
                    input
                };
                (values >= width).then(|| values / width.max(1))
            }
            // Swapped, the length is the input's width; kept, the input's length.
            LayerKind::Permute { width, dims, .. } => {
                (steps > 0).then_some(if dims.as_slice() == [2, 1] {
                    width
                } else {
                    steps
                })
            }
            LayerKind::GlobalMaxPooling1d { keepdims: true, .. }
            | LayerKind::GlobalAveragePooling1d { keepdims: true, .. } => (steps > 0).then_some(1),
            LayerKind::RepeatVector { n, .. } => Some(n),
            _ => Some(steps),
        }
    }

    /// What the layer outputs given its input (`Keras's compute_output_shape`). A window on a
    /// fixed length too short for it gives `Seq { steps: Some(0) }`: the model rules refuse it
    /// (`rule_length_left`).
    pub fn output(&self, input: Flow) -> Flow {
        let (_, width) = self.sizes();
        match *self {
            _ if self.window().is_some() => match input {
                Flow::Seq { steps, .. } => Flow::Seq {
                    steps: steps.map(|t| self.output_steps(t).unwrap_or(0)),
                    width,
                },
                Flow::Vector { .. } => input.with_width(width),
            },
            LayerKind::GlobalMaxPooling1d { keepdims, .. }
            | LayerKind::GlobalAveragePooling1d { keepdims, .. } => {
                if keepdims {
                    Flow::Seq {
                        steps: Some(1),
                        width,
                    }
                } else {
                    Flow::Vector { width }
                }
            }
            LayerKind::Flatten { .. } => Flow::Vector { width },
            LayerKind::ZeroPadding1d { .. }
            | LayerKind::Cropping1d { .. }
            | LayerKind::UpSampling1d { .. }
            | LayerKind::Permute { .. }
            | LayerKind::Reshape { out_seq: true, .. } => Flow::Seq {
                steps: match input {
                    Flow::Seq { steps, .. } => steps,
                    Flow::Vector { .. } => Some(1),
                }
                .map(|t| self.output_steps(t).unwrap_or(0)),
                width,
            },
            LayerKind::Reshape { .. } => Flow::Vector { width },
            LayerKind::RepeatVector { n, .. } => Flow::Seq {
                steps: Some(n),
                width,
            },
            LayerKind::Embedding { input_length, .. } => {
                let steps = match input {
                    Flow::Seq { steps, .. } => steps.or(input_length),
                    Flow::Vector { .. } => input_length,
                };
                Flow::Seq { steps, width }
            }
            _ if self.is_recurrent() && !self.returns_sequences() => Flow::Vector { width },
            _ => input.with_width(width),
        }
    }
}

/// One layer of a compiled model, as the summary shows it plus the options that change results.
/// The macro emits a model's layers as a const slice (`Model::LAYERS`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerInfo {
    /// Keras's name for the layer: `embedding`, `simple_rnn_1`, `dense`, ...
    pub name: &'static str,
    /// Keras's class name: `Embedding`, `SimpleRNN`, `Dense`.
    pub class: &'static str,
    /// The output shape as Keras 2 prints it: `(None, None, 32)`.
    pub output_shape: &'static str,
    /// Parameter count (trainable and not: `kind.non_trainable_params()` of them are not).
    pub params: usize,
    /// Sizes and options.
    pub kind: LayerKind,
}

impl LayerInfo {
    #[cfg(feature = "alloc")]
    /// The weight tensors, in `get_weights()` order: name and shape.
    pub fn tensors(&self) -> Vec<(String, Vec<usize>)> {
        self.kind.tensors()
    }
}
