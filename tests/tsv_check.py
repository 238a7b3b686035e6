"""Every TSV fadyn writes loads as it is (issue 11): one table per file, a
header line of unique names, as many fields on every row, each column
either numbers (nan and inf allowed) or words, and categorical columns as
words, never 0/1 codes.

    python3 tests/tsv_check.py DIR [--newer FILE]

checks every DIR/*.tsv (with --newer, only those modified after FILE) and
prints one line per problem; exit 1 if there is any.  make demo-run ends
with it; tests/python/test_outputs.py runs the demo's commands at small
sizes and calls check_file on what they write."""

import csv
import os
import sys

# Categorical columns of fadyn's tables (and names that hold a category
# wherever they appear): their values must be words, never 0/1 or other
# codes.  A new categorical column belongs here.  (Not "stable": the
# fractions tables hold the fraction of stable ends under that name.)
CATEGORICAL = {
    "class", "predicted", "direction", "window", "curve", "status", "stable_reduced", "align", "converged", "rule", "rule_fa", "task", "kind", "mode",
    "verdict", "check", "method", "stepper", "engine",
}
CATEGORICAL_PREFIXES = ("rule_", "is_", "has_")


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def check_file(path):
    """Problems with the TSV at path, as a list of one-line strings."""
    name = os.path.basename(path)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    if not rows or not rows[0]:
        return [f"{name}: empty or no header line"]
    header = rows[0]
    bad = []
    if any(_is_number(h) for h in header):
        bad.append(f"{name}: the first line is data, not a header of names: {header[:4]}")
    if any(h.startswith("#") for h in header):
        bad.append(f"{name}: the header is a comment: {header[:4]}")
    if len(set(header)) != len(header):
        bad.append(f"{name}: repeated column names in {header}")
    body = []
    for lineno, r in enumerate(rows[1:], start=2):
        if not r:  # a blank line between groups: pandas and numpy skip it
            continue
        if r[0].startswith("#"):
            bad.append(f"{name}:{lineno}: a comment line inside the table")
            return bad
        if len(r) != len(header):
            bad.append(f"{name}:{lineno}: {len(r)} fields, the header has {len(header)}")
            return bad
        body.append(r)
    for j, h in enumerate(header):
        vals = [r[j] for r in body]
        nums = [_is_number(v) for v in vals]
        if any(nums) and not all(nums):
            words = sorted({v for v, n in zip(vals, nums) if not n})[:3]
            bad.append(f"{name}: column {h} mixes numbers and words ({words})")
        elif not any(nums) and any(v == "" for v in vals):
            bad.append(f"{name}: column {h} has empty fields")
        if (h in CATEGORICAL or h.startswith(CATEGORICAL_PREFIXES)) and any(nums):
            codes = sorted({v for v, n in zip(vals, nums) if n})[:5]
            bad.append(f"{name}: column {h} is a category coded as numbers {codes}: use words")
    return bad


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2].strip())
        return 2
    d = argv[1]
    newer = None
    if len(argv) == 4 and argv[2] == "--newer":
        newer = os.path.getmtime(argv[3])
    files = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".tsv"))
    if newer is not None:
        files = [f for f in files if os.path.getmtime(f) >= newer]
    problems = [p for f in files for p in check_file(f)]
    for p in problems:
        print(f"tsv_check: {p}")
    print(f"tsv_check: {len(files)} TSV files in {d}, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
