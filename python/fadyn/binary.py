"""Where the fadyn binary is: $FADYN_BIN, the repository's build/, an
installed prefix's bin/, or PATH, in that order."""

import os
import shutil
from pathlib import Path

_HERE = Path(__file__).resolve().parent


class FadynNotFound(FileNotFoundError):
    """No fadyn binary where the module looks for one."""


def _candidates():
    # python/fadyn/ in a clone: the binary is ../../build/fadyn
    yield _HERE.parent.parent / "build" / "fadyn"
    # PREFIX/share/fadyn/python/fadyn/ when installed: PREFIX/bin/fadyn
    yield _HERE.parent.parent.parent.parent / "bin" / "fadyn"


def _executable(path):
    return path.is_file() and os.access(path, os.X_OK)


def find_binary(explicit=None):
    """The path of the fadyn binary to run.

    `explicit` (or $FADYN_BIN when it is None) wins and must name an
    executable file; otherwise the build/ of the repository this module
    sits in, the bin/ of the prefix it was installed into, then PATH."""
    given = explicit if explicit is not None else os.environ.get("FADYN_BIN")
    if given:
        path = Path(given)
        if not _executable(path):
            found = shutil.which(str(given))
            if found is None:
                source = "FADYN_BIN" if explicit is None else "binary"
                raise FadynNotFound(f"{source}={given!s}: not an executable file")
            path = Path(found)
        return path.resolve()
    for path in _candidates():
        if _executable(path):
            return path
    found = shutil.which("fadyn")
    if found is not None:
        return Path(found).resolve()
    raise FadynNotFound(
        "no fadyn binary: build it (make), put it on PATH, or set FADYN_BIN")
