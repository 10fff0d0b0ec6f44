//! The length arithmetic of the layers that slide a window over time (`Conv1D`,
//! `MaxPooling1D`, `AveragePooling1D`) and of those that move steps ([`StepMap`]:
//! `ZeroPadding1D`, `Cropping1D`, `UpSampling1D`), as Keras computes it (docs/KERAS_LAYERS.md): written
//! once, used by the macro (output lengths in the summary, the minimum length of a model) and
//! by the runtime (the lengths of a free-length sequence, the padding on the left).

/// Keras's `padding` of a sliding window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    /// No padding: windows lie inside the sequence.
    Valid,
    /// `⌈T / strides⌉` outputs; the padding split as evenly as it goes, the odd one on the
    /// right.
    Same,
    /// `dilation · (kernel - 1)` zeros on the left (`Conv1D` only): an output never sees a later
    /// step.
    Causal,
}

impl Padding {
    /// Every mode with Keras's name.
    pub const ALL: &'static [(&'static str, Padding)] = &[
        ("valid", Padding::Valid),
        ("same", Padding::Same),
        ("causal", Padding::Causal),
    ];

    /// Keras's name: `valid`.
    pub fn name(self) -> &'static str {
        match self {
            Padding::Valid => "valid",
            Padding::Same => "same",
            Padding::Causal => "causal",
        }
    }

    /// The mode Keras calls `name` (Keras also takes upper case: `"SAME"`).
    pub fn from_name(name: &str) -> Option<Padding> {
        Padding::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, p)| *p)
    }

    /// The variant's name in Rust: `Valid`.
    pub fn variant(self) -> &'static str {
        match self {
            Padding::Valid => "Valid",
            Padding::Same => "Same",
            Padding::Causal => "Causal",
        }
    }
}

/// A window over time: `size` taps `dilation` steps apart, moved `strides` steps per output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Taps (`kernel_size`, `pool_size`).
    pub size: usize,
    /// Steps between outputs.
    pub strides: usize,
    /// Steps between taps (1 for pooling).
    pub dilation: usize,
    /// How the sequence is padded.
    pub padding: Padding,
}

impl Window {
    /// The steps one window spans: `dilation · (size - 1) + 1`.
    pub fn span(self) -> usize {
        self.dilation
            .saturating_mul(self.size.saturating_sub(1))
            .saturating_add(1)
    }

    /// The output length on `steps` input steps; `None` when no output step remains (a valid
    /// window longer than the input, or an empty input).
    pub fn out_len(self, steps: usize) -> Option<usize> {
        let s = self.strides.max(1);
        let n = match self.padding {
            Padding::Valid => match steps.checked_sub(self.span()) {
                Some(rest) => rest / s + 1,
                None => 0,
            },
            Padding::Same => steps.div_ceil(s),
            Padding::Causal => match steps {
                0 => 0,
                t => (t - 1) / s + 1,
            },
        };
        (n > 0).then_some(n)
    }

    /// The zeros before the first step: `same` pads `⌊total / 2⌋` of the total its outputs
    /// need, `causal` the span less one, `valid` none.
    pub fn pad_left(self, steps: usize) -> usize {
        match self.padding {
            Padding::Valid => 0,
            Padding::Causal => self.span() - 1,
            Padding::Same => {
                let out = steps.div_ceil(self.strides.max(1));
                let need = (out.saturating_sub(1) * self.strides)
                    .saturating_add(self.span())
                    .saturating_sub(steps);
                need / 2
            }
        }
    }

    /// The input position of tap `j` of output `t` on `steps` input steps, `None` in the
    /// padding.
    #[inline(always)]
    pub fn tap(self, steps: usize, pad_left: usize, t: usize, j: usize) -> Option<usize> {
        (t * self.strides + j * self.dilation)
            .checked_sub(pad_left)
            .filter(|&i| i < steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(size: usize, strides: usize, dilation: usize, padding: Padding) -> Window {
        Window {
            size,
            strides,
            dilation,
            padding,
        }
    }

    #[test]
    fn lengths_are_keras_s() {
        // docs/KERAS_LAYERS.md's summary shapes: Conv1D(4, 3) on 8 -> 6; Conv1D(4, 3,
        // strides = 2, same) on 7 -> 4; causal keeps the length; MaxPooling1D() on 7 -> 3;
        // MaxPooling1D(3, 2, same) on 7 -> 4.
        assert_eq!(w(3, 1, 1, Padding::Valid).out_len(8), Some(6));
        assert_eq!(w(3, 2, 1, Padding::Same).out_len(7), Some(4));
        assert_eq!(w(3, 1, 2, Padding::Causal).out_len(7), Some(7));
        assert_eq!(w(2, 2, 1, Padding::Valid).out_len(7), Some(3));
        assert_eq!(w(3, 2, 1, Padding::Same).out_len(7), Some(4));
        // The book's Jena model: 240 steps, Conv1D(32, 5) -> 236, MaxPooling1D(3) -> 78,
        // Conv1D(32, 5) -> 74.
        assert_eq!(w(5, 1, 1, Padding::Valid).out_len(240), Some(236));
        assert_eq!(w(3, 3, 1, Padding::Valid).out_len(236), Some(78));
        // Causal with strides: ⌊(T − 1)/s⌋ + 1.
        assert_eq!(w(3, 2, 1, Padding::Causal).out_len(7), Some(4));
        // Too short: a valid window of span 5 on 4 steps, dilation 2 and 3 taps on 4.
        assert_eq!(w(5, 1, 1, Padding::Valid).out_len(4), None);
        assert_eq!(w(3, 1, 2, Padding::Valid).out_len(4), None);
        assert_eq!(w(3, 1, 2, Padding::Valid).out_len(5), Some(1));
        assert_eq!(w(3, 1, 1, Padding::Same).out_len(0), None);
    }

    #[test]
    fn same_pads_the_odd_zero_on_the_right() {
        // Kernel 4 on 7 steps, stride 1: 3 zeros, 1 left and 2 right.
        assert_eq!(w(4, 1, 1, Padding::Same).pad_left(7), 1);
        // Kernel 3, stride 2 on 7: 4 outputs need (4-1)*2 + 3 = 9 steps: 2 zeros, 1 left.
        assert_eq!(w(3, 2, 1, Padding::Same).pad_left(7), 1);
        // Stride 2 on 8 with kernel 1: 4 outputs need 7 steps: no padding.
        assert_eq!(w(1, 2, 1, Padding::Same).pad_left(8), 0);
        assert_eq!(w(3, 1, 2, Padding::Causal).pad_left(9), 4);
    }

    #[test]
    fn taps_in_the_padding_are_none() {
        let win = w(3, 1, 1, Padding::Same);
        let pad = win.pad_left(5);
        assert_eq!(pad, 1);
        assert_eq!(win.tap(5, pad, 0, 0), None);
        assert_eq!(win.tap(5, pad, 0, 1), Some(0));
        assert_eq!(win.tap(5, pad, 4, 2), None);
    }
}

/// Where each output step of `ZeroPadding1D`, `Cropping1D` or `UpSampling1D` comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepMap {
    /// `left` zero steps, the input, `right` zero steps.
    Pad {
        /// Zero steps before.
        left: usize,
        /// Zero steps after.
        right: usize,
    },
    /// The input without its first `left` and its last `right` steps.
    Crop {
        /// Steps dropped at the start.
        left: usize,
        /// Steps dropped at the end.
        right: usize,
    },
    /// Each input step `size` times in a row.
    Repeat {
        /// Copies of each step.
        size: usize,
    },
}

impl StepMap {
    /// The output length on `n` input steps (saturating); `None` when cropping leaves none
    /// (Keras refuses it).
    pub fn out_len(self, n: usize) -> Option<usize> {
        match self {
            StepMap::Pad { left, right } => Some(n.saturating_add(left).saturating_add(right)),
            StepMap::Crop { left, right } => {
                n.checked_sub(left.saturating_add(right)).filter(|m| *m > 0)
            }
            StepMap::Repeat { size } => Some(n.saturating_mul(size)),
        }
    }

    /// The input step output step `j` copies (of `n`), `None` for a padding zero.
    #[inline(always)]
    pub fn source(self, n: usize, j: usize) -> Option<usize> {
        match self {
            StepMap::Pad { left, .. } => j.checked_sub(left).filter(|i| *i < n),
            StepMap::Crop { left, .. } => Some(j + left),
            StepMap::Repeat { size } => Some(j / size.max(1)),
        }
    }
}
