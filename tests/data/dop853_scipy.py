#!/usr/bin/python3
"""Reference data for tests/test_dop853.c: SciPy's solve_ivp DOP853 on the
fa problems of docs/performance.md, so that `make check` can compare fadyn's
DOP853 with SciPy's without SciPy installed.

usage: /usr/bin/python3 tests/data/dop853_scipy.py build/fadyn > tests/data/dop853_scipy.tsv

For each case the problem is drawn by `fadyn ode --sizes N0,NH,NO --seed 1
--save-init DIR` (written with 17 digits: the same numbers the test draws
with the library), integrated from 0 to T_END at rtol 1e-8, atol 1e-10
without t_eval, and summarised on one line:
  n0 nh no t_end nfev steps max|y_end|  then 16 pairs "index value" of y_end
(the state vector is vec(A) then vec(W), row-major, as in fadyn).
"""
import subprocess
import sys
import tempfile

import numpy as np
import scipy
from scipy.integrate import solve_ivp

CASES = [(30, 20, 10, 50.0), (30, 20, 10, 200.0), (100, 50, 20, 50.0),
         (300, 100, 30, 50.0), (784, 1000, 10, 0.25)]


def run(fadyn, n0, nh, no, t_end):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([fadyn, "ode", "--sizes", f"{n0},{nh},{no}", "--seed", "1",
                        "--t-end", "1", "--samples", "2", "--quiet", "--save-init", d],
                       check=True, stdout=subprocess.DEVNULL)
        T, B, A, W = (np.loadtxt(f"{d}/{n}.txt", ndmin=2) for n in "TBAW")

    def f(t, y):
        a = y[: nh * n0].reshape(nh, n0)
        w = y[nh * n0:].reshape(no, nh)
        e = T - w @ a                       # eq 5
        return np.concatenate([(B @ e).ravel(), (e @ a.T).ravel()])  # eq 13, eq 12

    y0 = np.concatenate([A.ravel(), W.ravel()])
    sol = solve_ivp(f, (0.0, t_end), y0, method="DOP853", rtol=1e-8, atol=1e-10)
    assert sol.status == 0, sol.message
    y = sol.y[:, -1]
    idx = [round(k * (y.size - 1) / 15) for k in range(16)]
    pairs = " ".join(f"{i} {y[i]:.17g}" for i in idx)
    print(f"{n0} {nh} {no} {t_end:g} {sol.nfev} {len(sol.t) - 1} "
          f"{np.max(np.abs(y)):.17g} {pairs}", flush=True)


def main():
    print(f"# SciPy {scipy.__version__} solve_ivp DOP853, NumPy {np.__version__}; made by "
          "tests/data/dop853_scipy.py (see there for the columns)")
    for c in CASES:
        run(sys.argv[1], *c)


if __name__ == "__main__":
    main()
