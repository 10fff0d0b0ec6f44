#[cfg(feature = "alloc")]
use super::{Arrays, Cell, flat, zero_vector};
use super::{Data, Recurrent, Weights};
use crate::Activation;
#[cfg(feature = "alloc")]
use crate::Result;
use crate::activation::Apply;
#[cfg(feature = "alloc")]
use crate::heap::{Vec, vec};
#[cfg(feature = "alloc")]
use crate::info::{LayerInfo, LayerKind};
#[cfg(feature = "alloc")]
use crate::init::{Rng, glorot_uniform, orthogonal_rect};
use crate::kernels::MulAdd;

/// `GRU(U)` on IN features, `U3 = 3 U` gate columns in Keras's order z, r, h; σ is
/// `recurrent_activation`.
///
/// `reset_after = true` (Keras 3's default): `a = x · kernel + b_in`, `b = h · recurrent + b_rec`,
/// `z, r = σ(a + b)`, `hh = act(a_h + r ⊙ b_h)`, `h = z ⊙ h + (1 − z) ⊙ hh`.
/// `reset_after = false`: one bias; `z, r = σ(x · kernel_zr + b_zr + h · recurrent_zr)`,
/// `hh = act(x · kernel_h + b_h + (r ⊙ h) · recurrent_h)`.
#[derive(Clone)]
pub struct Gru<const IN: usize, const U: usize, const U3: usize> {
    kernel: Weights<IN, U3>,
    recurrent: Weights<U, U3>,
    /// The candidate's recurrent columns alone (`reset_after = false` multiplies `r ⊙ h` by them).
    recurrent_h: Weights<U, U>,
    bias_in: Data<[f32; U3]>,
    bias_rec: Data<[f32; U3]>,
    use_bias: bool,
    reset_after: bool,
    activation: Activation,
    recurrent_activation: Activation,
}

/// A baked GRU's kernel, recurrent kernel, and the recurrent kernel's candidate columns.
type Kernels<const IN: usize, const U: usize, const U3: usize> = (
    &'static [[f32; U3]; IN],
    &'static [[f32; U3]; U],
    &'static [[f32; U]; U],
);

/// The state of G rows: the outputs `h`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GruState<const U: usize, const G: usize> {
    /// The outputs.
    pub h: [[f32; U]; G],
}

impl<const U: usize, const G: usize> super::Reset for GruState<U, G> {
    #[inline]
    fn reset(&mut self) {
        *self = GruState { h: [[0.0; U]; G] };
    }
}

#[cfg(feature = "alloc")]
fn options(info: &LayerInfo) -> (bool, bool, Activation, Activation) {
    match info.kind {
        LayerKind::Gru {
            use_bias,
            reset_after,
            activation,
            recurrent_activation,
            ..
        } => (use_bias, reset_after, activation, recurrent_activation),
        _ => (true, true, Activation::Tanh, Activation::Sigmoid),
    }
}

impl<const IN: usize, const U: usize, const U3: usize> Gru<IN, U, U3> {
    /// A baked GRU: in static data, the kernels, the recurrent kernel's candidate columns,
    /// and the input and recurrent biases (zeros where the layer has none), as
    /// `rnn_spec::bake::cell_arrays` lays them out.
    pub const fn baked(
        (kernel, recurrent, recurrent_h): Kernels<IN, U, U3>,
        [bias_in, bias_rec]: [&'static [f32; U3]; 2],
        [use_bias, reset_after]: [bool; 2],
        [activation, recurrent_activation]: [Activation; 2],
    ) -> Self {
        Gru {
            kernel: Weights::from_static(kernel),
            recurrent: Weights::from_static(recurrent),
            recurrent_h: Weights::from_static(recurrent_h),
            bias_in: Data::from_static(bias_in),
            bias_rec: Data::from_static(bias_rec),
            use_bias,
            reset_after,
            activation,
            recurrent_activation,
        }
    }

    const GATES: () = assert!(U3 == 3 * U, "a GRU has 3 gates of U units");

    /// `σ` over the z and r gates of a row (per gate for softmax-like activations).
    #[inline(always)]
    fn gates<M: MulAdd>(&self, m: M, zr: &mut [f32]) {
        if self.recurrent_activation.over_last_axis() {
            let (z, r) = zr.split_at_mut(U);
            self.recurrent_activation.apply_gate_with::<M>(m, z);
            self.recurrent_activation.apply_gate_with::<M>(m, r);
        } else {
            self.recurrent_activation.apply_gate_with::<M>(m, zr);
        }
    }

    /// Whether one row steps through the path's fused kernel ([`MulAdd::gru_row`]): on a path
    /// that has one, with `reset_after` and Keras's default activations (the kernel's).
    #[inline(always)]
    fn fused_row<M: MulAdd, const G: usize>(&self) -> bool {
        G == 1
            && M::FUSED_ROW
            && self.reset_after
            && self.activation == Activation::Tanh
            && self.recurrent_activation == Activation::Sigmoid
    }

    /// One row's step through [`MulAdd::gru_row`] from `a0` (`b_in` or the folded row) plus
    /// `x · kernel` (N = 0 for a folded row). A masked row keeps its state.
    #[inline(always)]
    fn row<M: MulAdd, const N: usize, const G: usize>(
        &self,
        m: M,
        x: &[f32; N],
        kernel: &[[f32; U3]; N],
        a0: &[f32; U3],
        s: &mut GruState<U, G>,
        mask: [bool; G],
    ) {
        let () = Self::GATES;
        if mask[0] {
            let mut h = [0.0f32; U];
            m.gru_row::<N, U, U3>(
                x,
                kernel,
                &s.h[0],
                &self.recurrent,
                a0,
                &self.bias_rec,
                &mut h,
            );
            s.h[0] = h;
        }
    }

    /// One step of G rows given `a = x · kernel + b_in` (all 3 gates, read only: a folded
    /// row is used where it lies). The gates are computed in the recurrent product's array.
    /// `upcoming` (the next step's folded rows, or none) are prefetched one row per row here.
    #[inline(always)]
    fn finish_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        a: &[&[f32; U3]; G],
        s: &mut GruState<U, G>,
        mask: [bool; G],
        upcoming: &[&[f32; U3]],
    ) {
        let () = Self::GATES;
        let h = &mut s.h;
        let prev: [&[f32; U]; G] = std::array::from_fn(|g| &h[g]);
        // b = h · recurrent (+ b_rec with reset_after), then z, r = σ(a + b) in b's first 2U
        // columns and the candidate's pre-activation in its last U.
        let mut b = std::mem::MaybeUninit::uninit();
        let b = if self.reset_after {
            let b = m.matvec_group_init::<G, U, U3>(
                &prev,
                &self.recurrent,
                &[&*self.bias_rec; G],
                &mut b,
            );
            for (bg, ag) in b.iter_mut().zip(a) {
                for j in 0..2 * U {
                    bg[j] += ag[j];
                }
                self.gates::<M>(m, &mut bg[..2 * U]);
                // Into a local array first: stored straight into `b` (whose address the
                // product kernel has had), the loop compiled to 32 scalar multiply-adds. The
                // same for the two loops of `reset_after = false` below.
                let cand: [f32; U] =
                    std::array::from_fn(|j| ag[2 * U + j] + bg[U + j] * bg[2 * U + j]);
                bg[2 * U..].copy_from_slice(&cand);
            }
            b
        } else {
            // z and r from the full product (its candidate columns are not used), then the
            // candidate's product of r ⊙ h.
            let b = b.write([[0.0f32; U3]; G]);
            m.matvec_group::<G, U, U3>(&prev, &self.recurrent, b);
            let mut rh = [[0.0f32; U]; G];
            for ((bg, ag), (rg, hg)) in b.iter_mut().zip(a).zip(rh.iter_mut().zip(prev)) {
                for j in 0..2 * U {
                    bg[j] += ag[j];
                }
                self.gates::<M>(m, &mut bg[..2 * U]);
                *rg = std::array::from_fn(|j| bg[U + j] * hg[j]);
            }
            let rh_refs: [&[f32; U]; G] = std::array::from_fn(|g| &rh[g]);
            let mut c = [[0.0f32; U]; G];
            m.matvec_group::<G, U, U>(&rh_refs, &self.recurrent_h, &mut c);
            for ((bg, ag), cg) in b.iter_mut().zip(a).zip(&c) {
                let cand: [f32; U] = std::array::from_fn(|j| ag[2 * U + j] + cg[j]);
                bg[2 * U..].copy_from_slice(&cand);
            }
            b
        };
        for (g, bg) in b.iter_mut().enumerate() {
            if let Some(row) = upcoming.get(g) {
                crate::kernels::prefetch(*row);
            }
            let (zr, hh) = bg.split_at_mut(2 * U);
            self.activation.apply_with::<M>(m, hh);
            if mask[g] {
                let hg = &mut h[g];
                for j in 0..U {
                    let z = zr[j];
                    hg[j] = z * hg[j] + (1.0 - z) * hh[j];
                }
            }
        }
    }

    /// One timestep for G rows whose input projection `x · kernel + b_in` is already computed
    /// (a folded Embedding row); `upcoming` are the next step's rows, to prefetch.
    #[inline(always)]
    pub fn step_projected_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        projected: &[&[f32; U3]; G],
        upcoming: &[&[f32; U3]; G],
        s: &mut GruState<U, G>,
        mask: [bool; G],
    ) {
        if self.fused_row::<M, G>() {
            crate::kernels::prefetch(upcoming[0]);
            return self.row::<M, 0, G>(m, &[], &[], projected[0], s, mask);
        }
        self.finish_group::<M, G>(m, projected, s, mask, upcoming);
    }
}

impl<const IN: usize, const U: usize, const U3: usize> Recurrent<IN, U> for Gru<IN, U, U3> {
    type State<const G: usize> = GruState<U, G>;

    fn state<const G: usize>(&self) -> GruState<U, G> {
        GruState { h: [[0.0; U]; G] }
    }

    #[inline(always)]
    fn step_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        x: &[&[f32; IN]; G],
        s: &mut GruState<U, G>,
        mask: [bool; G],
    ) {
        if self.fused_row::<M, G>() {
            return self.row::<M, IN, G>(m, x[0], &self.kernel, &self.bias_in, s, mask);
        }
        let mut a = std::mem::MaybeUninit::uninit();
        let a = m.matvec_group_init::<G, IN, U3>(x, &self.kernel, &[&*self.bias_in; G], &mut a);
        let a: [&[f32; U3]; G] = std::array::from_fn(|g| &a[g]);
        self.finish_group::<M, G>(m, &a, s, mask, &[]);
    }

    #[inline(always)]
    fn output<'s, const G: usize>(&self, s: &'s GruState<U, G>) -> [&'s [f32; U]; G] {
        std::array::from_fn(|g| &s.h[g])
    }
}

#[cfg(feature = "alloc")]
impl<const IN: usize, const U: usize, const U3: usize> Cell for Gru<IN, U, U3> {
    fn zeros(info: &LayerInfo) -> Self {
        let (use_bias, reset_after, activation, recurrent_activation) = options(info);
        Gru {
            kernel: Weights::zeros(),
            recurrent: Weights::zeros(),
            recurrent_h: Weights::zeros(),
            bias_in: zero_vector(),
            bias_rec: zero_vector(),
            use_bias,
            reset_after,
            activation,
            recurrent_activation,
        }
    }

    /// Keras's defaults, drawn in Keras's layout (`glorot_uniform` kernel, `orthogonal`
    /// recurrent kernel, zero bias), then laid out as loaded weights are.
    fn random(info: &LayerInfo, rng: &mut Rng) -> Self {
        let (use_bias, reset_after, ..) = options(info);
        let mut tensors = vec![glorot_uniform(rng, IN, U3), orthogonal_rect(rng, U, U3)];
        if use_bias {
            tensors.push(vec![0.0; if reset_after { 2 * U3 } else { U3 }]);
        }
        Self::from_arrays(info, &mut Arrays::from_tensors(info, tensors))
            .unwrap_or_else(|_| Self::zeros(info))
    }

    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        let (use_bias, reset_after, activation, recurrent_activation) = options(info);
        Ok(Gru {
            kernel: a.weights(info, "kernel")?,
            recurrent: a.weights(info, "recurrent_kernel")?,
            recurrent_h: a.weights(info, "recurrent_kernel")?,
            bias_in: a.vector(info, "bias")?,
            bias_rec: a.vector(info, "bias")?,
            use_bias,
            reset_after,
            activation,
            recurrent_activation,
        })
    }

    fn to_arrays(&self, out: &mut Vec<Vec<f32>>) {
        out.extend([
            flat(&self.kernel),
            flat(&self.recurrent),
            flat(&self.recurrent_h),
            self.bias_in.to_vec(),
            self.bias_rec.to_vec(),
        ]);
    }
}

impl<const IN: usize, const U: usize, const U3: usize> std::fmt::Debug for Gru<IN, U, U3> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Gru<{IN}, {U}>({:?}, {:?}, use_bias = {}, reset_after = {})",
            self.activation, self.recurrent_activation, self.use_bias, self.reset_after
        )
    }
}

impl<const IN: usize, const U: usize, const U3: usize> super::InputProjection<IN, U3>
    for Gru<IN, U, U3>
{
    fn input_projection(&self) -> (&[[f32; U3]; IN], &[f32; U3]) {
        (&self.kernel, &self.bias_in)
    }
}
