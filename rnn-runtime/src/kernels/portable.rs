//! The portable bodies of the kernels: plain loops over compile-time sizes that LLVM vectorises
//! for whatever instruction set the caller is compiled with. The [`Portable`](super::Portable)
//! path runs them all; the SIMD paths run them where they have no intrinsics kernel (and the
//! tests hold the intrinsics kernels to them).

use std::mem::MaybeUninit;

use super::MulAdd;

/// `acc += x · w` for a row vector `x` (IN) and a matrix `w` in Keras's (in, out) layout.
///
/// Broadcast-FMA: each `x[i]` scales row `i` of `w` into the accumulator, so the inner loop runs
/// over contiguous outputs and needs no horizontal sums.
#[inline(always)]
pub fn matvec_acc<M: MulAdd, const IN: usize, const OUT: usize>(
    x: &[f32; IN],
    w: &[[f32; OUT]; IN],
    acc: &mut [f32; OUT],
) {
    let mut a = *acc;
    for (xi, row) in x.iter().zip(w.iter()) {
        for (aj, wj) in a.iter_mut().zip(row.iter()) {
            *aj = M::mul_add(*xi, *wj, *aj);
        }
    }
    *acc = a;
}

/// The portable body of [`super::matvec_acc_group`], vectorised by the compiler. With fewer
/// than 4 rows there are not enough accumulator chains to hide the FMA latency, so each row's
/// sum is split over the inputs into 2 partial sums added at the end, while the accumulators
/// fit the path's register budget ([`MulAdd::ACC_FLOATS`]); past that budget LLVM stops keeping
/// the arrays in registers and the kernel gets many times slower, which is also why the macro
/// caps the rows per group.
#[inline(always)]
pub fn matvec_acc_group<M: MulAdd, const G: usize, const IN: usize, const OUT: usize>(
    x: &[&[f32; IN]; G],
    w: &[[f32; OUT]; IN],
    acc: &mut [[f32; OUT]; G],
) {
    if G <= 3 && 2 * G * OUT <= M::ACC_FLOATS {
        split::<M, G, 2, IN, OUT>(x, w, acc)
    } else {
        {
            let mut a = *acc;
            for (i, row) in w.iter().enumerate() {
                for (ag, xg) in a.iter_mut().zip(x.iter()) {
                    let xi = xg[i];
                    for (aj, wj) in ag.iter_mut().zip(row.iter()) {
                        *aj = M::mul_add(xi, *wj, *aj);
                    }
                }
            }
            *acc = a;
        }
    }
}

/// [`matvec_acc_group`] with each row's sum split into `S` partial sums over the inputs
/// (input `i` goes to partial sum `i % S`; a remainder of fewer than `S` inputs to sum 0).
#[inline(always)]
fn split<M: MulAdd, const G: usize, const S: usize, const IN: usize, const OUT: usize>(
    x: &[&[f32; IN]; G],
    w: &[[f32; OUT]; IN],
    acc: &mut [[f32; OUT]; G],
) {
    let mut parts = [[[0.0f32; OUT]; S]; G];
    for (g, p) in parts.iter_mut().enumerate() {
        p[0] = acc[g];
    }
    let (w_chunks, w_tail) = w.as_chunks::<S>();
    for (c, rows) in w_chunks.iter().enumerate() {
        for (pg, xg) in parts.iter_mut().zip(x.iter()) {
            for (s, (a, row)) in pg.iter_mut().zip(rows.iter()).enumerate() {
                let xi = xg[c * S + s];
                for (aj, wj) in a.iter_mut().zip(row.iter()) {
                    *aj = M::mul_add(xi, *wj, *aj);
                }
            }
        }
    }
    let done = w_chunks.len() * S;
    for (t, row) in w_tail.iter().enumerate() {
        for (pg, xg) in parts.iter_mut().zip(x.iter()) {
            let xi = xg[done + t];
            for (aj, wj) in pg[0].iter_mut().zip(row.iter()) {
                *aj = M::mul_add(xi, *wj, *aj);
            }
        }
    }
    for (ag, pg) in acc.iter_mut().zip(parts.iter()) {
        *ag = pg[0];
        for p in &pg[1..] {
            for (aj, pj) in ag.iter_mut().zip(p.iter()) {
                *aj += *pj;
            }
        }
    }
}

/// The portable body of [`MulAdd::matvec_strided`] (and the twin the tests hold the SIMD
/// kernels to): each row from `init`, its inputs in order ([`matvec_acc`]).
#[inline(always)]
pub fn matvec_strided<
    M: MulAdd,
    const R: usize,
    const IN: usize,
    const OUT: usize,
    const XS: usize,
>(
    x: &[f32],
    w: &[[f32; OUT]; IN],
    init: &[f32; OUT],
    out: &mut [f32],
    ys: usize,
) {
    assert!(strided_fits::<R, IN, OUT, XS>(x, out, ys));
    for r in 0..R {
        let (Ok(xr), Ok(yr)) = (
            <&[f32; IN]>::try_from(&x[r * XS..r * XS + IN]),
            <&mut [f32; OUT]>::try_from(&mut out[r * ys..r * ys + OUT]),
        ) else {
            continue;
        };
        *yr = *init;
        matvec_acc::<M, IN, OUT>(xr, w, yr);
    }
}

/// Whether `x` and `out` hold [`MulAdd::matvec_strided`]'s R rows, apart.
#[inline(always)]
pub(crate) fn strided_fits<const R: usize, const IN: usize, const OUT: usize, const XS: usize>(
    x: &[f32],
    out: &[f32],
    ys: usize,
) -> bool {
    R == 0 || (ys >= OUT && x.len() >= (R - 1) * XS + IN && out.len() >= (R - 1) * ys + OUT)
}

/// The portable body of [`MulAdd::matvec2_group_init`]: the initial rows copied into `out`,
/// then both products added ([`matvec_acc_group`]).
#[inline(always)]
pub fn matvec2_group_init<
    'o,
    M: MulAdd,
    const G: usize,
    const IN1: usize,
    const IN2: usize,
    const OUT: usize,
>(
    x1: &[&[f32; IN1]; G],
    w1: &[[f32; OUT]; IN1],
    x2: &[&[f32; IN2]; G],
    w2: &[[f32; OUT]; IN2],
    init: &[&[f32; OUT]; G],
    out: &'o mut MaybeUninit<[[f32; OUT]; G]>,
) -> &'o mut [[f32; OUT]; G] {
    let out = out.write(std::array::from_fn(|g| *init[g]));
    matvec_acc_group::<M, G, IN1, OUT>(x1, w1, out);
    matvec_acc_group::<M, G, IN2, OUT>(x2, w2, out);
    out
}

/// The portable body of [`MulAdd::lstm_row`] (and the twin the tests hold the fused kernels
/// to): the products, then the path's sigmoid and tanh over the gate columns, then the
/// cell.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn lstm_row<M: MulAdd, const IN: usize, const U: usize, const U4: usize>(
    m: M,
    x: &[f32; IN],
    kernel: &[[f32; U4]; IN],
    h: &[f32; U],
    recurrent: &[[f32; U4]; U],
    z0: &[f32; U4],
    c: &mut [f32; U],
    h_out: &mut [f32; U],
) {
    let mut z = [*z0];
    m.matvec2_group::<1, IN, U, U4>(&[x], kernel, &[h], recurrent, &mut z);
    let z = &mut z[0];
    let (sig, cand) = z.split_at_mut(3 * U);
    m.gate_sigmoid_in_place(sig);
    m.tanh_in_place(cand);
    let mut ac = [0.0f32; U];
    for j in 0..U {
        c[j] = z[U + j] * c[j] + z[j] * z[3 * U + j];
        ac[j] = c[j];
    }
    m.tanh_in_place(&mut ac);
    for j in 0..U {
        h_out[j] = z[2 * U + j] * ac[j];
    }
}

/// The portable body of [`MulAdd::gru_row`] (and the fused kernels' twin).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn gru_row<M: MulAdd, const IN: usize, const U: usize, const U3: usize>(
    m: M,
    x: &[f32; IN],
    kernel: &[[f32; U3]; IN],
    h: &[f32; U],
    recurrent: &[[f32; U3]; U],
    a0: &[f32; U3],
    b_rec: &[f32; U3],
    h_out: &mut [f32; U],
) {
    let (mut a, mut b) = ([*a0], [*b_rec]);
    m.matvec_group::<1, IN, U3>(&[x], kernel, &mut a);
    m.matvec_group::<1, U, U3>(&[h], recurrent, &mut b);
    let (a, b) = (&mut a[0], &b[0]);
    for j in 0..2 * U {
        a[j] += b[j];
    }
    m.gate_sigmoid_in_place(&mut a[..2 * U]);
    for j in 0..U {
        a[2 * U + j] += a[U + j] * b[2 * U + j];
    }
    m.tanh_in_place(&mut a[2 * U..]);
    for j in 0..U {
        let z = a[j];
        h_out[j] = z * h[j] + (1.0 - z) * a[2 * U + j];
    }
}

/// Reference for [`matvec_acc`]: the textbook dot product per output, accumulated in f64.
pub fn matvec_acc_reference(x: &[f32], w: &[f32], out: usize, acc: &mut [f32]) {
    for (j, a) in acc.iter_mut().enumerate().take(out) {
        let mut s = *a as f64;
        for (i, xi) in x.iter().enumerate() {
            s += *xi as f64 * w[i * out + j] as f64;
        }
        *a = s as f32;
    }
}
