#[cfg(feature = "alloc")]
use super::{Arrays, Cell, flat, zero_vector};
use super::{Data, PerStep, Weights};
use crate::Activation;
#[cfg(feature = "alloc")]
use crate::Result;
use crate::activation::Apply;
#[cfg(feature = "alloc")]
use crate::heap::Vec;
#[cfg(feature = "alloc")]
use crate::info::{LayerInfo, LayerKind};
#[cfg(feature = "alloc")]
use crate::init::{Rng, glorot_uniform};
use crate::kernels::{MulAdd, matvec_acc_group};

/// `Dense(OUT)` on IN features: `act(x · kernel + bias)`.
#[derive(Clone)]
pub struct Dense<const IN: usize, const OUT: usize> {
    kernel: Weights<IN, OUT>,
    bias: Data<[f32; OUT]>,
    use_bias: bool,
    activation: Activation,
}

#[cfg(feature = "alloc")]
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

#[cfg(feature = "alloc")]
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

    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        let (use_bias, activation) = options(info);
        Ok(Dense {
            kernel: a.weights(info, "kernel")?,
            bias: a.vector(info, "bias")?,
            use_bias,
            activation,
        })
    }

    fn to_arrays(&self, out: &mut Vec<Vec<f32>>) {
        out.extend([flat(&self.kernel), self.bias.to_vec()]);
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
