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

/// `LSTM(U)` on IN features, `U4 = 4 U` gate columns in Keras's order i, f, c, o:
/// `z = x · kernel + h · recurrent_kernel + bias`, `i, f, o = σ(z_i, z_f, z_o)`,
/// `c = f ⊙ c + i ⊙ act(z_c)`, `h = o ⊙ act(c)`; σ is `recurrent_activation`. All four gates
/// come from one pass over each kernel.
#[derive(Clone)]
pub struct Lstm<const IN: usize, const U: usize, const U4: usize> {
    kernel: Weights<IN, U4>,
    recurrent: Weights<U, U4>,
    bias: Data<[f32; U4]>,
    use_bias: bool,
    activation: Activation,
    recurrent_activation: Activation,
}

/// The state of G rows: output `h` and cell `c`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LstmState<const U: usize, const G: usize> {
    /// The outputs.
    pub h: [[f32; U]; G],
    /// The cells.
    c: [[f32; U]; G],
}

impl<const U: usize, const G: usize> LstmState<U, G> {
    /// The cells of the rows.
    pub fn cells(&self) -> [[f32; U]; G] {
        self.c
    }
}

impl<const U: usize, const G: usize> super::Reset for LstmState<U, G> {
    #[inline]
    fn reset(&mut self) {
        *self = LstmState {
            h: [[0.0; U]; G],
            c: [[0.0; U]; G],
        };
    }
}

#[cfg(feature = "alloc")]
struct Options {
    use_bias: bool,
    activation: Activation,
    recurrent_activation: Activation,
    unit_forget_bias: bool,
}

#[cfg(feature = "alloc")]
fn options(info: &LayerInfo) -> Options {
    match info.kind {
        LayerKind::Lstm {
            use_bias,
            activation,
            recurrent_activation,
            unit_forget_bias,
            ..
        } => Options {
            use_bias,
            activation,
            recurrent_activation,
            unit_forget_bias,
        },
        _ => Options {
            use_bias: true,
            activation: Activation::Tanh,
            recurrent_activation: Activation::Sigmoid,
            unit_forget_bias: true,
        },
    }
}

impl<const IN: usize, const U: usize, const U4: usize> Lstm<IN, U, U4> {
    /// A baked LSTM: kernels and bias (zeros without `use_bias`) in static data, in the
    /// cell's gate order (`rnn_spec::bake::cell_arrays`).
    pub const fn baked(
        kernel: &'static [[f32; U4]; IN],
        recurrent: &'static [[f32; U4]; U],
        bias: &'static [f32; U4],
        use_bias: bool,
        [activation, recurrent_activation]: [Activation; 2],
    ) -> Self {
        Lstm {
            kernel: Weights::from_static(kernel),
            recurrent: Weights::from_static(recurrent),
            bias: Data::from_static(bias),
            use_bias,
            activation,
            recurrent_activation,
        }
    }

    const GATES: () = assert!(U4 == 4 * U, "an LSTM has 4 gates of U units");

    /// Whether one row steps through the path's fused kernel ([`MulAdd::lstm_row`]): on a path
    /// that has one, with Keras's default activations (the kernel's).
    #[inline(always)]
    fn fused_row<M: MulAdd, const G: usize>(&self) -> bool {
        G == 1
            && M::FUSED_ROW
            && self.activation == Activation::Tanh
            && self.recurrent_activation == Activation::Sigmoid
    }

    /// One row's step through [`MulAdd::lstm_row`]: `z0` (bias or folded row) plus `x ·
    /// kernel` (N = 0 for a folded row) plus `h · recurrent`, the gates and the cell in one
    /// kernel. A masked row keeps its state.
    #[inline(always)]
    fn row<M: MulAdd, const N: usize, const G: usize>(
        &self,
        m: M,
        x: &[f32; N],
        kernel: &[[f32; U4]; N],
        z0: &[f32; U4],
        s: &mut LstmState<U, G>,
        mask: [bool; G],
    ) {
        let () = Self::GATES;
        if mask[0] {
            let mut h = [0.0f32; U];
            m.lstm_row::<N, U, U4>(x, kernel, &s.h[0], &self.recurrent, z0, &mut s.c[0], &mut h);
            s.h[0] = h;
        }
    }

    /// The gates of G rows from `z` (the fused products plus bias) into the state. The columns
    /// are held in the order i, f, o, c (`rnn_spec::bake::cell_arrays` swaps Keras's c and o
    /// blocks), so one call applies σ to the three sigmoid gates of a row.
    /// `upcoming` (the next step's folded rows, or none) are prefetched one row per row here.
    #[inline(always)]
    fn finish_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        z: &mut [[f32; U4]; G],
        s: &mut LstmState<U, G>,
        mask: [bool; G],
        upcoming: &[&[f32; U4]],
    ) {
        let () = Self::GATES;
        for (g, zg) in z.iter_mut().enumerate() {
            if let Some(row) = upcoming.get(g) {
                crate::kernels::prefetch(*row);
            }
            let (sig, cand) = zg.split_at_mut(3 * U);
            if self.recurrent_activation.over_last_axis() {
                sig.chunks_exact_mut(U)
                    .for_each(|gate| self.recurrent_activation.apply_gate_with(m, gate));
            } else {
                self.recurrent_activation.apply_gate_with(m, sig);
            }
            self.activation.apply_with(m, cand);
        }
        // A small group at once (its temporaries are small); a wide one 6 rows at a time,
        // not with two arrays of the group's (64 rows) to fill and copy every step.
        if G <= 6 {
            self.cells::<M, G>(m, &z[..], &mut s.c, &mut s.h, &mask);
        } else {
            let (mut z, mut c, mut h, mut mask) = (&z[..], &mut s.c[..], &mut s.h[..], &mask[..]);
            while !z.is_empty() {
                let n = z.len().min(6);
                if n == 6 {
                    self.cells::<M, 6>(m, &z[..6], &mut c[..6], &mut h[..6], &mask[..6]);
                } else {
                    for k in 0..n {
                        self.cells::<M, 1>(
                            m,
                            &z[k..k + 1],
                            &mut c[k..k + 1],
                            &mut h[k..k + 1],
                            &mask[k..k + 1],
                        );
                    }
                }
                (z, c, h, mask) = (&z[n..], &mut c[n..], &mut h[n..], &mask[n..]);
            }
        }
    }

    /// `c = f ⊙ c + i ⊙ c~` and `h = o ⊙ act(c)` for N rows from their gates `z` (the first
    /// N of each slice; a masked row's are computed and not kept), the activation over the N
    /// rows at once.
    #[inline(always)]
    fn cells<M: MulAdd, const N: usize>(
        &self,
        m: M,
        z: &[[f32; U4]],
        state_c: &mut [[f32; U]],
        state_h: &mut [[f32; U]],
        mask: &[bool],
    ) {
        let mut c = [[0.0f32; U]; N];
        for ((cg, zg), old) in c.iter_mut().zip(z).zip(&*state_c) {
            for j in 0..U {
                cg[j] = zg[U + j] * old[j] + zg[j] * zg[3 * U + j];
            }
        }
        let mut ac = c;
        self.activation.apply_rows(m, &mut ac);
        for g in 0..N {
            if mask[g] {
                state_c[g] = c[g];
                for j in 0..U {
                    state_h[g][j] = z[g][2 * U + j] * ac[g][j];
                }
            }
        }
    }

    /// One timestep for G rows whose input projection `x · kernel + bias` is already computed
    /// (a folded Embedding row); `upcoming` are the next step's rows, to prefetch.
    #[inline(always)]
    pub fn step_projected_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        projected: &[&[f32; U4]; G],
        upcoming: &[&[f32; U4]; G],
        s: &mut LstmState<U, G>,
        mask: [bool; G],
    ) {
        if self.fused_row::<M, G>() {
            crate::kernels::prefetch(upcoming[0]);
            return self.row::<M, 0, G>(m, &[], &[], projected[0], s, mask);
        }
        let prev: [&[f32; U]; G] = std::array::from_fn(|g| &s.h[g]);
        let mut z = std::mem::MaybeUninit::uninit();
        let z = m.matvec_group_init::<G, U, U4>(&prev, &self.recurrent, projected, &mut z);
        self.finish_group::<M, G>(m, z, s, mask, upcoming);
    }
}

impl<const IN: usize, const U: usize, const U4: usize> Recurrent<IN, U> for Lstm<IN, U, U4> {
    type State<const G: usize> = LstmState<U, G>;

    fn state<const G: usize>(&self) -> LstmState<U, G> {
        LstmState {
            h: [[0.0; U]; G],
            c: [[0.0; U]; G],
        }
    }

    /// All four gates' products in one pass over each kernel, then the gates.
    #[inline(always)]
    fn step_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        x: &[&[f32; IN]; G],
        s: &mut LstmState<U, G>,
        mask: [bool; G],
    ) {
        if self.fused_row::<M, G>() {
            return self.row::<M, IN, G>(m, x[0], &self.kernel, &self.bias, s, mask);
        }
        let prev: [&[f32; U]; G] = std::array::from_fn(|g| &s.h[g]);
        let mut z = std::mem::MaybeUninit::uninit();
        let z = m.matvec2_group_init::<G, IN, U, U4>(
            x,
            &self.kernel,
            &prev,
            &self.recurrent,
            &[&*self.bias; G],
            &mut z,
        );
        self.finish_group::<M, G>(m, z, s, mask, &[]);
    }

    #[inline(always)]
    fn output<'s, const G: usize>(&self, s: &'s LstmState<U, G>) -> [&'s [f32; U]; G] {
        std::array::from_fn(|g| &s.h[g])
    }
}

#[cfg(feature = "alloc")]
impl<const IN: usize, const U: usize, const U4: usize> Cell for Lstm<IN, U, U4> {
    fn zeros(info: &LayerInfo) -> Self {
        let o = options(info);
        Lstm {
            kernel: Weights::zeros(),
            recurrent: Weights::zeros(),
            bias: zero_vector(),
            use_bias: o.use_bias,
            activation: o.activation,
            recurrent_activation: o.recurrent_activation,
        }
    }

    /// Keras's defaults, drawn in Keras's layout (`glorot_uniform` kernel, `orthogonal`
    /// recurrent kernel, zero bias but the forget gate's at 1 with `unit_forget_bias`), then
    /// laid out as loaded weights are.
    fn random(info: &LayerInfo, rng: &mut Rng) -> Self {
        let o = options(info);
        let mut tensors = vec![glorot_uniform(rng, IN, U4), orthogonal_rect(rng, U, U4)];
        if o.use_bias {
            let mut bias = vec![0.0; U4];
            if o.unit_forget_bias {
                bias[U..2 * U].fill(1.0);
            }
            tensors.push(bias);
        }
        Self::from_arrays(info, &mut Arrays::from_tensors(info, tensors))
            .unwrap_or_else(|_| Self::zeros(info))
    }

    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        let o = options(info);
        Ok(Lstm {
            kernel: a.weights(info, "kernel")?,
            recurrent: a.weights(info, "recurrent_kernel")?,
            bias: a.vector(info, "bias")?,
            use_bias: o.use_bias,
            activation: o.activation,
            recurrent_activation: o.recurrent_activation,
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

impl<const IN: usize, const U: usize, const U4: usize> std::fmt::Debug for Lstm<IN, U, U4> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Lstm<{IN}, {U}>({:?}, {:?}, use_bias = {})",
            self.activation, self.recurrent_activation, self.use_bias
        )
    }
}

impl<const IN: usize, const U: usize, const U4: usize> super::InputProjection<IN, U4>
    for Lstm<IN, U, U4>
{
    fn input_projection(&self) -> (&[[f32; U4]; IN], &[f32; U4]) {
        (&self.kernel, &self.bias)
    }
}
