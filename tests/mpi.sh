#!/bin/sh
# tests/mpi.sh — the MPI build (make MPI=1) under `mpirun -np 2` on loopback
# against the plain build, run by make check-mpi (part of make check):
#
#  * every distributed command writes the same bytes as the serial run with
#    the same arguments: TSV tables, scripts and images byte for byte, JSON
#    summaries byte for byte once the fields that measure time
#    (wall_seconds and the rates computed from it) are masked; each rank
#    runs 2 OpenMP threads
#  * a command that is not distributed refuses in one line (exit 2) and
#    writes nothing; bad input is one line, not one per rank
#  * when one rank alone fails (an argument, the MNIST files), every rank
#    stops and rank 0 prints that rank's line: no rank is left waiting
#
# SERIAL and PARALLEL name the two binaries.
set -eu
SERIAL=$(realpath "${SERIAL:-build/fadyn}")
PARALLEL=$(realpath "${PARALLEL:-build/mpi/fadyn}")
command -v mpirun >/dev/null || { echo "tests/mpi.sh: skipped, no mpirun"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "tests/mpi.sh: FAIL: $*"; fails=$((fails + 1)); }
if [ "$(id -u)" = 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMP_NUM_THREADS=2 FADYN_PROGRESS=0
serial() { "$SERIAL" "$@"; }
# each rank free to use both cores (Open MPI binds a rank to one core by default)
parallel() { timeout 120 mpirun -np 2 --oversubscribe --bind-to none "$PARALLEL" "$@"; }
mask() { # the JSON without its timing fields
    python3 -c 'import json, sys
def drop(x):
    if isinstance(x, dict):
        return {k: drop(v) for k, v in x.items()
                if k not in ("wall_seconds", "trajectories_per_second", "examples_per_second",
                             "train_seconds", "eval_seconds")}
    if isinstance(x, list):
        return [drop(v) for v in x]
    return x
print(json.dumps(drop(json.load(open(sys.argv[1]))), indent=1))' "$1"
}

# same NAME ARGS...: the command serially into $tmp/s/, under mpirun into
# $tmp/p/ (OUT, SUM and PLOT in ARGS stand for --out's, --summary's and
# --plot's paths, DIR for the directory),
# then every file of s/ compared with p/.
same() {
    name=$1
    shift
    rm -rf "$tmp/s" "$tmp/p"
    f0=$fails
    mkdir -p "$tmp/s" "$tmp/p"
    t0=$(date +%s)
    for side in s p; do
        args="" # the arguments with OUT, SUM and PLOT replaced""
        for a in "$@"; do
            case "$a" in
            OUT) a="$tmp/$side/out.tsv" ;;
            SUM) a="$tmp/$side/summary.json" ;;
            PLOT) a="$tmp/$side/plot.png" ;;
            DIR) a="$tmp/$side" ;;
            esac
            args="$args '$a'"
        done
        if [ $side = s ]; then
            eval serial $args > "$tmp/$side.stdout" 2> "$tmp/$side.stderr" || {
                cat "$tmp/$side.stderr"
                fail "$name: the serial run failed"
                return
            }
        else
            eval parallel $args > "$tmp/$side.stdout" 2> "$tmp/$side.stderr" || {
                cat "$tmp/$side.stderr"
                fail "$name: mpirun -np 2 failed"
                return
            }
        fi
    done
    n=0
    for f in "$tmp/s"/*; do
        b=${f##*/}
        n=$((n + 1))
        if [ ! -f "$tmp/p/$b" ]; then
            fail "$name: mpirun wrote no $b"
        elif [ "${b%.json}" != "$b" ]; then
            mask "$f" > "$tmp/s.masked"
            mask "$tmp/p/$b" > "$tmp/p.masked"
            cmp -s "$tmp/s.masked" "$tmp/p.masked" || {
                diff "$tmp/s.masked" "$tmp/p.masked" | head -20
                fail "$name: $b differs from the serial run's"
            }
        else # the images too: gnuplot draws the same bytes from the same data
            cmp -s "$f" "$tmp/p/$b" || fail "$name: $b differs from the serial run's"
        fi
    done
    [ "$(ls "$tmp/p" | wc -l)" = "$n" ] || fail "$name: mpirun wrote other files: $(ls "$tmp/p")"
    [ $n -ge 1 ] || fail "$name: no file to compare"
    [ $fails != "$f0" ] || echo "tests/mpi.sh: $name: $n files, serial and mpirun -np 2 the same ($(($(date +%s) - t0)) s)"
}

# fake_mnist DIR SEED: small MNIST files of 28x28 images (600 training,
# 200 test), one random pattern per class, the standard IDX names
fake_mnist() {
    mkdir -p "$1"
    python3 - "$1" "$2" <<'PY'
import random, struct, sys
d, rng = sys.argv[1], random.Random(int(sys.argv[2]))
pattern = [[rng.random() < 0.2 for _ in range(784)] for _ in range(10)]
for prefix, n in (("train", 600), ("t10k", 200)):
    px = bytearray()
    for m in range(n):
        for on in pattern[m % 10]:
            px.append(128 + rng.randrange(128) if rng.random() < (0.8 if on else 0.03) else 0)
    open(f"{d}/{prefix}-images-idx3-ubyte", "wb").write(struct.pack(">iiii", 0x803, n, 28, 28) + bytes(px))
    open(f"{d}/{prefix}-labels-idx1-ubyte", "wb").write(struct.pack(">ii", 0x801, n) + bytes(m % 10 for m in range(n)))
PY
}
fake_mnist "$tmp/mnist" 2
fake_mnist "$tmp/other" 3 # other images: refused under mpirun beside $tmp/mnist

same "basin grid" basin --grid 41x31 --out OUT --summary SUM --quiet
same "basin grid --plot" basin --grid 21x21 --out OUT --plot PLOT --quiet
same "basin network" basin --sizes 6,4,3 --samples 8 --out OUT --summary SUM --quiet
same "basin slice" basin --sizes 6,4,3 --slice --grid 5x4 --out OUT --summary SUM --quiet
same "verify" verify --instances 3 --summary SUM --quiet
same "train --runs" train --runs 7 --examples 3000 --out OUT --summary SUM --quiet
same "figure --full" figure fig1d fig2d fig4 --full --runs 2 --examples 2000 --dir DIR --quiet
same "train --task mnist --runs" train --task mnist --mnist-dir "$tmp/mnist" --runs 5 --hidden 40 \
    --examples 1500 --eval-every 500 --out OUT --summary SUM --plot PLOT --quiet
same "train --task mnist, one run" train --task mnist --mnist-dir "$tmp/mnist" --hidden 300 \
    --rule sparse-fa --examples 1000 --eval-every 250 --precision double --out OUT --summary SUM --quiet
same "figure fig2a fig2b figS1" figure fig2a fig2b figS1 --mnist-dir "$tmp/mnist" --runs 2 \
    --examples 1200 --dir DIR --quiet
same "train --tune" train --tune --runs 3 --examples 2000 --rule bp --out OUT --summary SUM --quiet

# an output directory that does not exist yet: rank 0 makes it, the other
# ranks do not wait for it (they once found it missing, now and then)
f0=$fails
for i in 1 2 3; do
    parallel figure fig1d --runs 2 --examples 500 --dir "$tmp/new$i/fig" --quiet \
        > "$tmp/n.out" 2>&1 || { cat "$tmp/n.out"; fail "figure into a new directory, try $i"; }
    [ -s "$tmp/new$i/fig/fig1d.json" ] || fail "figure into a new directory, try $i: no fig1d.json"
done
[ $fails != "$f0" ] || echo "tests/mpi.sh: figure into a new directory: 3 tries, each written"

# one line from rank 0 (exit 2), nothing written, for a command that is not
# distributed and for bad input; launched by parallel, or by $launch
one_line() {
    name=$1 want=$2
    shift 2
    rm -rf "$tmp/r" && mkdir -p "$tmp/r"
    f0=$fails
    rc=0
    (cd "$tmp/r" && ${launch:-parallel} "$@") > "$tmp/r.stdout" 2> "$tmp/r.stderr" || rc=$?
    [ $rc = "${want_rc:-2}" ] || fail "$name: exit $rc, want ${want_rc:-2}"
    lines=$(grep -c '^fadyn' "$tmp/r.stderr" || true)
    [ "$lines" = 1 ] || { cat "$tmp/r.stderr"; fail "$name: $lines lines of fadyn on stderr, want 1"; }
    grep -q "$want" "$tmp/r.stderr" || { cat "$tmp/r.stderr"; fail "$name: no '$want' on stderr"; }
    [ -z "$(ls "$tmp/r")" ] || fail "$name: wrote $(ls "$tmp/r")"
    [ ! -s "$tmp/r.stdout" ] || fail "$name: wrote to standard output"
    [ $fails != "$f0" ] || echo "tests/mpi.sh: $name: one line, exit ${want_rc:-2}"
}
one_line "ode refused" "^fadyn ode: ode runs in one process, not across 2 MPI ranks" \
    ode --t-end 1 --out x.tsv --summary x.json
one_line "flow refused" "^fadyn flow: flow runs in one process" flow --out x.tsv
one_line "compare refused" "^fadyn compare: compare runs in one process" compare --out x.tsv
one_line "mnist checkpoint refused" "^fadyn train: --checkpoint: checkpoints are written and resumed by one process" \
    train --task mnist --mnist-dir "$tmp/mnist" --examples 600 --checkpoint x.ckpt --out x.tsv
one_line "mnist resume refused" "^fadyn train: --resume: checkpoints are written and resumed by one process" \
    train --task mnist --mnist-dir "$tmp/mnist" --examples 600 --resume x.ckpt --out x.tsv
# rank 0 with $opt $rank0_dir, rank 1 with $opt $rank1_dir: every rank
# stops, rank 0 says why
mpmd() {
    timeout 120 mpirun --oversubscribe --bind-to none -np 1 "$PARALLEL" "$@" "$opt" "$rank0_dir" \
        : -np 1 "$PARALLEL" "$@" "$opt" "$rank1_dir"
}
launch=mpmd opt=--mnist-dir rank0_dir="$tmp/mnist"
rank1_dir="$tmp/none"
one_line "mnist missing on rank 1" \
    "^fadyn train: rank 1: .*none/train-images-idx3-ubyte: no such file" \
    train --task mnist --examples 600 --out x.tsv
rank1_dir="$tmp/other"
one_line "mnist other files on rank 1" \
    "^fadyn train: .*mnist: the MPI ranks read different MNIST files" \
    train --task mnist --examples 600 --out x.tsv
rank1_dir="$tmp/none" want_rc=1 # a figure that fails: exit 1
one_line "figure fig2a, mnist missing on rank 1" \
    "^fadyn figure: fig2a: rank 1: .*none/train-images-idx3-ubyte: no such file" \
    figure fig2a --examples 600 --runs 2 --dir . --quiet
"$SERIAL" ode --sizes 6,4,3 --t-end 0.1 --save-init "$tmp/init" --quiet --out /dev/null
cp -r "$tmp/init" "$tmp/init2"
sed -i '1s/^[^ ]*/0.5/' "$tmp/init2/T.txt" # another first entry of T
opt=--init-from rank0_dir="$tmp/init" rank1_dir="$tmp/none" want_rc=2
one_line "basin --init-from missing on rank 1" "^fadyn basin: rank 1: .*none: no such directory" \
    basin --sizes 6,4,3 --out x.tsv --quiet
rank1_dir="$tmp/init2"
one_line "basin --init-from other files on rank 1" \
    "^fadyn basin: .*init: the MPI ranks read different files" basin --sizes 6,4,3 --out x.tsv --quiet
one_line "train --init-from other files on rank 1" \
    "^fadyn train: .*init: the MPI ranks read different files" train --runs 2 --examples 500 --out x.tsv
# rank 1 alone refuses an argument (a check that can see its node's files
# differently): rank 0 says so, and no rank goes on alone (no hang)
rank1() {
    timeout 120 mpirun --oversubscribe --bind-to none -np 1 "$PARALLEL" "$@" \
        : -np 1 "$PARALLEL" "$@" --runs 0
}
launch=rank1 want_rc=2
one_line "a check failed on rank 1 alone" "^fadyn figure: rank 1: --runs 0: must be between 1 and 1000" \
    figure fig1d --examples 500 --dir new --quiet
launch=parallel want_rc=2
one_line "basin points refused" "^fadyn basin: basin's points mode (--from, --from-file) runs in one" \
    basin --from 1,1 --out x.tsv
one_line "figure fig1e refused" "^fadyn figure: figure fig1e runs in one process" \
    figure fig1d fig1e --dir .
one_line "figure all refused" "^fadyn figure: figure fig1e runs in one process" figure all --dir .
one_line "bad input" "^fadyn basin: --grid '1x1'" basin --grid 1x1 --out x.tsv

if [ $fails = 0 ]; then echo "tests/mpi.sh: all passed"; else
    echo "tests/mpi.sh: $fails failed"
    exit 1
fi
