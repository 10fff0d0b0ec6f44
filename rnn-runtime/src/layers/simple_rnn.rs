#[cfg(feature = "alloc")]
use super::{Arrays, Cell, flat, zero_vector};
use super::{Data, Recurrent, Weights};
use crate::Activation;
#[cfg(feature = "alloc")]
use crate::Result;
use crate::activation::Apply;
#[cfg(feature = "alloc")]
use crate::heap::Vec;
#[cfg(feature = "alloc")]
use crate::info::{LayerInfo, LayerKind};
#[cfg(feature = "alloc")]
use crate::init::{Rng, glorot_uniform, orthogonal};
use crate::kernels::{MulAdd, matvec_acc_group};

/// `SimpleRNN(U)` on IN features: `h_t = act(x_t · kernel + bias + h_{t-1} · recurrent_kernel)`.
/// The output of a step is its new state.
#[derive(Clone)]
pub struct SimpleRnn<const IN: usize, const U: usize> {
    kernel: Weights<IN, U>,
    recurrent: Weights<U, U>,
    bias: Data<[f32; U]>,
    use_bias: bool,
    activation: Activation,
}

#[cfg(feature = "alloc")]
fn options(info: &LayerInfo) -> (bool, Activation) {
    match info.kind {
        LayerKind::SimpleRnn {
            use_bias,
            activation,
            ..
        } => (use_bias, activation),
        _ => (true, Activation::Tanh),
    }
}

impl<const IN: usize, const U: usize> SimpleRnn<IN, U> {
    /// A baked SimpleRNN: kernels and bias (zeros without `use_bias`) in static data.
    pub const fn baked(
        kernel: &'static [[f32; U]; IN],
        recurrent: &'static [[f32; U]; U],
        bias: &'static [f32; U],
        use_bias: bool,
        activation: Activation,
    ) -> Self {
        SimpleRnn {
            kernel: Weights::from_static(kernel),
            recurrent: Weights::from_static(recurrent),
            bias: Data::from_static(bias),
            use_bias,
            activation,
        }
    }

    /// One timestep for G sequences whose input projection `x · kernel + bias` is already
    /// computed (a folded Embedding row, see [`super::FoldedEmbedding`]); `upcoming` are the
    /// next step's rows, to prefetch.
    #[inline(always)]
    pub fn step_projected_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        projected: &[&[f32; U]; G],
        upcoming: &[&[f32; U]; G],
        h: &mut [[f32; U]; G],
        mask: [bool; G],
    ) {
        // Filled row by row (not built and moved as a whole: a moved array of this size is a
        // memcpy call per step), each row's successor prefetched.
        let mut z = [[0.0f32; U]; G];
        for ((zg, p), next) in z.iter_mut().zip(projected).zip(upcoming) {
            *zg = **p;
            crate::kernels::prefetch(*next);
        }
        self.finish_group::<M, G>(m, &mut z, h, mask);
    }

    /// `h = act(z + h · recurrent_kernel)` where the mask allows.
    #[inline(always)]
    fn finish_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        z: &mut [[f32; U]; G],
        h: &mut [[f32; U]; G],
        mask: [bool; G],
    ) {
        let prev: [&[f32; U]; G] = std::array::from_fn(|g| &h[g]);
        matvec_acc_group::<M, G, U, U>(m, &prev, &self.recurrent, z);
        self.activate_group::<M, G>(m, z, h, mask);
    }

    /// `h = act(z)` where the mask allows.
    #[inline(always)]
    fn activate_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        z: &mut [[f32; U]; G],
        h: &mut [[f32; U]; G],
        mask: [bool; G],
    ) {
        self.activation.apply_rows::<M, U>(m, z);
        for ((zg, hg), m) in z.iter().zip(h.iter_mut()).zip(mask) {
            if m {
                *hg = *zg;
            }
        }
    }

    pub fn kernel(&self) -> &[[f32; U]; IN] {
        &self.kernel
    }
    pub fn recurrent_kernel(&self) -> &[[f32; U]; U] {
        &self.recurrent
    }
    pub fn bias(&self) -> &[f32; U] {
        &self.bias
    }
    pub fn activation(&self) -> Activation {
        self.activation
    }
}

#[cfg(feature = "alloc")]
impl<const IN: usize, const U: usize> Cell for SimpleRnn<IN, U> {
    fn zeros(info: &LayerInfo) -> Self {
        let (use_bias, activation) = options(info);
        SimpleRnn {
            kernel: Weights::zeros(),
            recurrent: Weights::zeros(),
            bias: zero_vector(),
            use_bias,
            activation,
        }
    }

    /// Keras's defaults: `glorot_uniform` kernel, `orthogonal` recurrent kernel, zero bias.
    fn random(info: &LayerInfo, rng: &mut Rng) -> Self {
        SimpleRnn {
            kernel: Weights::from_vec(glorot_uniform(rng, IN, U)).unwrap_or_else(Weights::zeros),
            recurrent: Weights::from_vec(orthogonal(rng, U)).unwrap_or_else(Weights::zeros),
            ..Self::zeros(info)
        }
    }

    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        let (use_bias, activation) = options(info);
        Ok(SimpleRnn {
            kernel: a.weights(info, "kernel")?,
            recurrent: a.weights(info, "recurrent_kernel")?,
            bias: a.vector(info, "bias")?,
            use_bias,
            activation,
        })
    }

    fn to_arrays(&self, out: &mut Vec<Vec<f32>>) {
        out.extend([
            flat(&self.kernel),
            flat(&self.recurrent),
            self.bias.to_vec(),
        ]);
    }
}

/// The state is the output: `h`.
impl<const IN: usize, const U: usize> Recurrent<IN, U> for SimpleRnn<IN, U> {
    type State<const G: usize> = [[f32; U]; G];

    fn state<const G: usize>(&self) -> [[f32; U]; G] {
        [[0.0; U]; G]
    }

    /// Both products in one pass over the kernels, then the activation.
    #[inline(always)]
    fn step_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        x: &[&[f32; IN]; G],
        h: &mut [[f32; U]; G],
        mask: [bool; G],
    ) {
        let prev: [&[f32; U]; G] = std::array::from_fn(|g| &h[g]);
        let mut z = std::mem::MaybeUninit::uninit();
        let z = m.matvec2_group_init::<G, IN, U, U>(
            x,
            &self.kernel,
            &prev,
            &self.recurrent,
            &[&*self.bias; G],
            &mut z,
        );
        self.activate_group::<M, G>(m, z, h, mask);
    }

    #[inline(always)]
    fn output<'s, const G: usize>(&self, h: &'s [[f32; U]; G]) -> [&'s [f32; U]; G] {
        std::array::from_fn(|g| &h[g])
    }
}

impl<const IN: usize, const U: usize> std::fmt::Debug for SimpleRnn<IN, U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SimpleRnn<{IN}, {U}>({:?}, use_bias = {})",
            self.activation, self.use_bias
        )
    }
}

impl<const IN: usize, const U: usize> super::InputProjection<IN, U> for SimpleRnn<IN, U> {
    fn input_projection(&self) -> (&[[f32; U]; IN], &[f32; U]) {
        (&self.kernel, &self.bias)
    }
}
