//! What the macro knows about each layer, emitted as a `const` slice (`Model::LAYERS`). The
//! types live in `rnn-spec`, shared with the macro.

pub use rnn_spec::{LayerInfo, LayerKind};

#[cfg(feature = "alloc")]
/// A spec option value as JSON, as the weights file writes it.
pub(crate) fn json(v: rnn_spec::Value<'_>) -> serde_json::Value {
    use rnn_spec::Value as V;
    match v {
        V::Null => serde_json::Value::Null,
        V::Bool(b) => b.into(),
        V::Int(n) => n.into(),
        V::Float(x) => x.into(),
        V::Str(s) => s.into(),
        V::Ints(v) => v.as_slice().iter().copied().collect(),
        V::Other(s) => serde_json::from_str(s).unwrap_or(serde_json::Value::Null),
    }
}
