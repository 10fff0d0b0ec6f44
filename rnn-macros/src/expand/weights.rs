//! Building, loading and saving a model's weights: every layer through its cell's `Cell` impl.

use proc_macro2::TokenStream;
use quote::quote;

use super::item::assemble;
use super::{field, lit, option};
use crate::model::{Model, Source};
use crate::plan::Plan;

/// Heap models: everything here needs the runtime's `alloc` feature (`load`: `std`).
/// ```text
/// if_alloc! {
///     pub fn zeros() -> Self { let l0 = <Embedding<10000, 32> as Cell>::zeros(&Self::LAYERS[0]); ...; Self { .. } }
///     pub fn random(seed: u64) -> Self { let mut rng = Rng::new(seed); let l0 = <..>::random(&Self::LAYERS[0], &mut rng); ... }
///     pub fn from_weights(file: WeightsFile) -> Result<Self> { let mut records = Records::new(file, Self::LAYERS)?; ... }
///     pub fn from_json(json: &str) -> Result<Self>;
///     pub fn to_weights(&self) -> WeightsFile; pub fn to_json(&self) -> String;
/// }
/// if_std! { pub fn load(path) -> Result<Self>; }
/// ```
pub fn expand_weights(p: &TokenStream, model: &Model, plan: &Plan) -> TokenStream {
    let zeros = assemble(p, model, plan, |i, ty| {
        let i = lit(i);
        quote!(<#ty as #p::Cell>::zeros(&Self::LAYERS[#i]))
    });
    let random = assemble(p, model, plan, |i, ty| {
        let i = lit(i);
        quote!(<#ty as #p::Cell>::random(&Self::LAYERS[#i], &mut rng))
    });
    let build = assemble(p, model, plan, |i, ty| {
        let i = lit(i);
        quote!(<#ty as #p::Cell>::from_record(&Self::LAYERS[#i], records.next(&Self::LAYERS[#i])?)?)
    });
    let fields: Vec<_> = (0..model.layers.len()).map(field).collect();
    let idx: Vec<_> = (0..model.layers.len()).map(lit).collect();
    let input_shape = match model.input {
        Source::Tokens { steps, .. } => vec![option(p, steps)],
        Source::Floats { steps, features } => vec![option(p, steps), option(p, Some(features))],
    };
    quote! {
        #p::if_alloc! {
        /// A model with every weight zero.
        pub fn zeros() -> Self {
            #zeros
        }

        /// A model initialised as Keras initialises a new one: `glorot_uniform` kernels,
        /// `orthogonal` recurrent kernels, zero biases, `uniform(-0.05, 0.05)` embeddings.
        /// The same seed gives the same weights.
        pub fn random(seed: u64) -> Self {
            let mut rng = #p::Rng::new(seed);
            #random
        }

        /// Builds the model from a parsed weights file, checking every layer, option and tensor
        /// against the compiled model first: all or nothing.
        pub fn from_weights(file: #p::WeightsFile) -> #p::Result<Self> {
            let mut records = #p::Records::new(file, Self::LAYERS)?;
            #p::Ok({ #build })
        }

        /// Reads weights from JSON text (docs/WEIGHTS_FORMAT.md).
        pub fn from_json(json: &str) -> #p::Result<Self> {
            Self::from_weights(#p::WeightsFile::from_json(json)?)
        }

        }

        #p::if_std! {
        /// Reads a weights file exported by `tools/keras_export.py` (or written by `to_json`).
        pub fn load(path: impl #p::AsRef<#p::Path>) -> #p::Result<Self> {
            Self::from_weights(#p::WeightsFile::load(path)?)
        }
        }

        #p::if_alloc! {
        /// The weights as a weights file, with its checksum.
        pub fn to_weights(&self) -> #p::WeightsFile {
            #p::weights_file(
                Self::NAME,
                &[#(#input_shape),*],
                [#(#p::Cell::to_record(&self.#fields, &Self::LAYERS[#idx]),)*],
            )
        }

        /// The weights as JSON; `from_json(&m.to_json())` gives the same model.
        pub fn to_json(&self) -> #p::String {
            self.to_weights().to_json()
        }
        }
    }
}
