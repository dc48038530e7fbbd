#!/usr/bin/env bash
# mkzip.sh — make the Gradescope autograder zip for one lab (`make gradescope LAB=...`).
#
#   bash gradescope/mkzip.sh LAB [OUTDIR]
#
# The zip holds setup.sh and run_autograder at its top (what Gradescope runs) and
# socklab/: the grader's sources, the lab's lab.conf and the sources of the
# reference programs it names, with the shared build files; and what the grader
# lays over every submission: the lab's section of labs/manifest.txt, its
# Makefile and its stand-ins (labs/<lab>/given/), so a student's edit of a given
# file changes nothing.  setup.sh builds them
# on Gradescope's image; run_autograder grades /autograder/submission and writes
# /autograder/results/results.json.  Nothing is taken from this machine but
# sources, so the zip works on any Linux image with a C compiler and make.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
kit=$(cd "$here/../.." && pwd)
lab=${1:?usage: mkzip.sh LAB [OUTDIR]}
out=${2:-$kit/grader/build}
conf=$kit/labs/$lab/lab.conf
[[ -f $conf ]] || { echo "mkzip.sh: no lab $lab (no $conf)" >&2; exit 1; }
command -v zip >/dev/null || { echo "mkzip.sh: zip is missing: apt-get install zip" >&2; exit 1; }

refs=$(sed -n 's/^[[:space:]]*references[[:space:]]*=[[:space:]]*//p' "$conf")
[[ -n $refs ]] || { echo "mkzip.sh: $conf names no references" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
src=$stage/socklab

# sources DIR: the files a directory needs to build, without tests or build output.
sources() {
	local d=$1
	mkdir -p "$src/$d"
	find "$kit/$d" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' -o -name 'Makefile' \
		-o -name '*.mk' -o -name '*.html' -o -name '*.css' -o -name '*.js' \) \
		-exec cp {} "$src/$d/" \;
}
cp "$kit/rules.mk" "$kit/config.mk" "$src/" 2>/dev/null || { mkdir -p "$src"; cp "$kit/rules.mk" "$kit/config.mk" "$src/"; }
sources grader
for r in $refs; do sources "$r"; done
mkdir -p "$src/labs/$lab"
cp "$conf" "$kit/labs/$lab/Makefile" "$src/labs/$lab/"
[[ ! -d $kit/labs/$lab/given ]] || cp -R "$kit/labs/$lab/given" "$src/labs/$lab/"
awk -v l="[$lab]" '$1 == l { on = 1 } /^\[/ && $1 != l { on = 0 } on' \
	"$kit/labs/manifest.txt" >"$src/labs/manifest.txt"

sed -e "s/@REFS@/$refs/" "$here/setup.sh.in" >"$stage/setup.sh"
sed -e "s/@LAB@/$lab/" "$here/run_autograder.in" >"$stage/run_autograder"
chmod +x "$stage/setup.sh" "$stage/run_autograder"

mkdir -p "$out"
rm -f "$out/gradescope-$lab.zip"
(cd "$stage" && zip -q -r -X "$out/gradescope-$lab.zip" setup.sh run_autograder socklab)
echo "$out/gradescope-$lab.zip"
