"""Running fadyn: keyword arguments to argv, argv to a subprocess, and its
output files back to Python objects."""

import atexit
import difflib
import glob
import json
import numbers
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .binary import find_binary
from .helptext import mode_helps, parse_commands, parse_help
from .tables import read_tables

# Options that name where outputs go.  'out', 'summary' and a directory
# option are given a path in the run's directory unless the caller gives
# one (or None); 'plot' only when asked for (plot=True), since drawing costs
# a gnuplot run and not every mode of every command draws.
_AUTO = ("out", "summary", "dir")
_EXT = {"out": ".tsv", "summary": ".json", "plot": ".png"}
_IMAGES = (".png", ".svg", ".pdf")


class FadynError(RuntimeError):
    """fadyn exited with a non-zero status.

    message: fadyn's one-line message (stderr); returncode: its exit status
    (1 a check or run failed, 2 bad input, 3 diverged); result: the Result
    with whatever the run wrote before it stopped."""

    def __init__(self, message, returncode, result):
        super().__init__(f"{message} (exit status {returncode})")
        self.message = message
        self.returncode = returncode
        self.result = result


class Result:
    """What one fadyn run produced.

    tables     {name: DataFrame}: 'out' (the --out table), 'out.runs',
               'out-field', ... (its side files), 'plot', 'plot-...' (the
               plot's data); files in an output directory by their stem;
               a multi-block file gives 'NAME:BLOCK' entries
    summaries  {name: dict}: 'summary' (--summary), or one per JSON file
    images     {name: Path}: 'plot' (--plot), or one per image file
    table, summary, png: the main one of each (None when there is none)
    argv, returncode, stdout, stderr, dir (the run's directory)"""

    def __init__(self, command, argv, returncode, stdout, stderr, directory):
        self.command = command
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.dir = directory
        self.tables = {}
        self.summaries = {}
        self.images = {}
        self.operands = []

    @property
    def message(self):
        """fadyn's one-line message on stderr (its last line naming fadyn)."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        named = [line for line in lines if line.startswith("fadyn")]
        if named:
            return named[-1]
        return lines[-1] if lines else f"exit status {self.returncode}"

    def _main(self, found, prefix):
        if prefix in found:
            return found[prefix]
        for key, value in found.items():
            if key[len(prefix):len(prefix) + 1] in (":", "-", ".") and key.startswith(prefix):
                return value
        return None

    @property
    def table(self):
        for key in ["out"] + self.operands:
            t = self._main(self.tables, key)
            if t is not None:
                return t
        s = self.summary
        if isinstance(s, dict):  # e.g. verify: the table is the JSON 'checks'
            lists = [v for v in s.values() if isinstance(v, list) and v
                     and all(isinstance(x, dict) for x in v)]
            if len(lists) == 1:
                import pandas as pd
                return pd.DataFrame(lists[0])
        return None

    @property
    def summary(self):
        return self._one(self.summaries, "summary")

    @property
    def png(self):
        return self._one(self.images, "plot")

    def _one(self, found, key):
        if key in found:
            return found[key]
        for name in self.operands:
            if name in found:
                return found[name]
        return next(iter(found.values())) if len(found) == 1 else None

    def __repr__(self):
        return (f"<fadyn {self.command}: status {self.returncode}, tables "
                f"{list(self.tables)}, summaries {list(self.summaries)}, "
                f"images {list(self.images)}>")


def _scalar(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


def _is_sequence(value):
    return not isinstance(value, (str, bytes, os.PathLike, dict)) and \
        hasattr(value, "__iter__")


def _values(opt, value):
    """The strings to pass for one option: one per repetition."""
    if _is_sequence(value):
        items = list(value)
        if opt.repeatable and items and (_is_sequence(items[0]) or isinstance(items[0], str)):
            return [_values(opt, item)[0] for item in items]
        return [opt.separator.join(_scalar(v) for v in items)]
    return [_scalar(value)]


class Fadyn:
    """A fadyn binary and how to run it.

    binary   path of the fadyn binary (default: find_binary(): $FADYN_BIN, the
             repository's build/, the install prefix's bin/, PATH)
    workdir  where each run's directory is made (default: a temporary
             directory removed when Python exits)
    check    raise FadynError on a non-zero exit (default True)
    timeout  seconds before a run is killed (default None: no limit)
    env      extra environment variables for the runs

    Each command is a method: `Fadyn().ode(t_end=50)`; keyword arguments
    are the command's --help options with '-' written '_' (a trailing '_'
    is dropped: from_=, break_=); see call() for the values."""

    def __init__(self, binary=None, workdir=None, check=True, timeout=None, env=None):
        self.binary = find_binary(binary)
        self.workdir = Path(workdir) if workdir is not None else None
        self.check = check
        self.timeout = timeout
        self.env = dict(env or {})
        self._help = {}
        self._tmp = None

    # --- the interface, from --help ------------------------------------
    def help(self, command=None, *selector):
        """The text of `fadyn --help` or `fadyn COMMAND [SELECTOR] --help`
        (a selector such as '--task', 'mnist' picks a mode's own help)."""
        st = self.binary.stat()
        key = (command, selector, st.st_mtime_ns, st.st_size)
        if key not in self._help:
            argv = [str(self.binary)] + ([command] if command else []) + list(selector) + \
                ["--help"]
            p = subprocess.run(argv, capture_output=True, text=True, env=self._environ())
            if p.returncode != 0:
                raise FadynError(
                    (p.stderr.strip().splitlines() or [f"{command}: no help"])[-1],
                    p.returncode, None)
            self._help[key] = p.stdout
        return self._help[key]

    def commands(self):
        """{command: one-line description}, from `fadyn --help`."""
        return parse_commands(self.help())

    def interface(self, command, options=None):
        """The options and operands of one command (helptext.Interface); with
        the call's options, those of the mode they select when the command's
        --help sends a mode to its own ('fadyn train --task mnist --help')."""
        if command not in self.commands():
            raise AttributeError(f"fadyn has no command '{command}' "
                                 f"(commands: {', '.join(self.commands())})")
        iface = parse_help(command, self.help(command))
        for selector in mode_helps(command, iface.text):
            pairs = list(zip(selector[::2], selector[1::2]))
            if options and all(_given(options, name[2:]) == value for name, value in pairs):
                return parse_help(command, self.help(command, *selector))
        return iface

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self.commands():
            raise AttributeError(f"fadyn has no command '{name}' "
                                 f"(commands: {', '.join(self.commands())})")

        def command(*operands, **options):
            return self.call(name, *operands, **options)

        command.__name__ = name
        command.__doc__ = self.help(name)
        return command

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.commands()))

    # --- one run ---------------------------------------------------------
    def argv(self, command, *operands, **options):
        """The argument list call() would run, and the output paths it
        passes as {option: path}; checks every option against --help."""
        iface = self.interface(command, options)
        known = iface.options
        args, outputs = [], {}
        for key, value in options.items():
            name = key.rstrip("_").replace("_", "-")
            opt = known.get(name)
            if opt is None:
                close = difflib.get_close_matches(name, list(known), n=3)
                hint = f"; did you mean {', '.join('--' + c for c in close)}?" if close else ""
                raise TypeError(f"fadyn {command}: no option --{name} in its --help{hint}")
            if value is None:
                continue
            if isinstance(value, bool):
                if opt.takes_value and name != "plot":
                    raise TypeError(f"fadyn {command}: --{name} takes a value "
                                    f"({opt.metavar}), not {value}")
                if value and name == "plot" and opt.takes_value:
                    outputs[name] = None  # a path in the run's directory
                elif value:
                    args.append(f"--{name}")
                elif f"no-{name}" in known:
                    args.append(f"--no-{name}")
                continue
            for v in _values(opt, value):
                args.append(f"--{name}={v}")
            if name in _AUTO or name == "plot":
                outputs[name] = v
        for name in _AUTO:
            if name in known and name not in options:
                outputs[name] = None
        return iface, [_scalar(o) for o in operands], args, outputs

    def _environ(self):
        env = dict(os.environ)
        env.setdefault("FADYN_PROGRESS", "0")
        env.update(self.env)
        return env

    def _rundir(self, command):
        if self.workdir is not None:
            self.workdir.mkdir(parents=True, exist_ok=True)
            return Path(tempfile.mkdtemp(prefix=f"{command}-", dir=self.workdir))
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix="fadyn-py-")
            atexit.register(shutil.rmtree, self._tmp, True)
        return Path(tempfile.mkdtemp(prefix=f"{command}-", dir=self._tmp))

    def call(self, command, *operands, **options):
        """Run `fadyn COMMAND OPERANDS --option=value ...` and read what it
        wrote.  Values: numbers and strings as they are; a list or tuple
        joined by ',' (by 'x' for an NxM option: grid=(201, 201)); for a
        repeatable option a list of those gives the option once per item
        (from_=[(-2.5, 1), (2, -2)]); True gives a flag, False its --no-
        form if there is one, None leaves the option out.  out=, summary=,
        dir= default to files in the run's directory; plot=True draws there.
        Returns a Result; raises FadynError on a non-zero exit (check=True)."""
        iface, ops, args, outputs = self.argv(command, *operands, **options)
        rundir = self._rundir(command)
        places = []  # (option, path, is_directory)
        for name, given in outputs.items():
            metavar = iface.options[name].metavar or ""
            is_dir = metavar.startswith("DIR")
            if given is None:
                path = rundir if is_dir else rundir / (name + _ext(metavar, name))
                args.append(f"--{name}={path}")
            elif given == "dumb":
                continue
            else:
                path = Path(given)
            places.append((name, path, is_dir))
        argv = [str(self.binary), command] + ops + args
        start = time.time()
        p = subprocess.run(argv, capture_output=True, text=True, env=self._environ(),
                           timeout=self.timeout, stdin=subprocess.DEVNULL)
        result = Result(command, argv, p.returncode, p.stdout, p.stderr, rundir)
        result.operands = ops
        for name, path, is_dir in places:
            _collect(result, name, path, is_dir, start)
        if p.returncode != 0 and self.check:
            raise FadynError(result.message, p.returncode, result)
        return result


def _given(options, name):
    """The string a keyword argument gives option --name (None if absent)."""
    for key, value in options.items():
        if key.rstrip("_").replace("_", "-") == name and value is not None:
            return _scalar(value)
    return None


def _ext(metavar, name):
    for ext in (".tsv", ".json", ".png", ".svg", ".pdf"):
        if ext in metavar:
            return ext
    return _EXT.get(name, "")


def _fresh(path, start):
    # a file this run wrote (1 s of slack for coarse file-system clocks)
    return path.is_file() and path.stat().st_mtime >= start - 1


# what each output option can write: --out tables, --summary JSON, --plot
# an image with its data; an output directory anything
_KINDS = {"out": (".tsv",), "summary": (".json",), "plot": (".tsv",) + _IMAGES}


def _collect(result, option, path, is_dir, start):
    """Read the files the run wrote for one output option: the path itself
    and its side files (STEM.*, STEM-*.tsv), or every file of a directory."""
    if is_dir:
        files = sorted(p for p in path.iterdir()) if path.is_dir() else []
        named = [(f.stem, f) for f in files]
    else:
        stem = path.name[: -len(path.suffix)] if path.suffix else path.name
        base = os.path.join(glob.escape(str(path.parent)), glob.escape(stem))
        files = sorted(set(glob.glob(base + ".*")) | set(glob.glob(base + "-*.tsv")))
        files = sorted((Path(f) for f in files), key=lambda f: (f != path, f.name))
        named = [(option + f.name[len(stem):-len(f.suffix)], f) for f in files]
    kinds = _KINDS.get(option)
    for key, f in named:
        if not _fresh(f, start) or (kinds is not None and f.suffix not in kinds):
            continue
        if f.suffix == ".tsv":
            for block, df in read_tables(f):
                result.tables[key if block is None else f"{key}:{block}"] = df
        elif f.suffix == ".json":
            with open(f, encoding="utf-8") as fh:
                result.summaries[key] = json.load(fh)
        elif f.suffix in _IMAGES:
            result.images[key] = f
