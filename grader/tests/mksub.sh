#!/usr/bin/env bash
# mksub.sh — assemble a submission the way a student would hand one in, from
# a reference program directory: its .c and .h files and a Makefile
# (tests/submission.mk), then, for a mutant, its patch and overlay files.
#
#   tests/mksub.sh REFDIR "PROG..." DEST [MUTANTDIR]
#
# REFDIR is a reference directory (../udp_uppercase), DEST must not exist.
set -euo pipefail
ref=$1 progs=$2 dest=$3 mutant=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dest"
cp "$ref"/*.c "$ref"/*.h "$dest"/
cp "$here/submission.mk" "$dest/"
printf 'PROGS = %s\ninclude submission.mk\n' "$progs" >"$dest/Makefile"
if [[ -n $mutant ]]; then
	shopt -s nullglob
	for p in "$mutant"/*.patch; do
		patch -s -p1 -d "$dest" <"$p" || { echo "mksub.sh: $p does not apply to $ref" >&2; exit 1; }
	done
	for f in "$mutant"/*.c "$mutant"/*.h; do
		cp "$f" "$dest/"
	done
	[[ ! -f $mutant/Makefile ]] || cp "$mutant/Makefile" "$dest/"
fi
