//! Keras activations: names, the fast version used by the layers, and an f64 reference.

use crate::kernels::{MulAdd, tanh_fast};

pub use rnn_spec::Activation;

const SELU_ALPHA: f64 = 1.673_263_242_354_377_3;
const SELU_SCALE: f64 = 1.050_700_987_355_480_5;
const LEAKY_SLOPE: f32 = 0.2;

/// The arithmetic of an activation: the fast version the layers use and an f64 reference.
pub trait Apply: Copy {
    /// Applies the activation in place to the units of one step (portable kernels).
    fn apply(self, z: &mut [f32]);
    /// [`Apply::apply`] with a kernel set's tanh (see [`MulAdd::tanh_in_place`]).
    fn apply_with<M: MulAdd>(self, m: M, z: &mut [f32]);
    /// [`Apply::apply_with`] for an LSTM or GRU gate (`recurrent_activation`): sigmoid is the
    /// gate sigmoid ([`MulAdd::gate_sigmoid_in_place`]), every other activation as in
    /// `apply_with`.
    fn apply_gate_with<M: MulAdd>(self, m: M, z: &mut [f32]);
    /// [`Apply::apply_with`] on several rows.
    fn apply_rows<M: MulAdd, const U: usize>(self, m: M, z: &mut [[f32; U]]);
    /// The textbook formula in f64, rounded once.
    #[cfg(feature = "std")]
    fn reference(self, z: &mut [f32]);
}

impl Apply for Activation {
    /// Applies the activation in place to the units of one step. Tanh uses the rational
    /// approximation [`tanh_fast`], sigmoid [`crate::kernels::sigmoid_fast`]; everything else is
    /// computed in f32 with libm.
    #[inline(always)]
    fn apply(self, z: &mut [f32]) {
        self.apply_with(crate::kernels::Portable, z)
    }

    /// [`Activation::apply`] with the tanh and sigmoid of a kernel set (see
    /// [`MulAdd::tanh_in_place`], [`MulAdd::sigmoid_in_place`]).
    #[inline(always)]
    fn apply_with<M: MulAdd>(self, m: M, z: &mut [f32]) {
        match self {
            Activation::Linear => {}
            Activation::Tanh => m.tanh_in_place(z),
            Activation::Sigmoid => m.sigmoid_in_place(z),
            Activation::Relu => z.iter_mut().for_each(|v| *v = v.max(0.0)),
            Activation::Softmax => softmax(z),
            Activation::LogSoftmax => log_softmax(z),
            other => z.iter_mut().for_each(|v| *v = scalar(other, *v)),
        }
    }

    #[inline(always)]
    fn apply_gate_with<M: MulAdd>(self, m: M, z: &mut [f32]) {
        match self {
            Activation::Sigmoid => m.gate_sigmoid_in_place(z),
            _ => self.apply_with::<M>(m, z),
        }
    }

    /// [`Activation::apply_with`] on several rows: one pass over all of them for an elementwise
    /// activation (constants set up once), row by row for softmax and log_softmax.
    #[inline(always)]
    fn apply_rows<M: MulAdd, const U: usize>(self, m: M, z: &mut [[f32; U]]) {
        match self {
            Activation::Softmax | Activation::LogSoftmax => {
                z.iter_mut().for_each(|r| self.apply_with::<M>(m, r))
            }
            _ => self.apply_with::<M>(m, z.as_flattened_mut()),
        }
    }

    /// The reference: the textbook formula in f64, rounded once. Tests hold [`Activation::apply`]
    /// to it.
    #[cfg(feature = "std")]
    fn reference(self, z: &mut [f32]) {
        let exp = |x: f64| x.exp();
        let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
        let sp = |x: f64| if x > 30.0 { x } else { x.exp().ln_1p() };
        match self {
            Activation::Softmax | Activation::LogSoftmax => {
                let m = z.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
                let s: f64 = z.iter().map(|&v| exp(v as f64 - m)).sum();
                for v in z.iter_mut() {
                    let x = *v as f64 - m;
                    *v = if self == Activation::Softmax {
                        (exp(x) / s) as f32
                    } else {
                        (x - s.ln()) as f32
                    };
                }
            }
            _ => {
                for v in z.iter_mut() {
                    let x = *v as f64;
                    let y = match self {
                        Activation::Linear => x,
                        Activation::Relu => x.max(0.0),
                        Activation::Sigmoid => sig(x),
                        Activation::Tanh => x.tanh(),
                        Activation::Elu => {
                            if x > 0.0 {
                                x
                            } else {
                                x.exp_m1()
                            }
                        }
                        Activation::Selu => {
                            SELU_SCALE * if x > 0.0 { x } else { SELU_ALPHA * x.exp_m1() }
                        }
                        Activation::Softplus => sp(x),
                        Activation::Softsign => x / (1.0 + x.abs()),
                        Activation::Swish => x * sig(x),
                        Activation::Gelu => {
                            0.5 * x * (1.0 + libm::erf(x / std::f64::consts::SQRT_2))
                        }
                        Activation::Exponential => exp(x),
                        Activation::HardSigmoid => (x / 6.0 + 0.5).clamp(0.0, 1.0),
                        Activation::HardSigmoidKeras2 => (0.2 * x + 0.5).clamp(0.0, 1.0),
                        Activation::Relu6 => x.clamp(0.0, 6.0),
                        Activation::LeakyRelu => {
                            if x >= 0.0 {
                                x
                            } else {
                                0.2 * x
                            }
                        }
                        Activation::Mish => x * sp(x).tanh(),
                        Activation::Softmax | Activation::LogSoftmax => x,
                    };
                    *v = y as f32;
                }
            }
        }
    }
}

/// One element of an elementwise activation, in f32 (softmax and log_softmax are not
/// elementwise and are handled by [`Activation::apply`]).
#[inline]
fn scalar(a: Activation, x: f32) -> f32 {
    match a {
        Activation::Linear | Activation::Softmax | Activation::LogSoftmax => x,
        Activation::Relu => x.max(0.0),
        Activation::Sigmoid => sigmoid(x),
        Activation::Tanh => tanh_fast(x),
        Activation::Elu => {
            if x > 0.0 {
                x
            } else {
                libm::expm1f(x)
            }
        }
        Activation::Selu => {
            let x = x as f64;
            let y = if x > 0.0 {
                x
            } else {
                SELU_ALPHA * libm::expm1(x)
            };
            (SELU_SCALE * y) as f32
        }
        Activation::Softplus => softplus(x),
        Activation::Softsign => x / (1.0 + x.abs()),
        Activation::Swish => x * sigmoid(x),
        Activation::Gelu => {
            let x = x as f64;
            (0.5 * x * (1.0 + libm::erf(x / std::f64::consts::SQRT_2))) as f32
        }
        Activation::Exponential => libm::expf(x),
        Activation::HardSigmoid => (x / 6.0 + 0.5).clamp(0.0, 1.0),
        Activation::HardSigmoidKeras2 => (0.2 * x + 0.5).clamp(0.0, 1.0),
        Activation::Relu6 => x.clamp(0.0, 6.0),
        Activation::LeakyRelu => {
            if x >= 0.0 {
                x
            } else {
                LEAKY_SLOPE * x
            }
        }
        Activation::Mish => x * tanh_fast(softplus(x)),
    }
}

#[inline]
fn sigmoid(x: f32) -> f32 {
    // Split by sign so exp never overflows: both branches are exact rewrites of 1/(1+e^-x).
    if x >= 0.0 {
        1.0 / (1.0 + libm::expf(-x))
    } else {
        let e = libm::expf(x);
        e / (1.0 + e)
    }
}

#[inline]
fn softplus(x: f32) -> f32 {
    // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no underflow to 0 early.
    x.max(0.0) + libm::log1pf(libm::expf(-x.abs()))
}

fn softmax(z: &mut [f32]) {
    let m = z.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let mut s = 0.0f32;
    for v in z.iter_mut() {
        *v = libm::expf(*v - m);
        s += *v;
    }
    let inv = 1.0 / s;
    z.iter_mut().for_each(|v| *v *= inv);
}

fn log_softmax(z: &mut [f32]) {
    let m = z.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let s: f32 = z.iter().map(|&v| libm::expf(v - m)).sum();
    let l = m + libm::logf(s);
    z.iter_mut().for_each(|v| *v -= l);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> Vec<f32> {
        (-200..=200).map(|i| i as f32 * 0.05).collect()
    }

    #[test]
    fn every_activation_matches_its_f64_reference() {
        for &(name, act) in Activation::ALL {
            for chunk in inputs().chunks(7) {
                let mut fast = chunk.to_vec();
                let mut reference = chunk.to_vec();
                act.apply(&mut fast);
                act.reference(&mut reference);
                for (i, (f, r)) in fast.iter().zip(&reference).enumerate() {
                    let tol = 2e-6 * r.abs().max(1.0);
                    assert!(
                        (f - r).abs() <= tol,
                        "{name}({}) = {f}, reference {r}",
                        chunk[i]
                    );
                }
            }
        }
    }

    #[test]
    fn names_round_trip_and_aliases_resolve() {
        for &(name, act) in Activation::ALL {
            assert_eq!(Activation::from_name(name), Some(act));
            assert_eq!(act.name(), name);
        }
        assert_eq!(Activation::from_name("silu"), Some(Activation::Swish));
        assert_eq!(Activation::from_name("tanhh"), None);
    }

    #[test]
    fn hard_sigmoid_differs_between_keras_3_and_keras_2() {
        let mut k3 = [1.0f32];
        let mut k2 = [1.0f32];
        Activation::HardSigmoid.apply(&mut k3);
        Activation::HardSigmoidKeras2.apply(&mut k2);
        assert!((k3[0] - (1.0 / 6.0 + 0.5)).abs() < 1e-7);
        assert!((k2[0] - 0.7).abs() < 1e-7);
    }

    #[test]
    fn softmax_sums_to_one_and_survives_large_inputs() {
        let mut z = [1000.0f32, 999.0, -1000.0];
        Activation::Softmax.apply(&mut z);
        assert!(z.iter().all(|v| v.is_finite()));
        assert!((z.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
}
