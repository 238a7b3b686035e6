"""A fadyn command's interface, read from its --help text at run time.

Nothing here lists fadyn's options: they are whatever `fadyn CMD --help`
prints, so a new option (or a renamed one) needs no change in this module.
An option line looks like

    --name METAVAR      description, possibly continued
                        on more deeply indented lines
    --rtol X --atol X   several options sharing a description
    --bias, --no-bias   a pair of flags

and an option may also be mentioned in another's description
("--nmax N ... ; --hmin H smallest step").  METAVAR starts with a capital
letter (X, N, LIST, FILE.tsv, FILE|dumb, NxM, A,W); an option never shown
with one is a flag."""

import re
from dataclasses import dataclass, field

# --name, then optionally one space or '=' and a metavar
_OPTION = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)(?:[ =]([A-Z][A-Za-z0-9_.,|{}-]*))?")
# a definition line: indentation, then options with their metavars
_DEFINITION = re.compile(r"^(\s+)((?:--[a-z][a-z0-9-]*(?:[ =][A-Z][A-Za-z0-9_.,|{}-]*)?,?\s*)+)(.*)$")
_COMMAND = re.compile(r"^\s{2}([a-z][a-z0-9-]*)\s{2,}(\S.*)$")


@dataclass
class Option:
    """One option of a command: its name (without --), its metavar (None for
    a flag), its description, and whether it may be given several times."""

    name: str
    metavar: str = None
    doc: str = ""
    repeatable: bool = False

    @property
    def takes_value(self):
        return self.metavar is not None

    @property
    def separator(self):
        """How a Python sequence is joined: 'x' for NxM, ',' otherwise."""
        if self.metavar and re.fullmatch(r"[A-Z]+x[A-Z]+", self.metavar):
            return "x"
        return ","


@dataclass
class Interface:
    """What `fadyn CMD --help` says: the options and the operands."""

    command: str
    text: str
    options: dict = field(default_factory=dict)
    operands: list = field(default_factory=list)


def _note(options, name, metavar, doc=""):
    opt = options.setdefault(name, Option(name))
    if metavar and not opt.metavar:
        opt.metavar = metavar
    if doc and not opt.doc:
        opt.doc = doc
        opt.repeatable = "repeatable" in doc


def parse_help(command, text):
    """The Interface described by a command's --help text."""
    options = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _DEFINITION.match(lines[i])
        if m:
            indent, head, doc = len(m.group(1)), m.group(2), m.group(3)
            j = i + 1
            # continuation: deeper indentation, not itself an option line
            while j < len(lines) and lines[j].strip() and \
                    len(lines[j]) - len(lines[j].lstrip()) > indent and \
                    not lines[j].lstrip().startswith("--"):
                doc += " " + lines[j].strip()
                j += 1
            doc = " ".join(doc.split())
            for om in _OPTION.finditer(head):
                _note(options, om.group(1), om.group(2), doc)
            i = j
        else:
            i += 1
    # options mentioned anywhere else (in a description, a usage line)
    for om in _OPTION.finditer(text):
        _note(options, om.group(1), om.group(2))
    operands = []
    usage = re.search(r"^usage: fadyn \S+(.*)$", text, re.M)
    if usage:
        operands = [w for w in usage.group(1).split() if not w.startswith("[")]
    return Interface(command, text, options, operands)


def mode_helps(command, text):
    """The modes of a command that have a --help of their own, as the
    command's help names them ('fadyn train --task mnist --help'): a list of
    selectors, each the flat list ['--task', 'mnist', ...]."""
    found = re.finditer(rf"fadyn\s+{re.escape(command)}((?:\s+--[a-z][a-z0-9-]*\s+[\w.-]+)+)"
                        r"\s+--help", text)
    modes = []
    for m in found:
        words = m.group(1).split()
        if words not in modes:
            modes.append(words)
    return modes


def parse_commands(text):
    """{name: description} from the 'commands:' section of `fadyn --help`."""
    commands = {}
    inside = False
    for line in text.splitlines():
        if line.strip() == "commands:":
            inside = True
            continue
        if inside:
            m = _COMMAND.match(line)
            if not m:
                break
            commands[m.group(1)] = m.group(2).strip()
    return commands
