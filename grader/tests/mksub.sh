#!/usr/bin/env bash
# mksub.sh — assemble a submission the way a student would hand one in, from
# a reference program directory: its .c and .h files and a Makefile
# (tests/submission.mk), then, for a mutant, its patch and overlay files.
#
#   tests/mksub.sh REFDIR "PROG..." DEST [MUTANTDIR [TEMPLATE]]
#
# REFDIR is a reference directory (../udp_uppercase), DEST must not exist.
# TEMPLATE, if given, is a submission made earlier by this script and built:
# DEST starts as a copy of it (times kept), so the mutant's build recompiles
# only what its patch touched.
set -euo pipefail
ref=$1 progs=$2 dest=$3 mutant=${4:-} template=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
if [[ -n $template ]]; then
	cp -a "$template" "$dest"
else
	mkdir -p "$dest"
	cp "$ref"/*.c "$ref"/*.h "$dest"/
fi
# A directory with more programs than the lab's (mini_torrent): drop the other mains.
[[ -n $template ]] || for f in "$dest"/*.c; do
	p=$(basename "$f" .c)
	if grep -q '^main(' "$f" && [[ " $progs " != *" $p "* ]]; then
		rm "$f"
	fi
done
cp "$here/submission.mk" "$dest/"
printf 'PROGS = %s\ninclude submission.mk\n' "$progs" >"$dest/Makefile"
if [[ -n $mutant ]]; then
	shopt -s nullglob
	for p in "$mutant"/*.patch; do
		# --fuzz=3: the context may have moved; the lines the mutant changes must still be there.
		patch -s -p1 --fuzz=3 --no-backup-if-mismatch -r - -d "$dest" <"$p" ||
			{ echo "mksub.sh: $p no longer applies to $ref: make the mutant again (handouts/instructors.md)" >&2; exit 1; }
	done
	for f in "$mutant"/*.c "$mutant"/*.h; do
		cp "$f" "$dest/"
	done
	[[ ! -f $mutant/Makefile ]] || cp "$mutant/Makefile" "$dest/"
fi
