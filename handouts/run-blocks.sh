#!/usr/bin/env bash
# run-blocks.sh — run the command blocks of the handouts and check what they print,
# so that the handouts and walkthroughs never drift from the programs.
#
# A block is runnable when its fence's info string starts with "sh run":
#
#     ```sh run
#     echo 'hello' | tr a-z A-Z
#     ```
#
# and the fenced block right after it (prose may come between), if its info
# string is "output", is what the block must print (stdout and stderr together):
#
#     ```output
#     HELLO
#     ```
#
# In an output block, "..." inside a line stands for any text, and a line that
# is only "..." stands for any number of lines (none included).  Without an
# output block the block only has to succeed.
#
# Words after "sh run" tune a block:
#   timeout=S     seconds before it is killed and failed (default 60)
#   exit=N        the exit status it must end with (default 0)
#   needs=A,B     skip it (and say so) unless the commands A, B exist; "root"
#                 needs uid 0 (packet capture)
#
# Each block runs in a fresh bash (set -e -o pipefail) from the top of the kit,
# with handouts/lib.sh loaded (serve, stop), in its own process group that is
# killed when the block ends, so a server it started never outlives it.
#
# usage: handouts/run-blocks.sh [-v] [-s] [FILE.md...]   (default: every handout)
#   -v  say ok for each block that passed;  -s  show what each block printed
#   (handy when writing an output block)
# Exit status 0 when every block passed or was skipped.
set -uo pipefail
export LC_ALL=C

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
verbose=0 show=0
while (($#)); do
	case $1 in
	-v) verbose=1; shift ;;
	-s) show=1; shift ;;
	--help) echo "usage: handouts/run-blocks.sh [-v] [-s] [FILE.md...]"; exit 0 ;;
	*) break ;;
	esac
done
files=("$@")
if ((${#files[@]} == 0)); then
	mapfile -t files < <(ls handouts/*.md handouts/walkthroughs/*.md 2>/dev/null)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# extract FILE: writes $tmp/b<N>.sh (+ .out when an output block follows) and a
# line "N<TAB>FILE<TAB>LINE<TAB>ATTRS" per runnable block on stdout.
extract() {
	awk -v dir="$tmp" -v file="$1" -v n0="$2" '
	function close_fence() { infence = 0 }
	BEGIN { n = n0 }
	{
		if (!infence && match($0, /^```+/)) {
			fence = substr($0, 1, RLENGTH)
			info = substr($0, RLENGTH + 1)
			sub(/^[ \t]+/, "", info); sub(/[ \t]+$/, "", info)
			infence = 1
			kind = ""
			if (info ~ /^sh run( |$)/) {
				kind = "run"; n++
				attrs = info; sub(/^sh run */, "", attrs)
				printf "%d\t%s\t%d\t%s\n", n, file, FNR, attrs
				target = dir "/b" n ".sh"
				printf "" > target
				pending = 1
			} else if (info == "output" && pending) {
				kind = "out"
				target = dir "/b" n ".out"
				printf "" > target
				pending = 0
			} else {
				pending = 0
			}
			next
		}
		if (infence && $0 == fence) { infence = 0; if (kind != "") close(target); next }
		if (infence && kind != "") print > target
	}
	END { if (infence) { printf "%s: unclosed code fence\n", file > "/dev/stderr"; exit 1 } }
	' "$1"
}

# match EXPECTED ACTUAL: exit 0 when ACTUAL fits the EXPECTED pattern lines.
match_output() {
	awk '
	function pat(s,   r, i, c) {
		r = ""
		for (i = 1; i <= length(s); i++) {
			if (substr(s, i, 3) == "...") { r = r ".*"; i += 2; continue }
			c = substr(s, i, 1)
			if (index("\\^$.[]|()*+?{}/", c)) r = r "\\" c
			else r = r c
		}
		return "^" r "$"
	}
	FNR == NR { e[++ne] = $0; next }
	{ a[++na] = $0 }
	END {
		# ok[i,j]: expected lines i.. match actual lines j..
		for (i = ne + 1; i >= 1; i--) {
			for (j = na + 1; j >= 1; j--) {
				if (i > ne) { ok[i, j] = (j > na); continue }
				if (e[i] == "...") { ok[i, j] = ok[i + 1, j] || (j <= na && ok[i, j + 1]); continue }
				ok[i, j] = (j <= na && a[j] ~ pat(e[i]) && ok[i + 1, j + 1])
			}
		}
		exit !ok[1, 1]
	}' "$1" "$2"
}

# run_block N FILE LINE ATTRS: runs one block; prints its verdict.
run_block() {
	local n=$1 file=$2 line=$3 attrs=$4 tmo=60 want_rc=0 needs= a w rc pid
	for a in $attrs; do
		case $a in
		timeout=*) tmo=${a#timeout=} ;;
		exit=*) want_rc=${a#exit=} ;;
		needs=*) needs=${a#needs=} ;;
		*) echo "FAIL $file:$line: unknown attribute '$a'"; return 1 ;;
		esac
	done
	for w in ${needs//,/ }; do
		if [[ $w == root ]]; then
			[[ $(id -u) == 0 ]] && continue
		elif command -v "$w" >/dev/null; then
			continue
		fi
		echo "skip $file:$line (needs $w)"
		return 2
	done
	{
		echo 'set -e -o pipefail'
		echo '. handouts/lib.sh'
		cat "$tmp/b$n.sh"
	} >"$tmp/run$n.sh"
	timeout -k 5 "$tmo" bash "$tmp/run$n.sh" >"$tmp/got$n" 2>&1 </dev/null &
	pid=$!
	wait "$pid"
	rc=$?
	kill -KILL -- "-$pid" 2>/dev/null
	if ((show)); then
		echo "---- $file:$line (exit $rc)"
		cat "$tmp/got$n"
	fi
	if [[ $rc == 124 || $rc == 137 ]] && [[ $want_rc != "$rc" ]]; then
		echo "FAIL $file:$line: still running after ${tmo} s (killed)"
		sed 's/^/    | /' "$tmp/got$n" | head -n 20
		return 1
	fi
	if [[ $rc != "$want_rc" ]]; then
		echo "FAIL $file:$line: exit status $rc, expected $want_rc"
		sed 's/^/    | /' "$tmp/got$n" | head -n 20
		return 1
	fi
	if [[ -f $tmp/b$n.out ]] && ! match_output "$tmp/b$n.out" "$tmp/got$n"; then
		echo "FAIL $file:$line: output differs"
		diff -u --label expected --label got "$tmp/b$n.out" "$tmp/got$n" | sed 's/^/    /' | head -n 30
		return 1
	fi
	((verbose)) && echo "ok   $file:$line"
	return 0
}

passed=0 failed=0 skipped=0 n=0
for f in "${files[@]}"; do
	if ! extract "$f" "$n" >"$tmp/list"; then
		failed=$((failed + 1)); continue
	fi
	while IFS=$'\t' read -r bn bfile bline battrs; do
		n=$bn
		run_block "$bn" "$bfile" "$bline" "$battrs"
		case $? in
		0) passed=$((passed + 1)) ;;
		2) skipped=$((skipped + 1)) ;;
		*) failed=$((failed + 1)) ;;
		esac
	done <"$tmp/list"
done
echo "handout blocks: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
