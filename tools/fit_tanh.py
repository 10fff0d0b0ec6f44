#!/usr/bin/env python3
"""Fits the rational tanh of rnn-runtime (kernels::TANH): tanh(x) ~ x P(x^2) / Q(x^2) on
[0, CLAMP], P of degree 4 and Q of degree 3 in x^2, P(0) = Q(0) = 1 (so tanh(x) = x for tiny x).

Minimax in absolute error by Lawson's iteration over Loeb's linearised least squares (numpy
only). One extra point asks R(CLAMP) = 1 + TAIL: past the clamp the kernel holds R(CLAMP),
clamped to 1, so tanh saturates to exactly 1. Rounding the coefficients to f32 moves R(CLAMP)
by about -3e-7, so the top coefficient is then re-solved, in f32, for R(CLAMP) = 1 + MARGIN
(enough that the SIMD paths' reciprocal with one Newton step, which errs low by up to about
1.4e-7, still reaches 1). Prints the f32 coefficients and the largest
error of an f32 evaluation (fused multiply-adds emulated in f64) on a dense grid; the Rust
examples tanh_error and sigmoid_error measure the kernel itself over every f32.

    python3 tools/fit_tanh.py
"""
import numpy as np

CLAMP, TAIL, MARGIN, P_DEG, Q_DEG = 8.0, 2e-7, 1.5e-7, 4, 3


def fit(iters=400):
    x = np.concatenate([np.linspace(0, CLAMP, 40000), CLAMP - np.geomspace(1e-7, CLAMP, 4000)])
    x = np.unique(np.clip(x, 0, CLAMP))
    x = np.concatenate([x, [CLAMP]])
    f = np.concatenate([np.tanh(x[:-1]), [1.0 + TAIL]])
    t = x * x
    # Unknowns p1..p4, q1..q3: x (1 + p1 t + ...) - f (q1 t + ...) = f - x.
    a = np.concatenate([x[:, None] * t[:, None] ** np.arange(1, P_DEG + 1),
                        -f[:, None] * t[:, None] ** np.arange(1, Q_DEG + 1)], axis=1)
    w = np.full(len(x), 1.0 / len(x))
    q_prev = np.ones_like(x)
    best = None
    for _ in range(iters):
        s = np.sqrt(w) / q_prev
        scale = np.abs(a).max(axis=0)
        sol, *_ = np.linalg.lstsq(a * s[:, None] / scale, (f - x) * s, rcond=None)
        sol /= scale
        p = np.concatenate([[1.0], sol[:P_DEG]])
        q = np.concatenate([[1.0], sol[P_DEG:]])
        q_prev = np.polyval(q[::-1], t)
        err = np.abs(x * np.polyval(p[::-1], t) / q_prev - f)
        if best is None or err.max() < best[0]:
            best = (err.max(), p, q)
        w = w * err / err.max() + 1e-300
        w /= w.sum()
    return best


def round_to_f32(p, q):
    """The coefficients in f32, the top one re-solved for R(CLAMP) = 1 + MARGIN."""
    p, q = p.astype(np.float32), q.astype(np.float32)
    c = np.float64(np.float32(CLAMP))
    t = c * c
    qc = np.polyval(q.astype(np.float64)[::-1], t)
    rest = c * np.polyval(np.append(p[:-1].astype(np.float64), 0.0)[::-1], t)
    p[-1] = np.float32(((1 + MARGIN) * qc - rest) / (c * t ** P_DEG))
    return p, q


def eval_f32(p, q, x):
    f32 = np.float32
    def fma(a, b, c):
        return (a.astype(np.float64) * b + c).astype(f32)

    x = np.clip(x.astype(f32), f32(-CLAMP), f32(CLAMP))
    x2 = x * x
    pv = np.full_like(x2, p[-1])
    for c in p[-2::-1]:
        pv = fma(x2, pv, c)
    qv = np.full_like(x2, q[-1])
    for c in q[-2::-1]:
        qv = fma(x2, qv, c)
    return np.clip(pv * x / qv, f32(-1), f32(1))


def main():
    approx, p, q = fit()
    p, q = round_to_f32(p, q)
    xs = np.linspace(0, 12, 6_000_001).astype(np.float32)
    y = eval_f32(p, q, xs).astype(np.float64)
    err = np.abs(y - np.tanh(xs.astype(np.float64)).astype(np.float32))
    gate = np.abs(0.5 * y + 0.5 - 1 / (1 + np.exp(-2 * xs.astype(np.float64)))).max()
    print(f"approximation error {approx:.3g}; f32 evaluation: tanh {err.max():.3g} "
          f"(x = {xs[err.argmax()]:.3f}), gate sigmoid {gate:.3g}; tanh(inf) = {y[-1]!r}")
    print("p:", ", ".join(str(v) for v in p))
    print("q:", ", ".join(str(v) for v in q))


if __name__ == "__main__":
    main()
