#!/usr/bin/env python3
"""Replace every ``` block of docs/cli.md that starts with "usage: fadyn CMD"
by the current output of `fadyn CMD --help` (run by `make docs`; a test checks
that the two agree).  usage: sync-help.py FADYN_BINARY DOC"""
import re
import subprocess
import sys

fadyn, doc = sys.argv[1], sys.argv[2]
text = open(doc, encoding="utf-8").read()


def fresh(m):
    cmd = m.group(2).split()  # "train", or "train --task mnist"
    out = subprocess.run([fadyn, *cmd, "--help"], capture_output=True, text=True,
                         check=True).stdout
    return m.group(1) + out + "```"


HEAD = r"(```\n)usage: fadyn (\w+(?: --task \w+)?)"
new = re.sub(r"(```\n)(?=usage: fadyn \w+)usage: fadyn \w+[\s\S]*?```",
             lambda m: fresh(re.match(HEAD, m.group(0))), text)
if new != text:
    open(doc, "w", encoding="utf-8").write(new)
    print(f"{doc}: help blocks updated")
