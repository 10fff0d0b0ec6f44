//! The weights file (docs/WEIGHTS_FORMAT.md): reading, writing, checksum, and strict validation
//! against a compiled model's layers. Defined in `rnn_spec::json`, where the macro reads baked
//! weights (`#[weights = "..."]`) through the same code.

pub use rnn_spec::json::{FORMAT, LayerRecord, TensorRecord, VERSION, WeightsFile};
