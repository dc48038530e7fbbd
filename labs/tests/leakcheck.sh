#!/usr/bin/env bash
# leakcheck.sh — does an unpacked bundle hold an answer it must not?
#
#   labs/tests/leakcheck.sh DIR LAB
#
# Fails (and names the file) when a text file under DIR contains the code of a
# SOLUTION block of any file that LAB or a later lab strips, compared with
# comments and white space removed (so re-indenting or re-wrapping a block does
# not hide it); and when any file under DIR, binaries included, names one of
# LAB's hidden tests.  Blocks shorter than MIN_CHARS after normalising (a bare
# `return n;`) are too common to mean anything and are skipped.
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1 lab=$2
MIN_CHARS=${MIN_CHARS:-24}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every lab from LAB on, and the files they strip.
mapfile -t labs < <(sed -n 's/^\[\([^]]*\)\].*/\1/p' "$top/labs/manifest.txt")
stripped=()
for l in "${labs[@]}"; do
	[[ $l < $lab ]] && continue
	while IFS=$'\t' read -r action src; do
		[[ $action == strip ]] && stripped+=("$top/$src")
	done < <(bash "$top/labs/mkstarters.sh" --list "$l")
done
((${#stripped[@]})) || { echo "leakcheck: no lab $lab in the manifest" >&2; exit 2; }

# The blocks, one normalised block a line (code only: the BEGIN comment, which
# may span lines, and STUB lines are the starter's own text).
awk '
	FNR == 1 { inblk = 0; inhint = 0 }
	/\/\* SOLUTION BEGIN:/ { inblk = 1; body = ""; inhint = ($0 !~ /\*\//); next }
	inhint { if ($0 ~ /\*\//) inhint = 0; next }
	/\/\* SOLUTION STUB:/ { next }
	/\/\* SOLUTION END \*\// { printf "%s\001", body; inblk = 0; next }
	inblk { body = body $0 "\n" }
' "${stripped[@]}" | awk -f "$top/labs/tests/normalise.awk" |
	awk -v min="$MIN_CHARS" 'length($0) >= min' | sort -u >"$tmp/blocks"

status=0
while IFS= read -r -d '' f; do
	grep -Iq . "$f" 2>/dev/null || continue		# binary or empty
	awk -f "$top/labs/tests/normalise.awk" "$f" >"$tmp/file"
	if hit=$(awk 'NR == FNR { text = text $0; next } index(text, $0) { print substr($0, 1, 60); exit 1 }' \
		"$tmp/file" "$tmp/blocks"); then :; else
		echo "leakcheck: ${f#$dir/} holds the answer of a SOLUTION block (lab $lab or later): $hit..." >&2
		status=1
	fi
done < <(find "$dir" -type f -print0)

# Hidden test names, in any file.
for t in $(awk '/^\[test /{ n = $2; sub(/\]$/, "", n) } /^[ \t]*visibility[ \t]*=[ \t]*hidden/ { print n }' \
	"$top/labs/$lab/lab.conf"); do
	if found=$(grep -rlaF -- "$t" "$dir"); then
		echo "leakcheck: the hidden test $t is named in: $(tr '\n' ' ' <<<"$found")" >&2
		status=1
	fi
done
echo "leakcheck: $lab: $(wc -l <"$tmp/blocks") blocks looked for in $(find "$dir" -type f | wc -l) files: $( ((status)) && echo LEAK || echo clean)"
exit $status
