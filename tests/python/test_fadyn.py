"""The Python module (python/fadyn/) against the real binary and a fake one.

Run from the top of the tree: python3 -m unittest discover -s tests/python
(make check does, with FADYN_BIN=build/fadyn)."""

import math
import os
import stat
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "python"))

import fadyn  # noqa: E402
from fadyn.helptext import parse_commands, parse_help  # noqa: E402
from fadyn.tables import read_tables  # noqa: E402


def runner(**kw):
    return fadyn.Fadyn(binary=os.environ.get("FADYN_BIN") or TOP / "build" / "fadyn", **kw)


def documented_columns(help_text, after):
    """The column names a --help lists after `after` (e.g. 'one row per sample:')."""
    text = " ".join(help_text.split())
    tail = text.split(after, 1)[1]
    words = []
    for w in tail.split():
        if w.startswith("--") or w.endswith(":"):
            break
        words.append(w.rstrip(";,"))
    return words


class HelpParsing(unittest.TestCase):
    """The option table comes from the help text alone."""

    HELP = textwrap.dedent("""\
        usage: fadyn thing NAME... [OPTIONS]

        Does a thing (see --list).
          --sizes LIST        layer sizes (default 30,20,10)
          --grid NxM          nodes (default 21x21)
          --from A,W          a start (repeatable, up to 64); outside the window is
                              allowed
          --rtol X --atol X   tolerances
          --bias, --no-bias   adjustable biases
          --nmax N            step limit (default 1e7); --hmin H smallest step
          --log-time          logarithmic times from --t-min (default 1e-3)
          --plot FILE|dumb    the figure
        """)

    def test_metavars_flags_and_mentions(self):
        iface = parse_help("thing", self.HELP)
        o = iface.options
        self.assertEqual(o["sizes"].metavar, "LIST")
        self.assertEqual(o["grid"].separator, "x")
        self.assertEqual(o["sizes"].separator, ",")
        self.assertTrue(o["from"].repeatable)
        self.assertFalse(o["sizes"].repeatable)
        self.assertIn("allowed", o["from"].doc)  # continuation line joined
        self.assertEqual((o["rtol"].metavar, o["atol"].metavar), ("X", "X"))
        self.assertFalse(o["bias"].takes_value)
        self.assertFalse(o["no-bias"].takes_value)
        self.assertEqual(o["hmin"].metavar, "H")  # mentioned in a description
        self.assertFalse(o["log-time"].takes_value)
        self.assertIn("t-min", o)
        self.assertIn("list", o)
        self.assertEqual(o["plot"].metavar, "FILE|dumb")
        self.assertEqual(iface.operands, ["NAME..."])

    def test_commands_section(self):
        text = "usage: x\n\ncommands:\n  ode       one\n  new-cmd   two words\n\nmore\n"
        self.assertEqual(parse_commands(text), {"ode": "one", "new-cmd": "two words"})

    def test_every_real_command_has_options(self):
        f = runner()
        cmds = f.commands()
        self.assertGreaterEqual(len(cmds), 7)
        for cmd in cmds:
            iface = f.interface(cmd)
            self.assertGreater(len(iface.options), 3, cmd)


class Tables(unittest.TestCase):
    def write(self, text):
        d = tempfile.mkdtemp()
        self.addCleanup(lambda: __import__("shutil").rmtree(d))
        p = Path(d) / "t.tsv"
        p.write_text(text)
        return p

    def test_one_table_with_gnuplot_gaps(self):
        p = self.write("run\tx\n0\t1.5\n0\tnan\n\n\n1\t2\n")
        [(name, df)] = read_tables(p)
        self.assertIsNone(name)
        self.assertEqual(list(df.columns), ["run", "x"])
        self.assertEqual(len(df), 3)
        self.assertTrue(math.isnan(df.x[1]))

    def test_multi_block(self):
        p = self.write("# title line\n# block 0: field (remark)\n# a\tw\n1\t2\n3\t4\n\n\n"
                       "# block 1: trajectory from (0, 0)\n# t\ta\n0\t1\n\n1\t2\n\n\n"
                       "# block 2: trajectory from (1, 1)\nt\ta\n5\t6\n")
        tables = dict(read_tables(p))
        self.assertEqual(list(tables), ["field", "trajectory from (0, 0)",
                                        "trajectory from (1, 1)"])
        self.assertEqual(tables["field"].shape, (2, 2))
        self.assertEqual(list(tables["trajectory from (0, 0)"].segment), [0, 1])
        self.assertEqual(list(tables["trajectory from (1, 1)"].a), [6])


class Commands(unittest.TestCase):
    """Each command through the module: shapes, values and relations that
    hold whatever the numbers, checked against the --help or the maths."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.f = runner(workdir=cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_ode(self):
        r = self.f.ode(sizes=(6, 4, 3), t_end=5, samples=11)
        cols = documented_columns(self.f.help("ode"), "one row per sample:")
        self.assertEqual(list(r.table.columns), cols)
        self.assertEqual(len(r.table), 11)
        self.assertEqual(r.table.t.iloc[0], 0)
        self.assertAlmostEqual(r.table.t.iloc[-1], 5)
        nse = r.table.nse.iloc[-1]
        self.assertLess(abs(r.summary["final_nse"] - nse), 1e-9 * nse)  # TSV has 10 digits
        self.assertEqual(r.summary["parameters"]["sizes"], [6, 4, 3])
        self.assertIsNone(r.png)

    def test_ode_bp_updates_along_bp(self):
        # under bp the hidden update is bp's own: angle 0 at every sample
        r = self.f.ode(rule="bp", sizes=(5, 4, 3), t_end=2, samples=5)
        self.assertLess(r.table.angle_bp.abs().max(), 1e-4)

    def test_ode_plot_true_draws_a_png(self):
        r = self.f.ode(sizes=(4, 3, 2), t_end=1, samples=3, plot=True, log_time=True)
        self.assertEqual(r.png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
        self.assertIn("--log-time", r.argv)
        self.assertIn("plot", r.tables)

    def test_basin_grid(self):
        r = self.f.basin(b=1, t=1, grid=(21, 11))
        self.assertIn("--grid=21x11", r.argv)
        t = r.table
        self.assertEqual(len(t), 21 * 11)
        self.assertEqual(set(t.a0.round(12)), {round(-3 + 0.3 * i, 12) for i in range(21)})
        bad = (t["class"] == "bad").mean()
        self.assertAlmostEqual(r.summary["bad_fraction"], bad, places=12)
        self.assertEqual(sum(r.summary["counts"].values()), 21 * 11)

    def test_basin_points_repeatable_from(self):
        starts = [(-2.5, 1.0), (2.0, -2.0), (0.5, 0.25)]
        r = self.f.basin(b=1, t=1, from_=starts)
        t = r.table
        self.assertEqual(list(zip(t.a0, t.w0)), starts)
        # every settled end lies on the equilibrium hyperbola w a = t
        for a, w in zip(t.a_end, t.w_end):
            self.assertLess(abs(w * a - 1), 1e-5)
        # C = 2 b w - a^2 is conserved (docs/theory.md §4): start and end agree
        for a0, w0, a, w in zip(t.a0, t.w0, t.a_end, t.w_end):
            self.assertAlmostEqual(2 * w0 - a0 * a0, 2 * w - a * a, places=5)

    def test_flow(self):
        r = self.f.flow(b=2, t=1, grid=(11, 11), basin_grid=(21, 21), t_end=5)
        self.assertEqual(len(r.tables["out-field"]), 11 * 11)
        curves = r.tables["out-curves"]
        eq = curves[curves.curve.isin(["good", "bad", "unstable"])]
        self.assertEqual(set(eq.curve), {"good", "bad", "unstable"})
        # on the hyperbola a w = t, lambda = -(a^2 + b w) (docs/theory.md §4)
        self.assertLess((eq.a * eq.w - 1).abs().max(), 1e-6)
        self.assertLess((eq["lambda"] + eq.a**2 + 2 * eq.w).abs().max(), 1e-6)
        ends = r.table
        self.assertEqual(list(ends.columns[:4]), ["trajectory", "direction", "a0", "w0"])
        traj = r.tables["out-traj"]
        self.assertEqual(sorted(set(traj.trajectory)), list(ends.trajectory))
        self.assertEqual(len(r.tables["out-basin"]), 21 * 21)

    def test_train(self):
        r = self.f.train(examples=200, runs=3, eval_every=50)
        runs = r.tables["out.runs"]
        self.assertEqual(sorted(set(runs.run)), [0, 1, 2])
        mean = runs.groupby("example").nse.mean()
        got = r.table.set_index("example").nse_mean
        self.assertLess(((mean - got).abs() / got).max(), 1e-8)
        self.assertEqual(r.summary["runs"], 3)

    def test_compare(self):
        r = self.f.compare(sizes=(5, 4, 3), etas=(0.01, 0.005), batches=(10, 100), t_end=0.5)
        cols = documented_columns(self.f.help("compare"), "--out FILE.tsv")
        self.assertEqual(list(r.table.columns), cols)
        self.assertEqual(sorted(zip(r.table.eta, r.table.batch)),
                         [(0.005, 10), (0.005, 100), (0.01, 10), (0.01, 100)])
        # the trainer runs whole steps: t = eta * steps, at least --t-end
        self.assertLess((r.table.t - r.table.eta * r.table.steps).abs().max(), 1e-12)
        self.assertTrue((r.table.t >= 0.5 - 1e-12).all())

    def test_verify_and_a_broken_hypothesis(self):
        r = self.f.verify(instances=2, only="p1-conserved", plot=True)
        self.assertEqual(list(r.table.name), ["p1-conserved-c"])  # the checks, not the plot's data
        self.assertTrue(r.table["pass"].all())
        self.assertEqual(r.png.name, "verify-none.png")
        with self.assertRaises(fadyn.FadynError) as cm:
            self.f.verify(instances=2, only="p1-conserved", break_="sign")
        e = cm.exception
        self.assertEqual(e.returncode, 1)
        self.assertFalse(e.result.table["pass"].all())

    def test_figure_operand(self):
        r = self.f.figure("fig1e", examples=200, runs=2)
        self.assertEqual(r.png.name, "fig1e.png")
        self.assertEqual(r.summaries["fig1e"]["command"], "figure")
        self.assertGreater(len(r.table), 10)


class Errors(unittest.TestCase):
    def setUp(self):
        self.f = runner()

    def test_bad_input_raises_with_message_and_status(self):
        with self.assertRaises(fadyn.FadynError) as cm:
            self.f.ode(sizes="3,x")
        e = cm.exception
        self.assertEqual(e.returncode, 2)
        self.assertEqual(e.message, "fadyn ode: --sizes 'x': not a whole number")
        self.assertIn(e.message, str(e))

    def test_check_false_returns_the_failed_run(self):
        r = runner(check=False).ode(rtol=-1)
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.message.startswith("fadyn ode: --rtol"))

    def test_unknown_option_is_refused_before_running(self):
        with self.assertRaisesRegex(TypeError, "--t-ned.*did you mean --t-end"):
            self.f.ode(t_ned=3)

    def test_flag_options_and_values(self):
        with self.assertRaisesRegex(TypeError, "takes a value"):
            self.f.ode(t_end=True)
        with self.assertRaises(AttributeError):
            self.f.no_such_command

    def test_binary_not_found(self):
        with self.assertRaises(fadyn.FadynNotFound):
            fadyn.Fadyn(binary="/nonexistent/fadyn")


FAKE = r"""#!/bin/sh
# a fadyn of the future: a command and options this module has never seen
if [ "$1" = --help ]; then printf 'usage: fadyn COMMAND\n\ncommands:\n  wave      a new command\n\n'; exit 0; fi
if [ "$2" = --help ]; then
  printf 'usage: fadyn wave [OPTIONS]\n  --grid NxM   nodes\n  --tilt X     tilt\n  --fast       flag\n  --out FILE.tsv  tables\n'; exit 0; fi
printf '%s\n' "$@" > "$(dirname "$0")/argv"
for a in "$@"; do case "$a" in --out=*) o=${a#--out=};; esac; done
base=${o%.tsv}
printf 'x\ty\n1\t2\n' > "$base-field.tsv"
printf 'u\n3\n4\n' > "$base-curves.tsv"
[ -n "$FAIL" ] && { echo 'progress...' >&2; echo "fadyn wave: --tilt '$FAIL': bad" >&2; exit 2; }
exit 0
"""


class FutureBinary(unittest.TestCase):
    """New commands, options and per-table files need no change here."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.bin = Path(self.dir.name) / "fadyn"
        self.bin.write_text(FAKE)
        self.bin.chmod(self.bin.stat().st_mode | stat.S_IXUSR)

    def test_new_command_options_and_side_files(self):
        f = fadyn.Fadyn(binary=self.bin)
        r = f.wave(grid=(3, 4), tilt=-0.5, fast=True)
        argv = (Path(self.dir.name) / "argv").read_text().split("\n")
        self.assertEqual(argv[:4], ["wave", "--grid=3x4", "--tilt=-0.5", "--fast"])
        self.assertEqual(sorted(r.tables), ["out-curves", "out-field"])
        self.assertEqual(list(r.tables["out-curves"].u), [3, 4])
        self.assertIs(r.table, r.tables["out-curves"])  # the --out family's first by name

    def test_environment_binary_and_error_line(self):
        old = os.environ.get("FADYN_BIN")
        os.environ["FADYN_BIN"] = str(self.bin)
        try:
            f = fadyn.Fadyn(env={"FAIL": "q"})
            self.assertEqual(f.binary, self.bin.resolve())
            with self.assertRaises(fadyn.FadynError) as cm:
                f.wave(tilt=1)
            self.assertEqual(cm.exception.message, "fadyn wave: --tilt 'q': bad")
            self.assertEqual(cm.exception.returncode, 2)
        finally:
            if old is None:
                del os.environ["FADYN_BIN"]
            else:
                os.environ["FADYN_BIN"] = old


if __name__ == "__main__":
    unittest.main()
