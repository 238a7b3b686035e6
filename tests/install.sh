#!/bin/sh
# tests/install.sh — make install into a temporary prefix, as a user would
# use it, then make uninstall (run by make check-install, part of make check).
#
#  * the files: bin/fadyn (which runs without LD_LIBRARY_PATH), libfadyn.a,
#    libfadyn.so.MAJOR.MINOR with its soname and links, the headers, fadyn.pc
#  * pkg-config: the version; every example in examples/ built with
#    `pkg-config --cflags --libs fadyn` (against libfadyn.so) and with
#    --static (against libfadyn.a), each run printing exactly its committed
#    examples/NAME.out
#  * fadyn_init: tests/install/gsl_handler.c gets a status code, not abort()
#  * symbols: libfadyn.so exports, and libfadyn.a defines globally, only fadyn_ names
#  * man pages: groff -ww clean, every option of each --help on its page,
#    `man fadyn-basin` found through MANPATH and through PATH
#  * the Python module from the prefix finds the prefix's binary
#  * make uninstall removes exactly what make install wrote: a file and a
#    directory that were there before stay, nothing else does
set -eu
MAKE=${MAKE:-make}
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-python3}
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
fails=0
fail() { echo "tests/install.sh: FAIL: $*"; fails=$((fails + 1)); }

mkdir -p "$prefix/lib/pkgconfig" "$prefix/share/man/man1"
echo keep > "$prefix/lib/pkgconfig/other.pc"
before=$(cd "$prefix" && find . | sort)

$MAKE --no-print-directory install PREFIX="$prefix" BUILD="$BUILD" > "$tmp/install.log" ||
    { cat "$tmp/install.log"; fail "make install"; exit 1; }

version=$(cat VERSION)
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
for f in bin/fadyn lib/libfadyn.a "lib/libfadyn.so.$major.$minor" include/fadyn.h \
         lib/pkgconfig/fadyn.pc share/man/man1/fadyn.1 share/man/man1/fadyn-basin.1 \
         share/fadyn/python/fadyn/__init__.py; do
    [ -f "$prefix/$f" ] || fail "$f not installed"
done
[ "$(readlink "$prefix/lib/libfadyn.so.$major")" = "libfadyn.so.$major.$minor" ] ||
    fail "lib/libfadyn.so.$major does not point at libfadyn.so.$major.$minor"
[ "$(readlink "$prefix/lib/libfadyn.so")" = "libfadyn.so.$major" ] ||
    fail "lib/libfadyn.so does not point at the soname"
readelf -d "$prefix/lib/libfadyn.so.$major.$minor" | grep -q "soname: \[libfadyn.so.$major\]" ||
    fail "soname of libfadyn.so.$major.$minor is not libfadyn.so.$major"
for h in include/fadyn/*.h; do cmp -s "$h" "$prefix/$h" || fail "$h not installed"; done
env -u LD_LIBRARY_PATH "$prefix/bin/fadyn" --version | grep -q "^fadyn $version" ||
    fail "installed bin/fadyn does not run without LD_LIBRARY_PATH"

# --- exported symbols: fadyn_ names only, from libfadyn.so and libfadyn.a ---------
leak=$(nm -gD --defined-only "$prefix/lib/libfadyn.so.$major.$minor" | awk 'NF == 3 && $3 !~ /^fadyn_/ {print $3}')
[ -z "$leak" ] || fail "libfadyn.so exports names without the fadyn_ prefix:" $leak
leak=$(nm -g --defined-only "$prefix/lib/libfadyn.a" | awk 'NF == 3 && $3 !~ /^fadyn_/ {print $3}')
[ -z "$leak" ] || fail "libfadyn.a defines global names without the fadyn_ prefix:" $leak
[ "$(nm -gD --defined-only "$prefix/lib/libfadyn.so.$major.$minor" | grep -c ' fadyn_')" -gt 100 ] ||
    fail "libfadyn.so exports fewer than 100 fadyn_ names"

# --- pkg-config and the examples ---------------------------------------------
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion fadyn)" = "$version" ] || fail "pkg-config --modversion fadyn"
cflags=$(pkg-config --cflags fadyn)
libs=$(pkg-config --libs fadyn)
# static: the same flags with libfadyn.a in place of -lfadyn (docs/install.md)
slibs=$(pkg-config --static --libs fadyn | sed 's/-lfadyn /-l:libfadyn.a /')
n=0
for src in examples/*.c; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .c)
    for kind in dynamic static; do
        exe="$tmp/$name-$kind"
        if [ $kind = dynamic ]; then l=$libs; else l=$slibs; fi
        # shellcheck disable=SC2086  # pkg-config's words are meant to split
        if ! cc -std=c11 -Wall -Wextra -Werror -o "$exe" "$src" $cflags $l 2> "$tmp/cc.log"; then
            cat "$tmp/cc.log"; fail "$name: cc ... \$(pkg-config $kind) failed"; continue
        fi
        if [ $kind = dynamic ]; then
            ldd "$exe" | grep -q "libfadyn.so.$major => $prefix/lib/" ||
                fail "$name-dynamic does not load the prefix's libfadyn.so"
        else
            ! ldd "$exe" | grep -q libfadyn || fail "$name-static loads libfadyn.so"
        fi
        if ! (cd "$tmp" && env -u LD_LIBRARY_PATH "$exe" > "$tmp/$name.$kind.out"); then
            fail "$name-$kind exited with status $?"
        elif ! cmp -s "$tmp/$name.$kind.out" "examples/$name.out"; then
            diff "examples/$name.out" "$tmp/$name.$kind.out" | head -20
            fail "$name-$kind: output differs from examples/$name.out"
        fi
        n=$((n + 1))
    done
done
echo "tests/install.sh: $n example builds run against the installed library"

# fadyn_init turns GSL's aborting handler off: a program that does not call
# gsl_set_error_handler_off gets FADYN_EGSL from a step GSL refuses, and is
# aborted by GSL's handler when it skips fadyn_init (the check can fail)
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror -pthread -o "$tmp/gsl_handler" tests/install/gsl_handler.c \
      $cflags $libs 2> "$tmp/cc.log"; then
    (cd "$tmp" && env -u LD_LIBRARY_PATH ./gsl_handler > "$tmp/gh.out" 2>&1) ||
        fail "fadyn_init: a GSL error through fadyn_integ_step was not a status code: $(cat "$tmp/gh.out")"
    st=0
    (cd "$tmp" && env -u LD_LIBRARY_PATH ./gsl_handler noinit > "$tmp/gh.out" 2>&1) || st=$?
    [ "$st" -gt 128 ] || fail "without fadyn_init GSL's handler should abort (status $st)"
else
    cat "$tmp/cc.log"; fail "tests/install/gsl_handler.c does not build against the installed library"
fi

# --- man pages -----------------------------------------------------------------
for page in "$prefix"/share/man/man1/fadyn*.1; do
    warn=$(groff -ww -man -Tutf8 -z "$page" 2>&1)
    [ -z "$warn" ] || fail "groff -ww $(basename "$page"): $warn"
done
cmds=$("$prefix/bin/fadyn" --help | awk '/^commands:/ {on = 1; next} on && NF == 0 {exit} on {print $1}')
for c in $cmds; do
    page="$prefix/share/man/man1/fadyn-$c.1"
    text=$(MANWIDTH=100 man -l -P cat "$page" 2> "$tmp/man.err")
    [ -s "$tmp/man.err" ] && fail "man -l fadyn-$c.1: $(cat "$tmp/man.err")"
    for opt in $("$prefix/bin/fadyn" "$c" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
        printf '%s\n' "$text" | grep -q -- "$opt" || fail "man fadyn-$c lacks $opt"
    done
done
[ "$(MANPATH="$prefix/share/man" man -w fadyn-basin)" = "$prefix/share/man/man1/fadyn-basin.1" ] ||
    fail "MANPATH=PREFIX/share/man man -w fadyn-basin"
MANPATH="$prefix/share/man" MANWIDTH=80 man -P cat fadyn-basin 2>/dev/null | grep -q "^NAME" ||
    fail "MANPATH=PREFIX/share/man man fadyn-basin renders nothing"
# man-db also finds the pages from PATH (PREFIX/bin -> PREFIX/share/man)
[ "$(env -u MANPATH PATH="$prefix/bin:$PATH" man -w fadyn-basin)" = \
  "$prefix/share/man/man1/fadyn-basin.1" ] || fail "PATH=PREFIX/bin man -w fadyn-basin"

# --- the Python module, from the prefix ------------------------------------------
if command -v "$PYTHON" > /dev/null && "$PYTHON" -c 'import pandas' 2> /dev/null; then
    got=$(cd "$tmp" && env -u FADYN_BIN PATH=/usr/bin:/bin PYTHONDONTWRITEBYTECODE=1 \
          PYTHONPATH="$prefix/share/fadyn/python" "$PYTHON" -c \
          'import fadyn; r = fadyn.ode(t_end=1, samples=3); print(fadyn.find_binary(), len(r.table))')
    [ "$got" = "$prefix/bin/fadyn 3" ] || fail "installed Python module: '$got'"
fi

# --- make uninstall -------------------------------------------------------------
$MAKE --no-print-directory uninstall PREFIX="$prefix" > "$tmp/uninstall.log"
after=$(cd "$prefix" && find . | sort)
if [ "$before" != "$after" ]; then
    printf '%s\n' "$before" > "$tmp/before"
    printf '%s\n' "$after" > "$tmp/after"
    diff "$tmp/before" "$tmp/after" | head -20
    fail "make uninstall did not restore the prefix"
fi

# a prefix with a space and a quote installs and uninstalls too (pkg-config
# itself cannot carry such a path to a compiler, so it is not used there)
odd="$tmp/it's a prefix"
$MAKE --no-print-directory install PREFIX="$odd" BUILD="$BUILD" > "$tmp/install.log" &&
    [ -x "$odd/bin/fadyn" ] || fail "make install PREFIX='$odd'"
$MAKE --no-print-directory uninstall PREFIX="$odd" > "$tmp/uninstall.log"
[ -z "$(find "$odd" ! -type d)" ] || fail "make uninstall PREFIX='$odd' left files"

cd "$top"
if [ $fails -ne 0 ]; then echo "tests/install.sh: $fails failures"; exit 1; fi
echo "tests/install.sh: install, pkg-config, man pages, Python module and uninstall pass"
