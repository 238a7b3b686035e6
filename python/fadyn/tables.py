"""fadyn's TSV files as pandas DataFrames.

Most files are one table: a header line, then tab-separated rows (blank
lines between groups of rows, as gnuplot likes them, are skipped).  A
gnuplot-style file of several tables is read too: each block starts with a
comment `# block N: NAME (remark)`, its columns are named by a comment line
holding tabs (`# a<TAB>w`) or by a header line, blocks are separated by
blank lines, and a single blank line inside a block separates segments
(e.g. trajectories), numbered in an added `segment` column.  A block with
no header whose rows are all numbers is a matrix (gnuplot `matrix`, e.g.
figS1's mosaics): its columns are numbered 0, 1, ..."""

import io
import re

import pandas as pd

_BLOCK = re.compile(r"^#\s*block\s+\d+\s*:\s*(.*?)\s*$")


def _frame(columns, rows):
    text = "\t".join(columns) + "\n" + "".join(r + "\n" for r in rows)
    return pd.read_csv(io.StringIO(text), sep="\t")


def _is_number(word):
    try:
        float(word)
        return True
    except ValueError:
        return False


class _Block:
    def __init__(self, title):
        self.title = title
        self.columns = None
        self.rows = []
        self.segments = []
        self.segment = 0
        self.gap = False

    def add(self, line):
        if self.columns is None and not _is_number(line.split("\t")[0]):
            self.columns = line.split("\t")
            return
        if self.gap and self.rows:
            self.segment += 1
        self.gap = False
        self.rows.append(line)
        self.segments.append(self.segment)

    def frame(self):
        if self.columns is None:  # a matrix (gnuplot `matrix`): columns 0, 1, ...
            df = pd.read_csv(io.StringIO("".join(r + "\n" for r in self.rows)), sep="\t",
                             header=None)
        else:
            df = _frame(self.columns, self.rows)
        if self.segment > 0 and "segment" not in df.columns:
            df["segment"] = self.segments
        df.attrs["title"] = self.title
        return df


def _names(blocks):
    """Short names: the title before ' (' when that is unique in the file,
    else the whole title (numbered when even that repeats)."""
    short = [re.split(r"\s+\(", b.title, maxsplit=1)[0] or "block" for b in blocks]
    names, seen = [], {}
    for s, b in zip(short, blocks):
        name = s if short.count(s) == 1 else (b.title or s)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return names


def read_tables(path):
    """The tables of one TSV file, as a list of (name, DataFrame): a single
    table has the name None; blocks are named after their `# block` comment."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not any(line.startswith("#") for line in lines):
        rows = [line for line in lines if line.strip()]
        if not rows:
            return [(None, pd.DataFrame())]
        return [(None, _frame(rows[0].split("\t"), rows[1:]))]
    blocks = []
    current = None
    for line in lines:
        if not line.strip():
            if current is not None:
                current.gap = True
            continue
        if line.startswith("#"):
            m = _BLOCK.match(line)
            if m:
                current = _Block(m.group(1))
                blocks.append(current)
            elif "\t" in line:
                names = line.lstrip("#").strip().split("\t")
                if current is None or current.rows:
                    current = _Block(current.title if current else "")
                    blocks.append(current)
                current.columns = [n.strip() for n in names]
            continue
        if current is None:
            current = _Block("")
            blocks.append(current)
        current.add(line)
    blocks = [b for b in blocks if b.columns or b.rows]
    if len(blocks) == 1:
        return [(None, blocks[0].frame())]
    return list(zip(_names(blocks), (b.frame() for b in blocks)))


def read_tsv(path):
    """A DataFrame for a one-table file, else {block name: DataFrame}."""
    tables = read_tables(path)
    if len(tables) == 1 and tables[0][0] is None:
        return tables[0][1]
    return dict(tables)
