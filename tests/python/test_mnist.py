"""Task 2 (MNIST) from Python: `fadyn.train(task="mnist")` takes the options
of `fadyn train --task mnist --help`, and `fadyn.figure("fig2a" | "fig2b" |
"figS1")` returns their tables, figS1's mosaics as matrices.  On a small
learnable set written here in IDX (the tests never need the real data)."""

import os
import random
import struct
import sys
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "python"))

import fadyn  # noqa: E402


def runner(**kw):
    return fadyn.Fadyn(binary=os.environ.get("FADYN_BIN") or TOP / "build" / "fadyn", **kw)


def write_fake_mnist(directory, ntrain=600, ntest=200, seed=2):
    """Ten random 28x28 patterns, one per class; an image of class c lights
    most of c's pattern and a few other pixels (tests/helpers.c does the same
    in C).  The standard IDX file names, uncompressed."""
    rng = random.Random(seed)
    pattern = [[rng.random() < 0.2 for _ in range(784)] for _ in range(10)]
    for prefix, n in (("train", ntrain), ("t10k", ntest)):
        labels = bytes(m % 10 for m in range(n))
        pixels = bytearray()
        for m in range(n):
            for on in pattern[m % 10]:
                lit = rng.random() < (0.8 if on else 0.03)
                pixels.append(128 + rng.randrange(128) if lit else 0)
        with open(Path(directory) / f"{prefix}-images-idx3-ubyte", "wb") as f:
            f.write(struct.pack(">iiii", 0x803, n, 28, 28) + bytes(pixels))
        with open(Path(directory) / f"{prefix}-labels-idx1-ubyte", "wb") as f:
            f.write(struct.pack(">ii", 0x801, n) + labels)


class Mnist(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="fadyn-mnist-")
        cls.data = cls.tmp.name
        write_fake_mnist(cls.data)
        cls.f = runner()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_train_takes_the_mnist_options(self):
        r = self.f.train(task="mnist", mnist_dir=self.data, rule="fa", hidden=50, eta=0.1,
                         examples=1200, eval_every=600, runs=2, threads=1, quiet=True)
        t = r.table
        self.assertEqual(list(t.example), [0, 600, 1200])
        runs = r.tables["out.runs"]
        self.assertEqual(sorted(set(runs.run)), [0, 1])
        # the table is the mean of the runs' rows, evaluation by evaluation
        per_run = runs.groupby("example").test_error_percent.mean()
        for ex, mean in zip(t.example, t.test_error_percent_mean):
            self.assertAlmostEqual(per_run[ex], mean, places=6)
        # fa learns this set (chance is 90 %); the summary's final mean is the table's last row
        self.assertLess(t.test_error_percent_mean.iloc[-1], 20.0)
        final = r.summary["test_error_percent"]
        final = final["mean"] if isinstance(final, dict) else final
        self.assertAlmostEqual(float(final), t.test_error_percent_mean.iloc[-1], places=6)

    def test_the_mnist_options_need_task_mnist(self):
        with self.assertRaises(TypeError) as cm:
            self.f.train(mnist_dir=self.data)
        self.assertIn("--mnist-dir", str(cm.exception))

    def test_figures_tables(self):
        r = self.f.figure("fig2a", "fig2b", "figS1", mnist_dir=self.data, runs=2, examples=600,
                          quiet=True)
        for rule in ("bp", "fa", "sparse-fa", "shallow"):
            t = r.tables[f"fig2a-{rule}"]
            self.assertEqual(t.example.iloc[-1], 600, rule)
            self.assertTrue(((t.test_error_percent_mean >= 0) &
                             (t.test_error_percent_mean <= 100)).all(), rule)
        paper = {k: v.get("paper_percent") for k, v in r.summaries["fig2a"]["rules"].items()}
        self.assertEqual(paper, {"bp": 2.4, "fa": 2.1, "sparse-fa": 2.4, "shallow": None})
        self.assertTrue(((r.tables["fig2b"]["mean"] > 0) & (r.tables["fig2b"]["mean"] < 180)).all())
        self.assertEqual({"fig2a", "fig2b", "figS1"}, set(r.images))
        self.assertNotIn("warning", r.stderr)  # gnuplot read every panel cleanly
        self.figS1_mosaics_are_matrices(r)

    def figS1_mosaics_are_matrices(self, r):
        units = r.summaries["figS1"]["units"]
        self.assertEqual(len(units), 100)
        self.assertEqual(units, sorted(set(units)))
        side, size = 10, 28  # 10 x 10 tiles of 28 x 28, one pixel of 2 between
        n = side * (size + 1) - 1
        blocks = [k for k in r.tables if k.startswith("figS1:")]
        self.assertEqual(blocks, ["figS1:start", "figS1:bp", "figS1:fa", "figS1:sparse-fa"])
        for name in blocks:
            m = r.tables[name].to_numpy()
            self.assertEqual(m.shape, (n, n), name)
            for ty in range(side):
                for tx in range(side):
                    tile = m[ty * (size + 1):ty * (size + 1) + size,
                             tx * (size + 1):tx * (size + 1) + size]
                    # each field scaled by its largest |weight|
                    self.assertEqual(max(abs(v) for v in tile.flat), 1.0, name)
            gaps = [m[size::size + 1, :], m[:, size::size + 1]]
            self.assertTrue(all(v == 2.0 for g in gaps for v in g.flat), name)
        # learning moved the fields away from the start (every rule from the same W0)
        start = r.tables["figS1:start"].to_numpy()
        for name in blocks[1:]:
            rule = name.split(":")[1]
            self.assertGreater(r.summaries["figS1"]["rules"][rule]["relative_change_of_the_fields"],
                               0, rule)
            self.assertGreater(abs(r.tables[name].to_numpy() - start)[:size, :size].max(), 0, rule)


if __name__ == "__main__":
    unittest.main()
