"""Every TSV the demo writes loads as it is (issue 11).

The commands of `make demo-run` are read from the Makefile, run at small
sizes into a temporary directory, and every TSV they write is loaded with
the csv module (tests/tsv_check.py: header, field count of every row,
numbers or words per column, categories as words), pandas and numpy.
A few outputs the demo does not ask for (--out of flow, basin points,
network and slice) are checked the same way."""

import os
import shlex
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "tests"))

import tsv_check  # noqa: E402

BIN = os.path.abspath(os.environ.get("FADYN_BIN") or TOP / "build" / "fadyn")


def demo_commands():
    """The fadyn command lines of the Makefile's demo-run recipe, as argument lists."""
    text = (TOP / "Makefile").read_text()
    recipe = text.split("\ndemo-run:", 1)[1].split("\n", 1)[1]
    lines, cur = [], ""
    for line in recipe.splitlines():
        if not line.startswith("\t") and not cur:
            break
        cur += line.strip().rstrip("\\").strip() + " "
        if not line.rstrip().endswith("\\"):
            lines.append(cur.strip())
            cur = ""
    cmds = [shlex.split(ln)[1:] for ln in lines if ln.startswith("$(BUILD)/fadyn ")]
    return cmds


def small(args, out):
    """args at small sizes, writing into out instead of plots/."""
    a = [out if x == "plots" else x.replace("plots/", out + "/") for x in args]
    cmd = a[0]
    more = {
        "flow": ["--grid", "9x9", "--basin-grid", "41x41"],
        "train": ["--examples", "500"],
        "compare": ["--etas", "0.01", "--batches", "10", "--t-end", "1"],
        "figure": ["--runs", "2", "--examples", "300", "--dir", out],
        "verify": ["--instances", "2"],
    }.get(cmd, [])
    if cmd == "basin":
        more = ["--sizes", "4,3,2", "--samples", "2"] if "--sizes" in a else ["--grid", "41x41"]
    return a + more + (["--quiet"] if cmd in ("flow", "basin") else [])


# Outputs the demo does not write, each a table of its own kind.
EXTRA = [
    ["flow", "--grid", "5x5", "--basin-grid", "21x21", "--from", "-2.5,1", "--out", "{d}/flow.tsv",
     "--quiet"],
    ["basin", "--from", "-2.5,1", "--from", "0.5,0.5", "--out", "{d}/points.tsv",
     "--plot", "{d}/points.png", "--quiet"],
    ["basin", "--sizes", "4,3,2", "--samples", "2", "--init-scale", "0.1,1", "--out",
     "{d}/net.tsv", "--quiet"],
    ["basin", "--sizes", "4,3,2", "--slice", "--grid", "3x3", "--out", "{d}/slice.tsv",
     "--plot", "{d}/slice.png", "--quiet"],
    ["train", "--examples", "300", "--runs", "2", "--out", "{d}/train.tsv"],
]


class DemoOutputsLoad(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.cmds = demo_commands()
        runs = [small(c, d) for c in cls.cmds] + [[x.format(d=d) for x in c] for c in EXTRA]
        for args in runs:
            r = subprocess.run([BIN] + args, cwd=d, capture_output=True, text=True)
            if r.returncode != 0:
                raise AssertionError(f"fadyn {shlex.join(args)}: exit {r.returncode}\n{r.stderr}")
        cls.files = sorted(Path(d).glob("*.tsv"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_demo_recipe_is_read(self):
        names = [c[0] for c in self.cmds]
        for cmd in ("ode", "flow", "basin", "train", "compare", "figure", "verify"):
            self.assertIn(cmd, names)

    def test_every_tsv_loads_with_csv(self):
        self.assertGreater(len(self.files), 25)
        problems = [p for f in self.files for p in tsv_check.check_file(str(f))]
        self.assertEqual(problems, [])

    def test_every_tsv_loads_in_pandas_and_numpy(self):
        import numpy as np
        import pandas as pd

        for f in self.files:
            with self.subTest(file=f.name):
                df = pd.read_csv(f, sep="\t")
                with f.open() as fh:
                    lines = fh.read().splitlines()
                header = lines[0].split("\t")
                self.assertEqual(list(df.columns), header)
                rows = sum(1 for ln in lines if ln.strip()) - 1
                self.assertEqual(len(df), rows)
                a = np.genfromtxt(f, names=True, delimiter="\t", dtype=None, encoding="utf-8")
                self.assertEqual(len(a.dtype.names), len(header))
                self.assertEqual(a.size, rows)

    def test_the_checker_catches_what_it_should(self):
        d = Path(self.tmp.name) / "bad"
        d.mkdir()
        cases = {
            "blocks.tsv": "# block 0: x\n# a\tw\n1\t2\n",
            "ragged.tsv": "a\tw\n1\t2\n3\n",
            "flag.tsv": "rule_fa\tnse\n0\t0.5\n1\t0.25\n",
            "mixed.tsv": "class\tnse\ngood\t0.5\n3\t0.25\n",
        }
        for name, text in cases.items():
            (d / name).write_text(text)
            with self.subTest(file=name):
                self.assertNotEqual(tsv_check.check_file(str(d / name)), [])
        (d / "fine.tsv").write_text("run\tclass\tnse\n0\tgood\tnan\n1\tbad\t0.25\n")
        self.assertEqual(tsv_check.check_file(str(d / "fine.tsv")), [])


if __name__ == "__main__":
    unittest.main()
