"""fadyn from Python: run the fadyn binary with keyword arguments and get
its outputs back as Python objects.

    import fadyn
    r = fadyn.ode(sizes=(30, 20, 10), rule="fa", t_end=50)
    r.table            # the --out TSV as a pandas DataFrame
    r.summary          # the --summary JSON as a dict
    fadyn.basin(b=1, t=1, grid=(201, 201)).summary["bad_fraction"]
    fadyn.flow(from_=[(-2.5, 1)], plot=True).png     # path of the PNG

Every command of `fadyn --help` is a function of this module, and its
keyword arguments are the options of `fadyn COMMAND --help` ('-' written
'_'; a trailing '_' is dropped, for from_= and break_=), both read from the
binary at run time.  A non-zero exit raises FadynError, which carries
fadyn's one-line message, the exit status and the partial Result.  The
binary is $FADYN_BIN, else the repository's build/fadyn, else the install
prefix's bin/fadyn, else fadyn on PATH.  Fadyn(workdir=..., check=False)
keeps the files or returns failed runs instead of raising."""

from .binary import FadynNotFound, find_binary
from .helptext import Interface, Option, parse_commands, parse_help
from .runner import Fadyn, FadynError, Result
from .tables import read_tables, read_tsv

__all__ = ["Fadyn", "FadynError", "FadynNotFound", "Interface", "Option", "Result",
           "call", "commands", "default", "find_binary", "help", "parse_commands",
           "parse_help", "read_tables", "read_tsv"]

_default = None


def default():
    """The Fadyn that the module-level functions use (made on first use)."""
    global _default
    if _default is None:
        _default = Fadyn()
    return _default


def call(command, *operands, **options):
    """Run one fadyn command: see Fadyn.call."""
    return default().call(command, *operands, **options)


def commands():
    """{command: description} of the fadyn binary in use."""
    return default().commands()


def help(command=None):  # noqa: A001 (the module's own help, like fadyn help)
    """The --help text of fadyn or of one command."""
    return default().help(command)


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    try:
        runner = default()
    except FadynNotFound as e:
        raise AttributeError(f"fadyn.{name}: {e}") from None
    return getattr(runner, name)


def __dir__():
    names = set(globals())
    try:
        names |= set(default().commands())
    except FadynNotFound:
        pass
    return sorted(names)
