"""fadyn basin --sizes from the user's own matrices (issue 11): --init-from,
slices along --slice-dirs or --slice-axes, stability in slice mode."""

import json
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

import pandas as pd

TOP = Path(__file__).resolve().parents[2]
BIN = os.path.abspath(os.environ.get("FADYN_BIN") or TOP / "build" / "fadyn")


def fadyn(*args, cwd):
    r = subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True)
    return r.returncode, r.stderr


class BasinFromUserMatrices(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = Path(self.tmp.name)
        for name, seed in (("init", "1"), ("d1", "5"), ("d2", "6")):
            rc, err = fadyn("ode", "--sizes", "4,3,2", "--seed", seed, "--init-scale", "0.3",
                            "--t-end", "1", "--save-init", name, "--quiet", cwd=self.d)
            self.assertEqual(rc, 0, err)

    def tearDown(self):
        self.tmp.cleanup()

    def table(self, name):
        return pd.read_csv(self.d / name, sep="\t")

    def test_an_axis_step_of_the_slice_is_the_start_moved_along_that_entry(self):
        # the slice point (u, v) = (1, 0) along A:0:0 starts at init with A[0][0] + 1:
        # the same start as --init-from of that edited copy, so the same end
        rc, err = fadyn("basin", "--init-from", "init", "--slice", "--slice-axes", "A:0:0,W:1:2",
                        "--grid", "3x3", "--init-scale", "1", "--out", "s.tsv", "--summary",
                        "s.json", "--quiet", cwd=self.d)
        self.assertEqual(rc, 0, err)
        moved = self.d / "moved"
        moved.mkdir()
        for f in ("T.txt", "B.txt", "W.txt"):
            (moved / f).write_text((self.d / "init" / f).read_text())
        rows = [ln.split() for ln in (self.d / "init" / "A.txt").read_text().splitlines()]
        rows[0][0] = repr(float(rows[0][0]) + 1.0)
        (moved / "A.txt").write_text("\n".join(" ".join(r) for r in rows) + "\n")
        rc, err = fadyn("basin", "--init-from", "moved", "--init-scale", "1", "--out", "m.tsv",
                        "--quiet", cwd=self.d)
        self.assertEqual(rc, 0, err)
        s, m = self.table("s.tsv"), self.table("m.tsv")
        point = s[(s.u == 1) & (s.v == 0)].iloc[0]
        self.assertEqual(len(m), 1)
        self.assertAlmostEqual(point.t_end, m.t_end[0], delta=1e-9 * m.t_end[0])
        self.assertAlmostEqual(point.s_min, m.s_min[0], delta=1e-9)
        self.assertEqual(point["class"], m["class"][0])
        # stability in slice mode, the Jacobian against the reduced criterion
        self.assertTrue((s.stable != "unchecked").all())
        self.assertTrue((s.stable == s.stable_reduced).all())
        self.assertTrue((s.zero_modes == 3 * 4 + 2 * 3 - 2 * 4).all())
        j = json.loads((self.d / "s.json").read_text())
        self.assertEqual((j["start"], j["slice_directions"]), ("file", "axes"))

    def test_slice_dirs_and_the_sizes_read_from_the_files(self):
        # no --sizes: 4-3-2 from the files; the centre of the slice is the start itself
        rc, err = fadyn("basin", "--init-from", "init", "--slice", "--slice-dirs", "d1,d2",
                        "--grid", "3x3", "--init-scale", "1", "--out", "s.tsv", "--summary",
                        "s.json", "--quiet", cwd=self.d)
        self.assertEqual(rc, 0, err)
        rc, err = fadyn("basin", "--init-from", "init", "--init-scale", "1", "--out", "n.tsv",
                        "--quiet", cwd=self.d)
        self.assertEqual(rc, 0, err)
        s, n = self.table("s.tsv"), self.table("n.tsv")
        centre = s[(s.u == 0) & (s.v == 0)].iloc[0]
        self.assertAlmostEqual(centre.t_end, n.t_end[0], delta=1e-9 * n.t_end[0])
        j = json.loads((self.d / "s.json").read_text())
        self.assertEqual(j["parameters"]["sizes"], [4, 3, 2])
        self.assertEqual(j["slice_directions"], "files")

    def test_options_that_would_be_ignored_are_refused(self):
        for args, word in ((["--init-from", "init", "--samples", "3"], "--samples"),
                           (["--init-from", "init", "--t-scale", "2"], "--t-scale"),
                           (["--sizes", "4,3,2", "--slice-axes", "A:0:0,W:0:0"], "--slice"),
                           (["--sizes", "4,3,2", "--slice", "--slice-dirs", "d1"], "two"),
                           (["--sizes", "4,3,2", "--slice", "--slice-dirs", "d1,d2",
                             "--slice-axes", "A:0:0,W:0:0"], "one of them")):
            with self.subTest(args=args):
                rc, err = fadyn("basin", *args, "--quiet", cwd=self.d)
                self.assertEqual(rc, 2, err)
                self.assertIn(word, err)
        rc, err = fadyn("basin", "--sizes", "4,3,2", "--slice", "--grid", "3x3", "--slice-axes",
                        "A:9:0,W:0:0", "--quiet", cwd=self.d)
        self.assertEqual(rc, 2, err)  # bad input, as every other
        self.assertIn("A:9:0", err)
        rc, err = fadyn("basin", "--sizes", "4,3,2", "--slice", "--grid", "3x3", "--slice-axes",
                        "0,1", "--out", "ax.tsv", "--quiet", cwd=self.d)
        self.assertEqual(rc, 2, err)
        self.assertIn("NAME:ROW:COL", err)
        self.assertEqual(err.count("\n"), 1, err)
        self.assertFalse((self.d / "ax.tsv").exists())

    def test_t_and_b_scales_reach_the_draws(self):
        # T ~ U[-0.5, 0.5] and B ~ U[-X, X] in the JSON, and a different B gives
        # different ends (the same seeds, so only the scale differs)
        outs = []
        for bs in ("0.5", "2"):
            rc, err = fadyn("basin", "--sizes", "4,3,2", "--samples", "2", "--init-scale", "0.1",
                            "--b-scale", bs, "--t-scale", "0.5", "--out", f"b{bs}.tsv",
                            "--summary", f"b{bs}.json", "--quiet", cwd=self.d)
            self.assertEqual(rc, 0, err)
            outs.append(self.table(f"b{bs}.tsv"))
            j = json.loads((self.d / f"b{bs}.json").read_text())
            self.assertEqual(j["parameters"]["b_scale"], float(bs))
            self.assertEqual(j["parameters"]["t_scale"], 0.5)
        self.assertNotEqual(list(outs[0].s_max), list(outs[1].s_max))


    def test_ode_reads_the_sizes_from_init_from(self):
        runs = {}
        for name, extra in (("inferred", []), ("given", ["--sizes", "4,3,2"])):
            rc, err = fadyn("ode", "--init-from", "init", *extra, "--t-end", "2", "--summary",
                            f"{name}.json", "--out", f"{name}.tsv", "--quiet", cwd=self.d)
            self.assertEqual(rc, 0, err)
            runs[name] = (json.loads((self.d / f"{name}.json").read_text()),
                          self.table(f"{name}.tsv"))
        self.assertEqual(runs["inferred"][0]["parameters"]["sizes"], [4, 3, 2])
        self.assertEqual(list(runs["inferred"][1].nse), list(runs["given"][1].nse))
        rc, err = fadyn("ode", "--init-from", "init", "--sizes", "5,3,2", "--quiet", cwd=self.d)
        self.assertEqual(rc, 2, err)
        self.assertIn("T.txt", err)


if __name__ == "__main__":
    unittest.main()
