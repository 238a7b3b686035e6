#!/bin/sh
# tests/bench/mnist_tune.sh — the tuning search of Task 2 (MNIST), as the
# paper did it: the initial scale ω and the learning rate η tuned for bp,
# then used for every rule, then about five scales β of the feedback B for
# fa (docs/figures.md, "MNIST").  Every trial is one run of
# `fadyn train --task mnist`, the trials one after the other.  Run from the
# repository's top directory; --help lists the options.
set -eu

usage() {
    cat <<'EOF'
Usage: tests/bench/mnist_tune.sh [OPTIONS]

The tuning search of Task 2 (MNIST) in three stages, every trial one run of
fadyn train --task mnist (one seed, the same data order for every trial), the
test error after --epochs epochs on the 10 000 test images:
  1. the regime: bp at the paper's eta 1e-3 (omega 0.05) with inputs pixel/255
     and delta = e * y(1-y) (the gradient of L), then with inputs 16 * pixel/255
     and delta = e (the output derivative left out);
  2. bp at --input-scale and --output-delta over --etas x --init-scales: the
     best pair (the lowest test error) is used for every rule;
  3. fa at that pair over --b-scales: the best beta is chosen.
Writes every trial to --out as it finishes (atomically: a temporary file,
then a rename), then prints the chosen settings.

Options:
  --fadyn BIN          the fadyn binary (default build/fadyn)
  --mnist-dir DIR      the four IDX files (default $FADYN_MNIST, else data/mnist)
  --out FILE.tsv       the trials: stage rule eta init_scale b_scale
                       input_scale output_delta epochs test_error_percent
                       seconds (default mnist-tune.tsv)
  --epochs E           epochs per trial (default 5)
  --etas LIST          stage 2's learning rates (default 1e-3,3e-3,1e-2)
  --init-scales LIST   stage 2's omega (default 0.01,0.05)
  --b-scales LIST      stage 3's beta (default 0.1,0.2,0.5,1,2)
  --input-scale S      inputs S * pixel/255 in stages 2 and 3 (default 16)
  --output-delta D     error or gradient in stages 2 and 3 (default error)
  --no-regime          skip stage 1
  --seed N             the data order and the initial weights (default 1)
  --threads N          cores per trial (default 2)
  --train-images N     learn from the first N training images (default all)
  --help               this text

Exit status: 0 success, 1 a trial failed, 2 bad input (one line naming it).
EOF
}

die() {
    echo "mnist_tune.sh: $*" >&2
    exit 2
}

# A positive number (digits, a point, an exponent): nothing else reaches fadyn.
is_num() {
    case $1 in
    '' | *[!0-9eE.+-]*) return 1 ;;
    esac
    awk -v x="$1" 'BEGIN { exit !(x + 0 > 0 && x ~ /^[0-9]*\.?[0-9]*([eE][-+]?[0-9]+)?$/) }'
}
is_int() {
    case $1 in
    '' | *[!0-9]*) return 1 ;;
    esac
}
check_list() { # NAME LIST: comma-separated positive numbers
    [ -n "$2" ] || die "$1 '': an empty list"
    old_ifs=$IFS
    IFS=,
    for v in $2; do
        is_num "$v" || die "$1 '$2': '$v' is not a positive number"
    done
    IFS=$old_ifs
}
need() { [ $# -ge 2 ] || die "$1: needs a value"; }

fadyn=build/fadyn
dir=${FADYN_MNIST:-data/mnist}
out=mnist-tune.tsv
epochs=5
etas=1e-3,3e-3,1e-2
scales=0.01,0.05
bscales=0.1,0.2,0.5,1,2
sin=16
delta=error
regime=1
seed=1
threads=2
ntrain=0
while [ $# -gt 0 ]; do
    case $1 in
    --help) usage; exit 0 ;;
    --fadyn) need "$@"; fadyn=$2; shift ;;
    --mnist-dir) need "$@"; dir=$2; shift ;;
    --out) need "$@"; out=$2; shift ;;
    --epochs) need "$@"; epochs=$2; shift ;;
    --etas) need "$@"; etas=$2; shift ;;
    --init-scales) need "$@"; scales=$2; shift ;;
    --b-scales) need "$@"; bscales=$2; shift ;;
    --input-scale) need "$@"; sin=$2; shift ;;
    --output-delta) need "$@"; delta=$2; shift ;;
    --no-regime) regime=0 ;;
    --seed) need "$@"; seed=$2; shift ;;
    --threads) need "$@"; threads=$2; shift ;;
    --train-images) need "$@"; ntrain=$2; shift ;;
    *) die "'$1': unknown option (--help lists them)" ;;
    esac
    shift
done
[ -x "$fadyn" ] || die "--fadyn '$fadyn': not an executable file (make builds build/fadyn)"
[ -d "$dir" ] || die "--mnist-dir '$dir': not a directory (make data fetches MNIST)"
is_num "$epochs" || die "--epochs '$epochs': not a positive number"
is_num "$sin" || die "--input-scale '$sin': not a positive number"
check_list --etas "$etas"
check_list --init-scales "$scales"
check_list --b-scales "$bscales"
case $delta in error | gradient) ;; *) die "--output-delta '$delta': error or gradient" ;; esac
is_int "$seed" || die "--seed '$seed': not a non-negative integer"
is_int "$threads" || die "--threads '$threads': not a non-negative integer"
is_int "$ntrain" || die "--train-images '$ntrain': not a non-negative integer"
case $out in
*.tsv) ;;
*) die "--out '$out': must end in .tsv" ;;
esac
odir=$(dirname -- "$out")
if ! [ -d "$odir" ] || ! [ -w "$odir" ]; then
    die "--out '$out': directory '$odir' is not writable"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mnist-tune.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rows="$work/rows.tsv"
printf 'stage\trule\teta\tinit_scale\tb_scale\tinput_scale\toutput_delta\tepochs\ttest_error_percent\tseconds\n' >"$rows"

# trial STAGE RULE ETA OMEGA BETA S DELTA: one run; its final test error in $err.
trial() {
    t0=$(date +%s)
    beta=$5
    [ "$beta" != - ] || beta=0.5 # bp learns without B (the angle's B only)
    st=0
    "$fadyn" train --task mnist --mnist-dir "$dir" --rule "$2" --eta "$3" --init-scale "$4" \
        --b-scale "$beta" --input-scale "$6" --output-delta "$7" --epochs "$epochs" \
        --seed "$seed" --threads "$threads" --train-images "$ntrain" --runs 1 \
        --out "$work/trial.tsv" --quiet 2>"$work/trial.err" || st=$?
    if [ "$st" -ne 0 ]; then
        echo "mnist_tune.sh: trial $2 eta $3 omega $4 beta $5 S $6 delta $7 failed" \
            "(exit $st): $(head -n 1 "$work/trial.err")" >&2
        exit 1
    fi
    # the last evaluation's test error (the column found by its name)
    err=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "test_error_percent_mean") c = i; next }
                       /^#/ { next } { e = $c } END { print e }' "$work/trial.tsv")
    [ -n "$err" ] || { echo "mnist_tune.sh: trial $2 eta $3: no test error in fadyn's table" >&2; exit 1; }
    secs=$(($(date +%s) - t0))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" \
        "$epochs" "$err" "$secs" >>"$rows"
    cp "$rows" "$work/out.tsv"
    mv -f "$work/out.tsv" "$out.tmp.$$"
    mv -f "$out.tmp.$$" "$out"
    echo "mnist_tune.sh: $1 $2 eta $3 omega $4 beta $5 S $6 delta $7: $err % ($secs s)" >&2
}

# better A B: whether test error A is below B (B empty: yes)
better() { [ -z "$2" ] || awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }

if [ "$regime" = 1 ]; then
    trial regime bp 1e-3 0.05 - 1 gradient
    trial regime bp 1e-3 0.05 - 16 error
fi

best_err=
best_eta=
best_w=
old_ifs=$IFS
IFS=,
for eta in $etas; do
    for w in $scales; do
        IFS=$old_ifs
        trial bp bp "$eta" "$w" - "$sin" "$delta"
        if better "$err" "$best_err"; then best_err=$err best_eta=$eta best_w=$w; fi
        IFS=,
    done
done
best_b=
best_fa=
for b in $bscales; do
    IFS=$old_ifs
    trial fa fa "$best_eta" "$best_w" "$b" "$sin" "$delta"
    if better "$err" "$best_fa"; then best_fa=$err best_b=$b; fi
    IFS=,
done
IFS=$old_ifs

echo "chosen: --eta $best_eta --init-scale $best_w --b-scale $best_b --input-scale $sin" \
    "--output-delta $delta (bp $best_err %, fa $best_fa % after $epochs epochs); the trials in $out"
