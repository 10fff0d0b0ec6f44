//! The layers over whole sequences: `Conv1D` and the 1-D pooling layers slide a
//! [`Window`] over time (`Conv1d`, `Pool1d`), the global poolings and `Flatten` reduce a
//! sequence to one vector (`GlobalPool`, `Flatten`). Each reads the input's steps through a
//! function of the position (the model's input, a buffer or a repeated vector alike) and
//! writes caller-owned arrays: no allocation.

#[cfg(feature = "alloc")]
use super::{Arrays, Cell, Weightless, flat, zero_vector};
use super::{Data, Weights};
use crate::Activation;
#[cfg(feature = "alloc")]
use crate::Result;
use crate::activation::Apply;
#[cfg(feature = "alloc")]
use crate::heap::Vec;
#[cfg(feature = "alloc")]
use crate::info::{LayerInfo, LayerKind};
#[cfg(feature = "alloc")]
use crate::init::Rng;
use crate::kernels::{MulAdd, matvec_acc_group};
#[cfg(feature = "alloc")]
use rnn_spec::Padding;
use rnn_spec::Window;

/// `Conv1D(OUT, K)` on IN channels, its kernel held as `K` blocks of `(IN, OUT)`: `KIN` is
/// `K · IN` rows (a grouped kernel laid out full, the other groups' weights zeros:
/// `rnn_spec::bake::cell_arrays`). Output step `t` is `act(bias + Σ_j x[tap(t, j)] · K_j)`
/// over the taps inside the sequence (the padding's zeros add nothing).
#[derive(Clone)]
pub struct Conv1d<const IN: usize, const KIN: usize, const OUT: usize> {
    kernel: Weights<KIN, OUT>,
    bias: Data<[f32; OUT]>,
    window: Window,
    activation: Activation,
}

impl<const IN: usize, const KIN: usize, const OUT: usize> Conv1d<IN, KIN, OUT> {
    /// A baked Conv1D: its full kernel and bias (zeros without `use_bias`) in static data.
    pub const fn baked(
        kernel: &'static [[f32; OUT]; KIN],
        bias: &'static [f32; OUT],
        window: Window,
        activation: Activation,
    ) -> Self {
        Conv1d {
            kernel: Weights::from_static(kernel),
            bias: Data::from_static(bias),
            window,
            activation,
        }
    }

    /// The output length on `n` input steps (0: none, refused by the length check before).
    #[inline(always)]
    pub fn steps(&self, n: usize) -> usize {
        self.window.out_len(n).unwrap_or(0)
    }

    /// The kernel, `(K · IN, OUT)`: what a folded Embedding multiplies by.
    #[cfg(feature = "alloc")]
    pub(crate) fn kernel(&self) -> &[[f32; OUT]; KIN] {
        &self.kernel
    }

    /// [`Conv1d::apply`] on token ids, the Embedding before it folded into `table`
    /// (`FoldedEmbedding::of_conv`: each tap's product a row lookup): output step `t` of row
    /// `g` is `act(bias + Σ_j table[ids(i)[g]][j])` over the taps `i` inside the sequence, in
    /// tap order. Input-major: each token's row (every tap's projection, side by side) is read
    /// once, in order, and added to the outputs its taps reach.
    #[inline(always)]
    pub fn apply_folded<const V: usize, const KOUT: usize, const G: usize>(
        &self,
        table: &super::FoldedEmbedding<V, KOUT>,
        n: usize,
        ids: impl Fn(usize) -> [u32; G],
        out: &mut [[[f32; OUT]; G]],
        m: impl MulAdd,
    ) {
        let pad = self.window.pad_left(n);
        let (s, d) = (self.window.strides.max(1), self.window.dilation.max(1));
        out.iter_mut().for_each(|y| *y = [*self.bias; G]);
        for i in 0..n {
            let rows = ids(i).map(|id| table.row(id));
            // Tap j of output t reads i = t·s + j·d − pad; in order of i, each output's taps
            // come in increasing j, the order `apply` adds them.
            for j in 0..KIN / IN.max(1) {
                let Some(at) = (i + pad).checked_sub(j * d).filter(|at| at % s == 0) else {
                    continue;
                };
                let Some(y) = out.get_mut(at / s) else {
                    continue;
                };
                for (yg, row) in y.iter_mut().zip(&rows) {
                    let part = &row[j * OUT..(j + 1) * OUT];
                    yg.iter_mut().zip(part).for_each(|(a, b)| *a += *b);
                }
            }
        }
        out.iter_mut()
            .flatten()
            .for_each(|yg| self.activation.apply_with(m, yg));
    }

    /// The output steps of `n` input steps (`x(i)`: step `i` of G rows) into `out`, whose
    /// length is [`Conv1d::steps`]. The output rows `(t, g)` (step `t` of row `g`) go
    /// [`CONV_ROWS`] at a time, each block one product of `K · IN` inputs
    /// ([`MulAdd::matvec_strided`]: its sums in registers from the bias to the last tap) over
    /// the rows' windows (their `K` taps' inputs side by side, zeros in the padding, as Keras
    /// pads):
    /// - stride 1 and dilation 1: for each row `g`, [`CONV_ROWS`] consecutive steps whose
    ///   windows overlap in one strip of `CONV_ROWS + K − 1` input steps, copied once
    ///   ([`Conv1d::strips`]), while whole blocks of steps remain;
    /// - the rest (and every step at other strides and dilations) each window gathered into
    ///   a panel ([`Conv1d::panels`]);
    /// - a layer whose panel would pass [`PANEL_FLOATS`] runs a tap at a time instead,
    ///   accumulating in `out` ([`Conv1d::rows`]).
    ///
    /// Each output is the bias plus the taps' products in tap order.
    #[inline(always)]
    pub fn apply<'x, M: MulAdd, const G: usize>(
        &self,
        m: M,
        n: usize,
        x: impl Fn(usize) -> [&'x [f32; IN]; G],
        out: &mut [[[f32; OUT]; G]],
    ) {
        if CONV_ROWS * (KIN + OUT) <= PANEL_FLOATS {
            let (s, d) = (self.window.strides.max(1), self.window.dilation.max(1));
            let whole = if s == 1 && d == 1 {
                out.len() / CONV_ROWS * CONV_ROWS
            } else {
                0
            };
            let (head, tail) = out.split_at_mut(whole);
            self.strips::<M, G>(m, n, &x, head);
            return self.panels::<M, G>(m, n, &x, tail, whole);
        }
        let pad = self.window.pad_left(n);
        let rows = out.as_flattened_mut();
        let mut start = 0;
        while start < rows.len() {
            let left = rows.len() - start;
            start += if left >= CONV_ROWS {
                self.rows::<M, G, CONV_ROWS>(m, n, pad, &x, start, rows)
            } else if left >= 6 {
                self.rows::<M, G, 6>(m, n, pad, &x, start, rows)
            } else {
                self.rows::<M, G, 1>(m, n, pad, &x, start, rows)
            };
        }
    }

    /// [`Conv1d::apply`]'s first output steps at stride 1 and dilation 1, `out` a whole number
    /// of blocks of [`CONV_ROWS`] steps: in each block, row by row, the steps' windows as one
    /// strip of their input steps (window `r` starts at the strip's step `r`: the product's
    /// rows are `IN` floats apart), its outputs written `G · OUT` floats apart, into the
    /// step-major `out`.
    #[inline(always)]
    fn strips<'x, M: MulAdd, const G: usize>(
        &self,
        m: M,
        n: usize,
        x: &impl Fn(usize) -> [&'x [f32; IN]; G],
        out: &mut [[[f32; OUT]; G]],
    ) {
        let pad = self.window.pad_left(n);
        let steps = out.len();
        // `CONV_ROWS + K - 1` input steps: fewer floats than CONV_ROWS · K · IN.
        let mut strip = [[0.0f32; KIN]; CONV_ROWS];
        let strip = strip.as_flattened_mut();
        let span = CONV_ROWS + KIN / IN.max(1) - 1;
        for t0_block in (0..steps / CONV_ROWS).map(|b| b * CONV_ROWS) {
            for g in 0..G {
                for (k, part) in strip.chunks_exact_mut(IN.max(1)).take(span).enumerate() {
                    match (t0_block + k).checked_sub(pad).filter(|&i| i < n) {
                        Some(i) => part.copy_from_slice(x(i)[g]),
                        None => part.fill(0.0),
                    }
                }
                let y = &mut out.as_flattened_mut().as_flattened_mut()[(t0_block * G + g) * OUT..];
                m.matvec_strided::<CONV_ROWS, KIN, OUT, IN>(
                    strip,
                    &self.kernel,
                    &self.bias,
                    y,
                    G * OUT,
                );
            }
            let block = &mut out[t0_block..t0_block + CONV_ROWS];
            self.activation
                .apply_rows::<M, OUT>(m, block.as_flattened_mut());
        }
    }

    /// [`Conv1d::apply`]'s output steps from `first` on (`out`) through gathered panels of
    /// [`CONV_ROWS`] windows (the last block's products into a buffer, its rows then copied
    /// out).
    #[inline(always)]
    fn panels<'x, M: MulAdd, const G: usize>(
        &self,
        m: M,
        n: usize,
        x: &impl Fn(usize) -> [&'x [f32; IN]; G],
        out: &mut [[[f32; OUT]; G]],
        first: usize,
    ) {
        let pad = self.window.pad_left(n);
        let rows = out.as_flattened_mut();
        let mut panel = [[0.0f32; KIN]; CONV_ROWS];
        let mut last = [[0.0f32; OUT]; CONV_ROWS];
        let mut start = 0;
        while start < rows.len() {
            let count = CONV_ROWS.min(rows.len() - start);
            // Step by step (row `t · G + g` is the block's row `t · G + g - start`), each
            // tap's input asked for once for the step's G rows.
            let end = start + count;
            for t in start / G..end.div_ceil(G) {
                let (lo, hi) = ((t * G).max(start), (t * G + G).min(end));
                let windows = &mut panel[lo - start..hi - start];
                for j in 0..KIN / IN.max(1) {
                    let span = j * IN..(j + 1) * IN;
                    match self.window.tap(n, pad, first + t, j) {
                        Some(i) => {
                            let xs = x(i);
                            for (w, xg) in windows.iter_mut().zip(&xs[lo - t * G..]) {
                                w[span.clone()].copy_from_slice(*xg);
                            }
                        }
                        None => windows.iter_mut().for_each(|w| w[span.clone()].fill(0.0)),
                    }
                }
            }
            let block = &mut rows[start..end];
            let (x, w, b) = (panel.as_flattened(), &self.kernel, &self.bias);
            if count == CONV_ROWS {
                let y = block.as_flattened_mut();
                m.matvec_strided::<CONV_ROWS, KIN, OUT, KIN>(x, w, b, y, OUT);
            } else {
                let y = last.as_flattened_mut();
                m.matvec_strided::<CONV_ROWS, KIN, OUT, KIN>(x, w, b, y, OUT);
                block.copy_from_slice(&last[..count]);
            }
            // Over the block's values at once (row by row, LLVM vectorised ReLU across the
            // rows, with gathers and scatters).
            self.activation.apply_rows::<M, OUT>(m, block);
            start = end;
        }
    }

    /// Output rows `start..start + R` (row `t · G + g`: step `t` of row `g`); returns R.
    #[inline(always)]
    fn rows<'x, M: MulAdd, const G: usize, const R: usize>(
        &self,
        m: M,
        n: usize,
        pad: usize,
        x: &impl Fn(usize) -> [&'x [f32; IN]; G],
        start: usize,
        rows: &mut [[f32; OUT]],
    ) -> usize {
        let Ok(y) = <&mut [[f32; OUT]; R]>::try_from(&mut rows[start..start + R]) else {
            return R;
        };
        let Ok(zeros) = <&[f32; IN]>::try_from(&ZEROS[..IN]) else {
            return R;
        };
        *y = [*self.bias; R];
        for (j, block) in self.kernel.chunks_exact(IN).enumerate() {
            let Ok(k) = <&[[f32; OUT]; IN]>::try_from(block) else {
                continue;
            };
            let xs: [&[f32; IN]; R] = core::array::from_fn(|r| {
                let (t, g) = ((start + r) / G, (start + r) % G);
                match self.window.tap(n, pad, t, j) {
                    Some(i) => x(i)[g],
                    None => zeros,
                }
            });
            matvec_acc_group::<M, R, IN, OUT>(m, &xs, k, y);
        }
        y.iter_mut()
            .for_each(|yg| self.activation.apply_with::<M>(m, yg));
        R
    }
}

/// Rows of a convolution's output computed together: a multiple of every path's panel blocks
/// (the template's `matvec_panel`: 24, 12, 8 or 6 rows on AVX-512; 12, 6, 4 or 3 on AVX2).
pub const CONV_ROWS: usize = 24;

/// The most floats a convolution's panel and last block hold together (64 KiB of stack):
/// `CONV_ROWS · (K · IN + OUT)`. Wider layers run a tap at a time.
pub const PANEL_FLOATS: usize = 16 * 1024;

/// The padding's input rows: zeros, as wide as the widest input (`rnn_spec::rules::MAX_WIDTH`).
static ZEROS: [f32; 1 << 14] = [0.0; 1 << 14];

/// A causal, stride-1 `Conv1D`'s state for G rows: its last `HIST` inputs (`dilation ·
/// (kernel − 1)`, the steps its taps reach back), in a ring, and how many it has seen (the
/// taps before the first step are causal padding: skipped, exactly as a whole sequence skips
/// them). What lets a convolution stream: a step needs no buffer and no heap.
#[derive(Clone, Debug)]
pub struct CausalState<const IN: usize, const HIST: usize, const G: usize> {
    ring: [[[f32; IN]; G]; HIST],
    /// Where the next input goes.
    next: usize,
    /// Inputs seen, at most `HIST`.
    seen: usize,
}

impl<const IN: usize, const HIST: usize, const G: usize> CausalState<IN, HIST, G> {
    /// Nothing seen: Keras's causal padding.
    pub fn new() -> Self {
        CausalState {
            ring: [[[0.0; IN]; G]; HIST],
            next: 0,
            seen: 0,
        }
    }

    /// The input `back` steps before the current one (1..=HIST), if it was seen.
    #[inline(always)]
    fn before(&self, back: usize) -> Option<&[[f32; IN]; G]> {
        (back <= self.seen && back > 0).then(|| &self.ring[(self.next + HIST - back) % HIST])
    }

    /// Keeps `x` as the latest input.
    #[inline(always)]
    fn push(&mut self, x: &[&[f32; IN]; G]) {
        if HIST == 0 {
            return;
        }
        for (slot, xg) in self.ring[self.next].iter_mut().zip(x) {
            *slot = **xg;
        }
        self.next = (self.next + 1) % HIST;
        self.seen = (self.seen + 1).min(HIST);
    }
}

impl<const IN: usize, const HIST: usize, const G: usize> Default for CausalState<IN, HIST, G> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const IN: usize, const HIST: usize, const G: usize> super::Reset for CausalState<IN, HIST, G> {
    fn reset(&mut self) {
        *self = Self::new();
    }
}

impl<const IN: usize, const KIN: usize, const OUT: usize> Conv1d<IN, KIN, OUT> {
    /// One step of a causal, stride-1 convolution for G rows: `y = act(bias + Σ_j K_j ·
    /// x[t − (K − 1 − j) · dilation])`, the earlier inputs from `st` (taps before the first
    /// step skipped, as [`Conv1d::apply`] skips the padding: the same products in the same
    /// order, so a streamed step gives the whole sequence's numbers bit for bit); then `x` is
    /// kept in `st`.
    #[inline(always)]
    pub fn step_group<M: MulAdd, const HIST: usize, const G: usize>(
        &self,
        m: M,
        x: &[&[f32; IN]; G],
        st: &mut CausalState<IN, HIST, G>,
        y: &mut [[f32; OUT]; G],
    ) {
        *y = [*self.bias; G];
        let taps = KIN / IN.max(1);
        for (j, block) in self.kernel.chunks_exact(IN).enumerate() {
            let Ok(k) = <&[[f32; OUT]; IN]>::try_from(block) else {
                continue;
            };
            let back = (taps - 1 - j) * self.window.dilation;
            if back == 0 {
                matvec_acc_group::<M, G, IN, OUT>(m, x, k, y);
            } else if let Some(earlier) = st.before(back) {
                let rows: [&[f32; IN]; G] = core::array::from_fn(|g| &earlier[g]);
                matvec_acc_group::<M, G, IN, OUT>(m, &rows, k, y);
            }
        }
        y.iter_mut()
            .for_each(|yg| self.activation.apply_with::<M>(m, yg));
        st.push(x);
    }
}

#[cfg(feature = "alloc")]
fn conv_options(info: &LayerInfo) -> (Window, Activation) {
    let window = info.kind.window().unwrap_or(Window {
        size: 1,
        strides: 1,
        dilation: 1,
        padding: Padding::Valid,
    });
    let activation = match info.kind {
        LayerKind::Conv1d { activation, .. } => activation,
        _ => Activation::Linear,
    };
    (window, activation)
}

#[cfg(feature = "alloc")]
impl<const IN: usize, const KIN: usize, const OUT: usize> Cell for Conv1d<IN, KIN, OUT> {
    fn zeros(info: &LayerInfo) -> Self {
        let (window, activation) = conv_options(info);
        Conv1d {
            kernel: Weights::zeros(),
            bias: zero_vector(),
            window,
            activation,
        }
    }

    /// Keras's defaults: `glorot_uniform` over the kernel's `(K, IN / groups, OUT)` (fan in
    /// `K · IN / groups`, fan out `K · OUT`), zero bias; a grouped kernel then laid out full.
    fn random(info: &LayerInfo, rng: &mut Rng) -> Self {
        let shape = info
            .tensors()
            .into_iter()
            .next()
            .map(|(_, s)| s)
            .unwrap_or_default();
        let (taps, per_group) = (shape.first().copied().unwrap_or(1), shape.get(1).copied());
        let (fan_in, fan_out) = (taps * per_group.unwrap_or(IN), taps * OUT);
        let kernel = crate::init::glorot_uniform(rng, fan_in, fan_out);
        let mut arrays = Arrays::from_tensors(info, alloc::vec![kernel, alloc::vec![0.0; OUT]]);
        Self::from_arrays(info, &mut arrays).unwrap_or_else(|_| Self::zeros(info))
    }

    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        let (window, activation) = conv_options(info);
        Ok(Conv1d {
            kernel: a.weights(info, "kernel")?,
            bias: a.vector(info, "bias")?,
            window,
            activation,
        })
    }

    fn to_arrays(&self, out: &mut Vec<Vec<f32>>) {
        out.extend([flat(&self.kernel), self.bias.to_vec()]);
    }
}

impl<const IN: usize, const KIN: usize, const OUT: usize> core::fmt::Debug
    for Conv1d<IN, KIN, OUT>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "Conv1d<{IN}, {KIN}, {OUT}>({:?}, {:?})",
            self.window, self.activation
        )
    }
}

/// `MaxPooling1D` or `AveragePooling1D` on W channels: the largest, or the mean, of each
/// window's steps inside the sequence (the padding is never counted, as Keras).
#[derive(Clone, Copy, Debug)]
pub struct Pool1d<const W: usize> {
    window: Window,
    max: bool,
}

impl<const W: usize> Pool1d<W> {
    /// A pooling layer: `max`, else the average.
    pub const fn baked(window: Window, max: bool) -> Self {
        Pool1d { window, max }
    }

    /// The output length on `n` input steps (0: none, refused by the length check before).
    #[inline(always)]
    pub fn steps(&self, n: usize) -> usize {
        self.window.out_len(n).unwrap_or(0)
    }

    /// The output steps of `n` input steps into `out` (its length: [`Pool1d::steps`]).
    #[inline(always)]
    pub fn apply<'x, const G: usize>(
        &self,
        n: usize,
        x: impl Fn(usize) -> [&'x [f32; W]; G],
        out: &mut [[[f32; W]; G]],
    ) {
        let pad = self.window.pad_left(n);
        let start = if self.max { f32::NEG_INFINITY } else { 0.0 };
        for (t, y) in out.iter_mut().enumerate() {
            // Row by row (over all G rows at once, LLVM kept the G · W values in scalar
            // registers and on the stack).
            for (g, yg) in y.iter_mut().enumerate() {
                let (mut a, mut count) = ([start; W], 0u32);
                for j in 0..self.window.size {
                    let Some(i) = self.window.tap(n, pad, t, j) else {
                        continue;
                    };
                    count += 1;
                    let xg = x(i)[g];
                    if self.max {
                        a.iter_mut().zip(xg).for_each(|(a, b)| *a = a.max(*b));
                    } else {
                        a.iter_mut().zip(xg).for_each(|(a, b)| *a += *b);
                    }
                }
                if !self.max {
                    let c = count.max(1) as f32;
                    a.iter_mut().for_each(|a| *a /= c);
                }
                *yg = a;
            }
        }
    }
}

/// `GlobalMaxPooling1D` or `GlobalAveragePooling1D` on W channels: the largest value of each
/// channel over every step (masked ones too, as Keras), or the mean over the unmasked steps
/// (NaN for a row with none, as Keras: 0 / 0).
#[derive(Clone, Copy, Debug)]
pub struct GlobalPool<const W: usize> {
    max: bool,
}

impl<const W: usize> GlobalPool<W> {
    /// A global pooling layer: `max`, else the average.
    pub const fn baked(max: bool) -> Self {
        GlobalPool { max }
    }

    /// The pooled vector of `n` steps per row; `keep(i)`: the rows whose step `i` counts in
    /// the average.
    #[inline(always)]
    pub fn apply<'x, const G: usize>(
        &self,
        n: usize,
        x: impl Fn(usize) -> [&'x [f32; W]; G],
        keep: impl Fn(usize) -> [bool; G],
        y: &mut [[f32; W]; G],
    ) {
        // Row by row, each row's W values running over the steps (over all G rows at once,
        // LLVM kept the G · W sums in scalar registers and on the stack).
        for (g, yg) in y.iter_mut().enumerate() {
            if self.max {
                let mut a = [f32::NEG_INFINITY; W];
                for i in 0..n {
                    a.iter_mut().zip(x(i)[g]).for_each(|(a, b)| *a = a.max(*b));
                }
                *yg = a;
            } else {
                let (mut a, mut count) = ([0.0f32; W], 0u32);
                for i in 0..n {
                    if keep(i)[g] {
                        count += 1;
                        a.iter_mut().zip(x(i)[g]).for_each(|(a, b)| *a += *b);
                    }
                }
                let c = count as f32;
                *yg = a.map(|a| a / c);
            }
        }
    }
}

/// `Flatten()` of a sequence of W features into TW = steps · W values, step after step.
#[derive(Clone, Copy, Debug)]
pub struct Flatten<const W: usize, const TW: usize>;

impl<const W: usize, const TW: usize> Flatten<W, TW> {
    /// The flattened vector of the `TW / W` steps per row (`n` is that length: a fixed-length
    /// model's, checked before).
    #[inline(always)]
    pub fn apply<'x, const G: usize>(
        &self,
        n: usize,
        x: impl Fn(usize) -> [&'x [f32; W]; G],
        y: &mut [[f32; TW]; G],
    ) {
        for i in 0..n.min(TW / W.max(1)) {
            for (yg, xg) in y.iter_mut().zip(x(i)) {
                yg[i * W..(i + 1) * W].copy_from_slice(xg);
            }
        }
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize> Weightless for Pool1d<W> {
    fn from_info(info: &LayerInfo) -> Self {
        Pool1d {
            window: info.kind.window().unwrap_or(Window {
                size: 1,
                strides: 1,
                dilation: 1,
                padding: Padding::Valid,
            }),
            max: matches!(info.kind, LayerKind::MaxPooling1d { .. }),
        }
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize> Weightless for GlobalPool<W> {
    fn from_info(info: &LayerInfo) -> Self {
        GlobalPool {
            max: matches!(info.kind, LayerKind::GlobalMaxPooling1d { .. }),
        }
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize, const TW: usize> Weightless for Flatten<W, TW> {
    fn from_info(_info: &LayerInfo) -> Self {
        Flatten
    }
}
