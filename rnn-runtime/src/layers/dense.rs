use super::{
    Cell, Data, PerStep, Weights, flat, next_weights, record, shape_error, take_tensors, vector,
    zero_vector,
};
use crate::Activation;
use crate::Result;
use crate::activation::Apply;
use crate::info::{LayerInfo, LayerKind};
use crate::init::{Rng, glorot_uniform};
use crate::kernels::{MulAdd, matvec_acc_group};
use crate::weights::LayerRecord;

/// `Dense(OUT)` on IN features: `act(x · kernel + bias)`.
#[derive(Clone)]
pub struct Dense<const IN: usize, const OUT: usize> {
    kernel: Weights<IN, OUT>,
    bias: Data<[f32; OUT]>,
    use_bias: bool,
    activation: Activation,
}

fn options(info: &LayerInfo) -> (bool, Activation) {
    match info.kind {
        LayerKind::Dense {
            use_bias,
            activation,
            ..
        } => (use_bias, activation),
        _ => (true, Activation::Linear),
    }
}

impl<const IN: usize, const OUT: usize> Dense<IN, OUT> {
    /// A baked Dense: kernel and bias (zeros without `use_bias`) in static data.
    pub const fn baked(
        kernel: &'static [[f32; OUT]; IN],
        bias: &'static [f32; OUT],
        use_bias: bool,
        activation: Activation,
    ) -> Self {
        Dense {
            kernel: Weights::from_static(kernel),
            bias: Data::from_static(bias),
            use_bias,
            activation,
        }
    }
}

impl<const IN: usize, const OUT: usize> PerStep<IN, OUT> for Dense<IN, OUT> {
    /// `y[g] = act(x[g] · kernel + bias)` for G rows.
    #[inline(always)]
    fn apply_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        x: &[&[f32; IN]; G],
        y: &mut [[f32; OUT]; G],
    ) {
        *y = [*self.bias; G];
        matvec_acc_group::<M, G, IN, OUT>(m, x, &self.kernel, y);
        y.iter_mut()
            .for_each(|yg| self.activation.apply_with::<M>(m, yg));
    }
}

impl<const IN: usize, const OUT: usize> Cell for Dense<IN, OUT> {
    fn zeros(info: &LayerInfo) -> Self {
        let (use_bias, activation) = options(info);
        Dense {
            kernel: Weights::zeros(),
            bias: zero_vector(),
            use_bias,
            activation,
        }
    }

    /// Keras's defaults: `glorot_uniform` kernel, zero bias.
    fn random(info: &LayerInfo, rng: &mut Rng) -> Self {
        Dense {
            kernel: Weights::from_vec(glorot_uniform(rng, IN, OUT)).unwrap_or_else(Weights::zeros),
            ..Self::zeros(info)
        }
    }

    fn from_record(info: &LayerInfo, rec: LayerRecord) -> Result<Self> {
        let (use_bias, activation) = options(info);
        let mut t = take_tensors(rec);
        let kernel = next_weights(&mut t, info, "kernel")?;
        let bias = if use_bias {
            t.next()
                .and_then(vector)
                .ok_or_else(|| shape_error(info, "bias"))?
        } else {
            zero_vector()
        };
        Ok(Dense {
            kernel,
            bias,
            use_bias,
            activation,
        })
    }

    fn to_record(&self, info: &LayerInfo) -> LayerRecord {
        let mut data = vec![flat(&self.kernel)];
        if self.use_bias {
            data.push(self.bias.to_vec());
        }
        record(info, data)
    }
}

impl<const IN: usize, const OUT: usize> std::fmt::Debug for Dense<IN, OUT> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Dense<{IN}, {OUT}>({:?}, use_bias = {})",
            self.activation, self.use_bias
        )
    }
}
