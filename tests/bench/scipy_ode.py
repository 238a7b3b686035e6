#!/usr/bin/python3
"""SciPy reference for `make bench`: the same 30-20-10 fa problem (read from
the matrix directory fadyn wrote with --save-init) integrated by solve_ivp
DOP853 at the same tolerances; prints time (min/median of repeats), RHS
evaluations and the distance of the end state from fadyn's (--save-final).

usage: scipy_ode.py INIT_DIR FINAL_DIR T_END RTOL ATOL [FADYN_MS]
(FADYN_MS: fadyn's min time for the same run, to print the ratio)
"""
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp


def main():
    init, final, t_end, rtol, atol = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:6])
    T, B, A, W = (np.loadtxt(f"{init}/{n}.txt", ndmin=2) for n in "TBAW")
    nh, ni = A.shape
    no = W.shape[0]

    def f(t, y):
        a = y[: nh * ni].reshape(nh, ni)
        w = y[nh * ni:].reshape(no, nh)
        e = T - w @ a                              # eq 5
        return np.concatenate([(B @ e).ravel(),    # eq 13
                               (e @ a.T).ravel()])  # eq 12

    y0 = np.concatenate([A.ravel(), W.ravel()])
    times, sol = [], None
    for _ in range(5):
        t0 = time.perf_counter()
        sol = solve_ivp(f, (0.0, t_end), y0, method="DOP853", rtol=rtol, atol=atol)
        times.append(time.perf_counter() - t0)
    times.sort()
    Af, Wf = (np.loadtxt(f"{final}/{n}.txt", ndmin=2) for n in "AW")
    yf = np.concatenate([Af.ravel(), Wf.ravel()])
    dev = np.linalg.norm(sol.y[:, -1] - yf) / np.linalg.norm(yf)
    print(f"scipy solve_ivp DOP853: min {times[0]*1e3:.1f} ms, median {times[2]*1e3:.1f} ms, "
          f"{sol.nfev} rhs evals; end state vs fadyn rk8pd: relative distance {dev:.1e}")
    if len(sys.argv) > 6 and sys.argv[6]:
        ms = float(sys.argv[6])
        print(f"fadyn rk8pd {ms:.2f} ms (min): {times[0] * 1e3 / ms:.1f}x faster than SciPy")


if __name__ == "__main__":
    main()
