//! The wrappers: `Bidirectional` (two copies of a recurrent cell, one run backwards, merged)
//! and `TimeDistributed` (a per-step layer on every timestep). Each inner cell is built, loaded
//! and saved by its own `Cell` impl from the inner layer's description; loaded and saved, the
//! inner cells take their arrays in turn from the wrapper's (`rnn_spec::bake::cell_arrays`: a
//! `Bidirectional`'s forward copy first).

use super::PerStep;
#[cfg(feature = "alloc")]
use super::{Arrays, Cell};
#[cfg(feature = "alloc")]
use crate::Result;
#[cfg(feature = "alloc")]
use crate::heap::*;
#[cfg(feature = "alloc")]
use crate::info::{LayerInfo, LayerKind};
#[cfg(feature = "alloc")]
use crate::init::Rng;
use crate::kernels::MulAdd;
use rnn_spec::Merge;

#[cfg(feature = "alloc")]
/// The description of a wrapper's inner layer (the wrapper's name; the inner class and options).
fn inner_info(info: &LayerInfo) -> LayerInfo {
    let kind = info.kind.inner().copied().unwrap_or(info.kind);
    LayerInfo {
        name: info.name,
        class: kind.class().name,
        output_shape: "",
        params: kind.params() as usize,
        kind,
    }
}

/// `Bidirectional(C)`: `forward` reads the sequence from the first step, `backward` (a second
/// cell of the same options with its own weights) from the last. `U` is the cell's width, `U2`
/// both side by side, `W` the merged width (`U2` for concat, else `U`).
#[derive(Clone, Debug)]
pub struct Bidirectional<C, const U: usize, const U2: usize, const W: usize> {
    forward: C,
    backward: C,
    merge: Merge,
}

#[cfg(feature = "alloc")]
fn merge_of(info: &LayerInfo) -> Merge {
    match info.kind {
        LayerKind::Bidirectional { merge, .. } => merge,
        _ => Merge::Concat,
    }
}

impl<C, const U: usize, const U2: usize, const W: usize> Bidirectional<C, U, U2, W> {
    /// The wrapper of two baked copies (baked models are built in a `static`).
    pub const fn baked(forward: C, backward: C, merge: Merge) -> Self {
        Bidirectional {
            forward,
            backward,
            merge,
        }
    }

    const SIZES: () = assert!(U2 == 2 * U && (W == U || W == U2));

    /// The copy that runs forwards.
    #[inline(always)]
    pub fn forward(&self) -> &C {
        &self.forward
    }

    /// The copy that runs backwards.
    #[inline(always)]
    pub fn backward(&self) -> &C {
        &self.backward
    }

    /// Writes one direction's outputs of G rows (`half` 0: forward, 1: backward) into their
    /// half of the side-by-side rows; a masked row's are zeros (Keras sets
    /// `zero_output_for_mask` on both copies of a sequence-returning Bidirectional).
    #[inline(always)]
    pub fn put<const G: usize>(
        &self,
        half: usize,
        out: &mut [[f32; U2]; G],
        y: [&[f32; U]; G],
        mask: [bool; G],
    ) {
        let () = Self::SIZES;
        for ((o, y), keep) in out.iter_mut().zip(y).zip(mask) {
            let dst = &mut o[half * U..(half + 1) * U];
            if keep {
                dst.copy_from_slice(y);
            } else {
                dst.fill(0.0);
            }
        }
    }

    /// The merged rows of G side-by-side rows: concat, sum, mul or ave of the two halves.
    #[inline(always)]
    pub fn merge<const G: usize>(&self, both: &[[f32; U2]; G]) -> [[f32; W]; G] {
        let () = Self::SIZES;
        let mut out = [[0.0f32; W]; G];
        for (o, b) in out.iter_mut().zip(both) {
            let (f, r) = b.split_at(U);
            match self.merge {
                Merge::Concat => o.copy_from_slice(&b[..W]),
                Merge::Sum => o
                    .iter_mut()
                    .zip(f.iter().zip(r))
                    .for_each(|(o, (f, r))| *o = f + r),
                Merge::Mul => o
                    .iter_mut()
                    .zip(f.iter().zip(r))
                    .for_each(|(o, (f, r))| *o = f * r),
                Merge::Ave => o
                    .iter_mut()
                    .zip(f.iter().zip(r))
                    .for_each(|(o, (f, r))| *o = (f + r) * 0.5),
            }
        }
        out
    }

    /// The merged sequence (every step of G rows).
    #[cfg(feature = "alloc")]
    pub fn merge_seq<const G: usize>(
        &self,
        both: &[[[f32; U2]; G]],
    ) -> crate::heap::Vec<[[f32; W]; G]> {
        both.iter().map(|b| self.merge(b)).collect()
    }

    /// The merged last outputs of the two copies.
    #[inline(always)]
    pub fn merge_last<const G: usize>(
        &self,
        f: [&[f32; U]; G],
        b: [&[f32; U]; G],
    ) -> [[f32; W]; G] {
        let mut both = [[0.0f32; U2]; G];
        self.put(0, &mut both, f, [true; G]);
        self.put(1, &mut both, b, [true; G]);
        self.merge(&both)
    }
}

#[cfg(feature = "alloc")]
impl<C: Cell, const U: usize, const U2: usize, const W: usize> Cell for Bidirectional<C, U, U2, W> {
    fn zeros(info: &LayerInfo) -> Self {
        let inner = inner_info(info);
        Bidirectional {
            forward: C::zeros(&inner),
            backward: C::zeros(&inner),
            merge: merge_of(info),
        }
    }

    /// Each copy initialised as Keras initialises the inner layer, the forward one first.
    fn random(info: &LayerInfo, rng: &mut Rng) -> Self {
        let inner = inner_info(info);
        let forward = C::random(&inner, rng);
        let backward = C::random(&inner, rng);
        Bidirectional {
            forward,
            backward,
            merge: merge_of(info),
        }
    }

    /// The forward copy's arrays, then the backward copy's.
    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        let inner = inner_info(info);
        let forward = C::from_arrays(&inner, a)?;
        let backward = C::from_arrays(&inner, a)?;
        Ok(Bidirectional {
            forward,
            backward,
            merge: merge_of(info),
        })
    }

    fn to_arrays(&self, out: &mut Vec<Vec<f32>>) {
        self.forward.to_arrays(out);
        self.backward.to_arrays(out);
    }
}

/// `TimeDistributed(L)`: `L` on every timestep (what a per-step layer does on a sequence anyway).
#[derive(Clone, Debug)]
pub struct TimeDistributed<L> {
    inner: L,
}

impl<L> TimeDistributed<L> {
    /// The wrapper of a baked layer (baked models are built in a `static`).
    pub const fn baked(inner: L) -> Self {
        TimeDistributed { inner }
    }
}

#[cfg(feature = "alloc")]
impl<L: Cell> Cell for TimeDistributed<L> {
    fn zeros(info: &LayerInfo) -> Self {
        TimeDistributed {
            inner: L::zeros(&inner_info(info)),
        }
    }

    fn random(info: &LayerInfo, rng: &mut Rng) -> Self {
        TimeDistributed {
            inner: L::random(&inner_info(info), rng),
        }
    }

    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        Ok(TimeDistributed {
            inner: L::from_arrays(&inner_info(info), a)?,
        })
    }

    fn to_arrays(&self, out: &mut Vec<Vec<f32>>) {
        self.inner.to_arrays(out);
    }
}

impl<L: PerStep<IN, OUT>, const IN: usize, const OUT: usize> PerStep<IN, OUT>
    for TimeDistributed<L>
{
    #[inline(always)]
    fn apply_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        x: &[&[f32; IN]; G],
        y: &mut [[f32; OUT]; G],
    ) {
        self.inner.apply_group(m, x, y);
    }
}
