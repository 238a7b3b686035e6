#!/usr/bin/env python3
"""Man pages from fadyn's own --help texts (run by `make man`), so that they
cannot drift from the program: fadyn(1) from `fadyn --help`, and
fadyn-CMD(1) from `fadyn CMD --help` for every command listed there.

usage: help2man.py FADYN_BINARY OUTDIR [DATE]

The help text is read as it is laid out: the usage line becomes the
SYNOPSIS; unindented lines are prose (filled); a line ending in ':' is a
subsection when options follow it; an indented line starting with --option is an option, its
deeper-indented continuation lines its description; other indented lines
(formulas, lists of names) are kept as they are; a paragraph starting with
'Exit status' becomes EXIT STATUS."""

import re
import subprocess
import sys
from pathlib import Path

OPTION_HEAD = re.compile(
    r"^(\s+)((?:--[a-z][a-z0-9-]*(?:[ =][A-Z][A-Za-z0-9_.,|{}-]*)?,?\s*)+)(.*)$")
OPTION = re.compile(r"--([a-z][a-z0-9-]*)(?:[ =]([A-Z][A-Za-z0-9_.,|{}-]*))?")


def esc(text):
    """Text made safe for roff: backslashes, minus signs, non-ASCII."""
    out = []
    for ch in text.replace("\\", "\\e").replace("-", "\\-"):
        out.append(ch if ord(ch) < 128 else "\\[u%04X]" % ord(ch))
    return "".join(out)


def line(text):
    """One roff text line: a leading '.' or "'" would be a request."""
    return "\\&" + text if text[:1] in (".", "'") else text


def term(head):
    """The bold option names and italic metavars of an option line."""
    parts = []
    for m in OPTION.finditer(head):
        s = "\\fB\\-\\-" + esc(m.group(1)) + "\\fR"
        if m.group(2):
            s += " \\fI" + esc(m.group(2)) + "\\fR"
        parts.append(s)
    return ", ".join(parts) if "," in head else " ".join(parts)


def paragraphs(text):
    """Blank-line separated blocks; an 'Exit status' line starts its own."""
    block = []
    for raw in text.splitlines():
        if raw.startswith("Exit status") and block:
            yield block
            block = []
        if raw.strip():
            block.append(raw.rstrip())
        elif block:
            yield block
            block = []
    if block:
        yield block


def description(parts):
    """An option's description: filled text, with verbatim runs for the
    (text, True) items."""
    out, words, verbatim = [], [], False
    for part in parts:
        text, keep = part if isinstance(part, tuple) else (part, False)
        if keep and not verbatim:
            if words:
                out.append(line(esc(" ".join(words))))
                words = []
            out.append(".nf")
            verbatim = True
        elif not keep and verbatim:
            out.append(".fi")
            verbatim = False
        if keep:
            out.append(line(esc(text.rstrip())))
        else:
            words.append(text)
    if words:
        out.append(line(esc(" ".join(words))))
    if verbatim:
        out.append(".fi")
    return out


def body(lines):
    """roff for the lines of one paragraph of a help text."""
    out = []
    i = 0
    mode = None  # 'fill', 'verbatim' or 'option'

    def enter(new):
        nonlocal mode
        if mode == "verbatim" and new != "verbatim":
            out.extend([".fi", ".RE"])
        if new == "verbatim" and mode != "verbatim":
            out.extend([".RS 2", ".nf"])
        if new == "fill" and mode != "fill":
            out.append(".PP")
        mode = new

    while i < len(lines):
        text = lines[i]
        indent = len(text) - len(text.lstrip())
        m = OPTION_HEAD.match(text)
        if m:
            # the description's column: where it starts on this line, else
            # where the first continuation line starts
            column = m.start(3) if m.group(3).strip() else None
            desc = [m.group(3).strip()] if m.group(3).strip() else []
            i += 1
            while i < len(lines) and len(lines[i]) - len(lines[i].lstrip()) > indent \
                    and not lines[i].lstrip().startswith("--"):
                deeper = len(lines[i]) - len(lines[i].lstrip())
                column = deeper if column is None else column
                # lines indented beyond the column are a table: kept as laid out
                desc.append((lines[i][column:] if deeper > column else lines[i].strip(),
                             deeper > column))
                i += 1
            enter("option")
            out.append(".TP")
            out.append(term(m.group(2)))
            out.extend(description(desc) or ["\\&"])
            continue
        heads_options = i + 1 < len(lines) and OPTION_HEAD.match(lines[i + 1])
        if indent == 0 and text.endswith(":") and heads_options:
            enter(None)
            out.append(".SS " + esc(text[:-1]))
        elif indent == 0:
            enter("fill")
            out.append(line(esc(text.strip())))
        else:
            enter("verbatim")
            out.append(line(esc(text[2:] if text.startswith("  ") else text)))
        i += 1
    enter(None)
    return out


def page(name, title, synopsis, help_text, date, version, see_also):
    paras = list(paragraphs(help_text))
    if paras and paras[0][0].startswith("usage:"):
        paras = paras[1:]
    exit_status = [p for p in paras if p[0].startswith("Exit status")]
    paras = [p for p in paras if not p[0].startswith("Exit status")]
    out = [f'.TH {name.upper()} 1 "{date}" "fadyn {version}" "fadyn manual"',
           ".nh", ".ad l", ".SH NAME", f"{esc(name)} \\- {esc(title)}", ".SH SYNOPSIS", synopsis,
           ".SH DESCRIPTION"]
    for p in paras:
        out.extend(body(p))
    if exit_status:
        out.append(".SH EXIT STATUS")
        for p in exit_status:
            out.extend(body([p[0][len("Exit status:"):].strip()] + p[1:]))
    out.append(".SH SEE ALSO")
    out.append(",\n".join(f"\\fB{esc(n)}\\fR(1)" for n in see_also))
    out.append(".PP\nThe documents under share/doc/fadyn/ (docs/ in the source tree):\n"
               "cli.md, the command line in full; python.md, the Python module.")
    return "\n".join(out) + "\n"


def synopsis_of(usage):
    """`usage: fadyn figure NAME... [OPTIONS]` as roff."""
    words = usage.split()[1:]
    cmd = [w for w in words if re.fullmatch(r"[a-z][a-z0-9-]*", w)]
    rest = words[len(cmd):]
    parts = [".B " + " ".join(esc(w) for w in cmd)]
    for w in rest:
        inner = w.strip("[]")
        s = "\\fI" + esc(inner) + "\\fR" if inner.isupper() or inner.rstrip(".").isupper() \
            else "\\fB" + esc(inner) + "\\fR"
        parts.append(("[" + s + "]") if w.startswith("[") else s)
    return parts[0] + "\n" + " ".join(parts[1:])


def main():
    binary, outdir = sys.argv[1], Path(sys.argv[2])
    date = sys.argv[3] if len(sys.argv) > 3 else ""

    def run(*args):
        return subprocess.run([binary, *args], capture_output=True, text=True,
                              check=True).stdout

    version = run("--version").split()[1]
    top = run("--help")
    commands = {}
    inside = False
    for text in top.splitlines():
        if text.strip() == "commands:":
            inside = True
        elif inside:
            m = re.match(r"^\s{2}([a-z][a-z0-9-]*)\s{2,}(\S.*)$", text)
            if not m:
                break
            commands[m.group(1)] = m.group(2).strip()
    if not commands:
        sys.exit("help2man.py: no 'commands:' list in fadyn --help")
    outdir.mkdir(parents=True, exist_ok=True)
    names = ["fadyn"] + [f"fadyn-{c}" for c in commands]
    usage = top.splitlines()[0]
    pages = {"fadyn": page("fadyn", top.splitlines()[2].split(": ", 1)[-1].rstrip("."),
                           synopsis_of(usage), top, date, version, names[1:])}
    for cmd, about in commands.items():
        text = run(cmd, "--help")
        pages[f"fadyn-{cmd}"] = page(f"fadyn-{cmd}", about, synopsis_of(text.splitlines()[0]),
                                     text, date, version,
                                     [n for n in names if n != f"fadyn-{cmd}"])
    for name, roff in pages.items():
        path = outdir / f"{name}.1"
        tmp = path.with_suffix(".1.tmp")
        tmp.write_text(roff, encoding="ascii")
        tmp.replace(path)
    print(f"help2man.py: {len(pages)} pages in {outdir}")


if __name__ == "__main__":
    main()
