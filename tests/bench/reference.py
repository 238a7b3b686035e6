#!/usr/bin/python3
"""The SciPy and NumPy references of `make bench`, as a process the C
benchmarks talk to one line at a time (tests/bench/bench_util.h), so that
each fadyn timing has a reference timing taken right next to it.

Requests (one line each; every reply is one line, "error ..." on failure):
  ode DIR T_END RTOL ATOL   load a 2-layer fa problem (T, B, A, W .txt as
                            `fadyn ode --save-init` writes them)  -> "ok DIM"
  run                       solve_ivp DOP853 on it once          -> "SECONDS NFEV CPU"
  dist DIR                  relative distance (max-norm) of the last end state
                            from the A, W in DIR                  -> "DIST"
  train N0 NH NO ETA N      Task 1 online fa loop in NumPy over N drawn
                            examples                              -> "SECONDS CPU"
  mnist DIR NH ETA N        Task 2 online fa in NumPy (784-NH-10 logistic,
                            biases, decay 1e-6, double) over the first N
                            training images in DIR                -> "SECONDS"
  quit
SECONDS is wall time, CPU the process's CPU time over the same span (on a
loaded machine the time it would take on an idle core, near enough).
"""
import os
import sys
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp


class Ode:
    def __init__(self, d, t_end, rtol, atol):
        self.T, self.B, A, W = (np.loadtxt(f"{d}/{n}.txt", ndmin=2) for n in "TBAW")
        self.nh, self.ni = A.shape
        self.no = W.shape[0]
        self.y0 = np.concatenate([A.ravel(), W.ravel()])
        self.t_end, self.rtol, self.atol = t_end, rtol, atol
        self.y_end = None

    def f(self, t, y):
        a = y[: self.nh * self.ni].reshape(self.nh, self.ni)
        w = y[self.nh * self.ni:].reshape(self.no, self.nh)
        e = self.T - w @ a                                # eq 5
        return np.concatenate([(self.B @ e).ravel(),      # eq 13
                               (e @ a.T).ravel()])        # eq 12

    def run(self):
        t0, c0 = time.perf_counter(), time.process_time()
        sol = solve_ivp(self.f, (0.0, self.t_end), self.y0, method="DOP853",
                        rtol=self.rtol, atol=self.atol)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if sol.status != 0:
            raise RuntimeError(sol.message)
        self.y_end = sol.y[:, -1]
        return f"{dt:.9g} {sol.nfev} {dc:.9g}"

    def dist(self, d):
        A, W = (np.loadtxt(f"{d}/{n}.txt", ndmin=2) for n in "AW")
        y = np.concatenate([A.ravel(), W.ravel()])
        return f"{np.max(np.abs(self.y_end - y)) / np.max(np.abs(y)):.3e}"


def train(n0, nh, no, eta, n):
    """Task 1 (y* = T x, x ~ N(0, I)) learned online by feedback alignment:
    forward, error, hidden signal through B, both updates, per example."""
    rng = np.random.default_rng(1)
    T = rng.uniform(-1, 1, (no, n0))
    B = rng.uniform(-0.5, 0.5, (nh, no))
    A = rng.uniform(-0.01, 0.01, (nh, n0))
    W = rng.uniform(-0.01, 0.01, (no, nh))
    X = rng.standard_normal((n, n0))
    Y = X @ T.T
    t0, c0 = time.perf_counter(), time.process_time()
    for x, ys in zip(X, Y):
        h = A @ x
        e = ys - W @ h                  # eq 5
        d = B @ e                       # the hidden signal, B e (eq 13)
        W += eta * np.outer(e, h)       # eq 12 per example
        A += eta * np.outer(d, x)       # eq 13 per example
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    if not np.all(np.isfinite(W)):
        raise RuntimeError("NumPy trainer diverged")
    return f"{dt:.9g} {dc:.9g}"


def idx(path):
    """An IDX file of unsigned bytes as an array (its magic names the rank)."""
    with open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * k: 8 + 4 * k], "big") for k in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def mnist(d, nh, eta, n, alpha=1e-6):
    """Task 2 learned online by feedback alignment, the way NumPy is written
    for it: per example the forward pass, the output delta, B delta, the
    decay and the two outer-product updates of each layer."""
    X = idx(f"{d}/train-images-idx3-ubyte")[:n].reshape(n, -1) / 255.0
    L = idx(f"{d}/train-labels-idx1-ubyte")[:n]
    Y = np.eye(10)[L]
    rng = np.random.default_rng(1)
    W0 = rng.uniform(-0.05, 0.05, (nh, X.shape[1]))
    b0 = rng.uniform(-0.05, 0.05, nh)
    W = rng.uniform(-0.05, 0.05, (10, nh))
    b = rng.uniform(-0.05, 0.05, 10)
    B = rng.uniform(-0.5, 0.5, (nh, 10))
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    shrink = 1.0 - eta * alpha
    t0 = time.perf_counter()
    for x, ys in zip(X, Y):
        h = sig(W0 @ x + b0)
        y = sig(W @ h + b)
        d = (ys - y) * y * (1 - y)      # e = y* - y (eq 5), times sigma'
        dh = (B @ d) * h * (1 - h)      # the hidden signal, B d
        W *= shrink
        W += np.outer(eta * d, h)
        b += eta * d
        W0 *= shrink
        W0 += np.outer(eta * dh, x)
        b0 += eta * dh
    dt = time.perf_counter() - t0
    if not np.all(np.isfinite(W0)):
        raise RuntimeError("NumPy trainer diverged")
    return f"{dt:.9g}"


def main():
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"ready SciPy {scipy.__version__}, NumPy {np.__version__}, BLAS threads {threads}",
          flush=True)
    ode = None
    for line in sys.stdin:
        w = line.split()
        if not w:
            continue
        try:
            if w[0] == "quit":
                break
            elif w[0] == "ode":
                ode = Ode(w[1], *map(float, w[2:5]))
                out = f"ok {ode.y0.size}"
            elif w[0] == "run":
                out = ode.run()
            elif w[0] == "dist":
                out = ode.dist(w[1])
            elif w[0] == "mnist":
                out = mnist(w[1], int(w[2]), float(w[3]), int(w[4]))
            elif w[0] == "train":
                out = train(*map(int, w[1:4]), float(w[4]), int(w[5]))
            else:
                out = f"error unknown request {w[0]}"
        except Exception as ex:  # one line back, whatever went wrong
            out = f"error {type(ex).__name__}: {ex}".replace("\n", " ")
        print(out, flush=True)


if __name__ == "__main__":
    main()
