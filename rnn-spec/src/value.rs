//! Option values, as the DSL's defaults and the weights file's `config` hold them.

use core::fmt;

/// A JSON-like scalar: what a layer option is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// JSON `null` (Keras's `None`).
    Null,
    /// A boolean.
    Bool(bool),
    /// A non-negative integer.
    Int(u64),
    /// A number with a fraction or exponent (or negative).
    Float(f64),
    /// A string.
    Str(&'a str),
    /// A short list of integers (Keras's tuples: `padding = (1, 2)`, `target_shape`, `dims`).
    Ints(Ints),
    /// Anything else a file may hold (an array or object), as its JSON text.
    Other(&'a str),
}

/// A list of at most [`Ints::MAX`] integers, by value (`Copy`, no allocation): the value of a
/// keyword Keras takes as a tuple or a list (`ZeroPadding1D((1, 2))`, `Reshape((-1, 4))`,
/// `Permute((2, 1))`, `PReLU(shared_axes = [1])`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ints {
    len: u8,
    items: [i64; Ints::MAX],
}

impl Ints {
    /// The most items a list holds (a sequence's two axes, with room for a mistaken third).
    pub const MAX: usize = 4;

    /// The list of `items`; `None` when there are more than [`Ints::MAX`].
    pub const fn new(items: &[i64]) -> Option<Ints> {
        if items.len() > Ints::MAX {
            return None;
        }
        let mut out = [0; Ints::MAX];
        let mut i = 0;
        while i < items.len() {
            out[i] = items[i];
            i += 1;
        }
        Some(Ints {
            len: items.len() as u8,
            items: out,
        })
    }

    /// The items.
    pub fn as_slice(&self) -> &[i64] {
        &self.items[..self.len as usize]
    }

    /// Python's spelling of the tuple: `(1, 2)`, `(14,)`.
    #[cfg(feature = "alloc")]
    pub fn python(&self) -> alloc::string::String {
        use alloc::string::ToString;
        let items: alloc::vec::Vec<_> = self.as_slice().iter().map(i64::to_string).collect();
        match items.len() {
            1 => alloc::format!("({},)", items[0]),
            _ => alloc::format!("({})", items.join(", ")),
        }
    }
}

impl fmt::Display for Ints {
    /// JSON text: `[1, 2]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, x) in self.as_slice().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{x}")?;
        }
        f.write_str("]")
    }
}

impl fmt::Display for Value<'_> {
    /// JSON text: `null`, `true`, `32`, `0.5`, `"tanh"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            // `0.0`, `0.5`, `1e20`: always a float, as Python's repr.
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Ints(v) => write!(f, "{v}"),
            Value::Other(s) => f.write_str(s),
        }
    }
}

impl Value<'_> {
    /// The DSL's spelling: `true`, `32`, `0.5`, `tanh`, `None`, `(1, 2)`.
    #[cfg(feature = "alloc")]
    pub fn dsl(&self) -> alloc::string::String {
        use alloc::string::ToString;
        match self {
            Value::Null => "None".into(),
            Value::Str(s) => s.to_string(),
            Value::Ints(v) => v.python(),
            other => other.to_string(),
        }
    }
}
