#!/usr/bin/env python3
"""Write the seed corpora of tests/fuzz/ (but the checkpoints: fuzz_checkpoint
writes those, FADYN_FUZZ_SEEDS=DIR).  Usage: seeds.py FADYN_BIN CORPUS_DIR

args_CMD: the command lines of docs/cli.md's examples, and one seed per
option of `fadyn CMD --help` with the default it shows (or 1); words
separated by NUL bytes.  matrix: small valid and edge files.  idx: the mode
byte of fuzz_idx.c (bit 0 gzip, bits 1-3 the dimensions asked for), then
the file."""
import gzip
import os
import re
import subprocess
import sys

fadyn, out = sys.argv[1], sys.argv[2]


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def words(*w):
    return b"\0".join(x.encode() for x in w)


EXAMPLES = {
    "ode": ["--log-time --t-end 50 --plot fa.png --summary fa.json", "--init zero --t-end 400",
            "--rule bp --sizes 30,20,10,10 --sigma 2 --stepper msbdf",
            "--save-init start --t-end 0.001 --samples 2 --quiet",
            "--init-from start --save-final end --out run.tsv", "--out F --summary F"],
    "flow": ["--plot fig3b.png", "--from -2.5,1 --from -1,-2.5 --plot fig3b.png",
             "--window -1.6,-0.4,-1.6,-0.4 --from -1.2,-0.75 --plot fold.png",
             "--b -1 --t 1 --plot mirror.png", "--out flow.tsv --quiet", "--interactive"],
    "basin": ["--grid 201x201 --summary basin.json --plot basin.png", "--from -3,2 --from 0,0",
              "--b 2 --t -0.5 --window -4,4,-4,4 --grid 401x401",
              "--sizes 30,20,10 --samples 10 --init-scale 0.001,0.01,0.1,1",
              "--sizes 30,20,10 --slice --init-scale 1 --plot slice.png",
              "--sizes 30,20,10 --slice --slice-axes 0,1 --map angle"],
    "train": ["--plot fa.png --summary fa.json",
              "--task teacher --sizes 30,20,10,10 --rule bp --runs 20 --examples 300000",
              "--rule sparse-fa --drop 0.5 --batch 100 --eta 0.1",
              "--rule np --tune-rate --summary np.json"],
    "train_mnist": ["--task mnist --epochs 1 --hidden 100", "--task mnist --rule bp --runs 2",
                    "--task mnist --checkpoint c.ckp --checkpoint-every 1000",
                    "--task mnist --resume c.ckp --epochs 2 --examples 10"],
    "compare": ["--etas 0.1,0.01 --summary c.json --plot c.png", "--etas 1e-12"],
    "verify": ["--only p3 --instances 200", "--break sign --summary sign.json",
               "--break rank --plot figs"],
    "figure": ["fig1d fig1e fig2d fig4", "all --quiet", "fig1d --examples 200 --runs 10000000000000",
               "fig1e --examples 18446744073709551615", "fig3b --dir plots"],
}

for cmd, lines in EXAMPLES.items():
    name = cmd.split("_")[0]
    for i, line in enumerate(lines):
        put("args_" + cmd, "example-%d" % i, words(*line.split()))
    put("args_" + cmd, "help", words("--help"))
    helpargs = [name, "--task", "mnist", "--help"] if cmd == "train_mnist" else [name, "--help"]
    text = subprocess.run([fadyn] + helpargs, capture_output=True, text=True).stdout
    for m in re.finditer(r"^  --([a-z0-9-]+)( \S+)?\s+(.*(?:\n {20,}.*)*)", text, re.M):
        opt, metavar, help_ = m.group(1), m.group(2), " ".join(m.group(3).split())
        pre = ["--task", "mnist"] if cmd == "train_mnist" and opt != "task" else []
        if metavar is None:
            put("args_" + cmd, "opt-" + opt, words(*pre, "--" + opt))
            continue
        d = re.search(r"\(default ([^;)]+)", help_)
        val = d.group(1).strip() if d else "1"
        put("args_" + cmd, "opt-" + opt, words(*pre, "--" + opt, val))

MATRICES = {
    "2x2": b"1 2\n3 4\n", "comment": b"# T\n\n1e-3\t-2.5\n+0 .5\n", "crlf": b"1 2\r\n3 4\r\n",
    "ragged": b"1 2\n3\n", "nan": b"1 nan\n", "inf": b"inf 1\n", "empty": b"", "blank": b"\n \n",
    "comma": b"1,2\n", "nul": b"1 2\n\0 3 4\n", "long": b"1" * 5000 + b"\n",
    "subnormal": b"1e-320 1\n", "huge": b"1e309 1\n", "hex": b"0x10 2\n",
    "binary": bytes(range(256)), "noeol": b"1 2\n3 4",
}
for name, data in MATRICES.items():
    put("matrix", name, data)


def idx(dims, data):
    h = bytes([0, 0, 8, len(dims)])
    for n in dims:
        h += n.to_bytes(4, "big")
    return h + data


def mode(gz, ndim):
    return bytes([(ndim << 1) | gz])


IDX = {
    "labels": (0, 1, idx([3], bytes([1, 2, 3]))),
    "images": (0, 3, idx([2, 2, 2], bytes(range(8)))),
    "any4": (0, 0, idx([1, 2, 1, 2], bytes(4))),
    "truncated": (0, 1, idx([10], bytes(3))),
    "extra": (0, 1, idx([2], bytes(5))),
    "zero-dim": (0, 1, idx([0], b"")),
    "huge-dims": (0, 3, idx([0x7fffffff, 0x7fffffff, 0x7fffffff], b"")),
    "bad-magic": (0, 0, b"\x01\x00\x08\x01\x00\x00\x00\x01x"),
    "bad-type": (0, 0, b"\x00\x00\x0d\x01\x00\x00\x00\x01x"),
    "five-dims": (0, 0, bytes([0, 0, 8, 5]) + bytes(20)),
    "gz-labels": (1, 1, idx([3], bytes([1, 2, 3]))),
    "gz-images": (1, 3, idx([2, 2, 2], bytes(range(8)))),
    "oom-gzip-header-claims-2gib": (1, 1, idx([0x7fffffff], bytes(16))),
    "gz-truncated": (1, 3, idx([2, 2, 2], bytes(3))),
    "gz-extra": (1, 1, idx([2], bytes(9))),
    "pre-gzipped": (0, 1, gzip.compress(idx([4], bytes(4)), mtime=0)),
    "pre-gzipped-corrupt": (0, 1, gzip.compress(idx([4], bytes(4)), mtime=0)[:-6] + b"xx"),
    "empty": (0, 0, b""),
}
for name, (gz, ndim, data) in IDX.items():
    put("idx", name, mode(gz, ndim) + data)
