#!/usr/bin/env bash
# test-bundles.sh — every lab's bundle works for a student far from the kit, and
# answers nothing it must not.
#
# For each lab, labs/mkbundle.sh makes the bundle into a scratch directory; it
# is unpacked elsewhere and used with a PATH and an environment that know no
# kit (env -i, PATH=/usr/bin:/bin), as a student would:
#   - it names no path of this kit;
#   - leakcheck.sh finds no SOLUTION block of this lab or a later one, and no
#     hidden test's name;
#   - `make STRICT=1` builds the starter with no warning;
#   - every program of the kit that the handout runs comes with it, prebuilt in
#     .socklab/ or built by that make, and answers --help;
#   - the README's handout link is the bundle's HANDOUT.md;
#   - the handout's shell helpers load from .socklab/ (. handouts/lib.sh);
#   - `make check` ends in time, scores less than full marks, with hints, and fails;
#   - with the reference code put back in the student's files (mkstarters.sh
#     --solved), `make check` gives full marks and succeeds;
#   - on a machine of another kind, `make check` refuses in one line.
# And the leak check itself: it must catch a later lab's answer slipped into a
# bundle, re-indented, and a hidden test's name.
#
# usage: labs/tests/test-bundles.sh [LAB...]     (the kit's programs must be built)
set -uo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# As root the grader runs the reference programs as a user of their own, who
# must be able to reach them (as in a student's home directory, usually).
chmod 755 "$tmp"
CHECK_SECONDS=${CHECK_SECONDS:-120}
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

labs=("$@")
((${#labs[@]})) || mapfile -t labs < <(sed -n 's/^\[\([^]]*\)\].*/\1/p' labs/manifest.txt)

# student DIR CMD...: runs CMD in DIR as a student far from the kit would.
student() {
	local dir=$1
	shift
	(cd "$dir" && env -i PATH=/usr/bin:/bin HOME="$tmp" LANG=C "$@")
}

# handout_programs DIR: each program of the kit that DIR/HANDOUT.md runs from the
# kit's top (./mux_demux/mux_ccplot) and that the bundle in DIR, built, does not
# give as a program that answers --help: prebuilt in .socklab/mux_demux/, or
# built by the lab's make (./mux_ccplot).  One " NAME (why)" each; nothing if
# all are there.
handout_programs() {
	local b=$1 p d n progs
	for p in $(grep -o '\./[a-z_]*/[A-Za-z0-9_-]*' "$b/HANDOUT.md" | sort -u); do
		d=${p#./} n=${p##*/}
		d=${d%%/*}
		[[ -f $d/Makefile ]] || continue
		progs=" $(sed -n 's/^PROGS[[:space:]]*[+:]*=//p' "$d/Makefile" | tr -s ' \t\n' '   ') "
		[[ -n $n && $progs == *" $n "* ]] || continue
		if [[ -x $b/.socklab/$d/$n ]]; then p=.socklab/$d/$n
		elif [[ -x $b/$n ]]; then p=./$n
		else echo -n " $n (neither .socklab/$d/$n nor ./$n)"; continue; fi
		student "$b" "$p" --help >/dev/null 2>&1 || echo -n " $n ($p --help fails)"
	done
}

# score_of TEXT: the "score: N/M" of a grader report.
score_of() { sed -n 's/^score: \([0-9]*\/[0-9]*\)$/\1/p' <<<"$1" | tail -n 1; }

for lab in "${labs[@]}"; do
	echo "== bundle $lab"
	start=$(date +%s%N)
	if ! bash labs/mkbundle.sh --out "$tmp/dist" "$lab" >/dev/null; then
		fail "$lab: mkbundle.sh"; continue
	fi
	made_ms=$((($(date +%s%N) - start) / 1000000))
	where=$tmp/far/away
	mkdir -p "$where"
	tar -C "$where" -xzf "$tmp/dist/$lab.tar.gz" || { fail "$lab: the bundle does not unpack"; continue; }
	b=$where/$lab
	ok "$lab: $(du -k "$tmp/dist/$lab.tar.gz" | cut -f1) KiB, made in $made_ms ms"

	if found=$(grep -rlaF -- "$top" "$b"); then
		fail "$lab: the bundle names the kit's path in: $found"
	else ok "$lab: names no path of the kit"; fi

	if out=$(bash labs/tests/leakcheck.sh "$b" "$lab" 2>&1); then ok "$lab: ${out##*: }"
	else fail "$lab: $out"; fi

	if out=$(student "$b" make STRICT=1 2>&1) && ! grep -q 'warning:' <<<"$out"; then
		ok "$lab: the starter builds with no warning"
	else fail "$lab: the starter does not build cleanly:"; echo "$out" | tail -n 20; continue; fi

	if out=$(handout_programs "$b") && [[ -z $out ]]; then
		ok "$lab: every program the handout runs comes with the bundle and answers --help"
	else fail "$lab: the handout runs what the bundle does not give:$out"; fi

	if ! grep -q '^\*\*Handout:\*\* \[HANDOUT.md\](HANDOUT.md)' "$b/README.md"; then
		fail "$lab: the bundle's README does not point to HANDOUT.md: $(grep -m1 'Handout:' "$b/README.md")"
	else ok "$lab: the README's handout link is HANDOUT.md"; fi

	# The handout's walkthroughs load handouts/lib.sh from the kit's top: a
	# bundle has it under .socklab/, where the reference programs are.
	if student "$b/.socklab" bash -c '. handouts/lib.sh && declare -F serve stop' >/dev/null 2>&1; then
		ok "$lab: . handouts/lib.sh works from .socklab/"
	else fail "$lab: no .socklab/handouts/lib.sh with serve and stop in the bundle"; fi

	start=$(date +%s)
	out=$(student "$b" timeout -k 5 "$CHECK_SECONDS" make -s check 2>&1)
	rc=$? took=$(($(date +%s) - start)) score=$(score_of "$out")
	if ((rc == 124 || rc == 137)); then fail "$lab: make check on the starter still running after $CHECK_SECONDS s"
	elif [[ -z $score ]]; then fail "$lab: make check on the starter printed no score (exit $rc)"; echo "$out" | tail -n 20
	elif [[ ${score%/*} == "${score#*/}" ]]; then fail "$lab: the starter gets full marks ($score)"
	elif ((rc != 2)); then fail "$lab: make check below full marks exits $rc (make's 2 expected: a script must tell)"
	elif ! grep -q '^\[FAIL\]' <<<"$out" || ! grep -q 'hint: ' <<<"$out"; then
		fail "$lab: make check on the starter shows no failed test with a hint"
	else ok "$lab: make check on the starter: $score in $took s, with hints"; fi

	rm -rf "$tmp/solved"
	bash labs/mkstarters.sh --solved "$tmp/solved" "$lab" >/dev/null || { fail "$lab: --solved"; continue; }
	while IFS=$'\t' read -r action src; do
		[[ $action == strip ]] && cp "$tmp/solved/$lab/$(basename "$src")" "$b/"
	done < <(bash labs/mkstarters.sh --list "$lab")
	start=$(date +%s)
	out=$(student "$b" timeout -k 5 "$CHECK_SECONDS" make -s check 2>&1)
	rc=$? took=$(($(date +%s) - start)) score=$(score_of "$out")
	if [[ -n $score && ${score%/*} == "${score#*/}" && ${score#*/} != 0 ]] && ((rc == 0)); then
		ok "$lab: the reference code in the bundle: make check gives full marks ($score) in $took s"
	else
		fail "$lab: the reference code in the bundle scores ${score:-nothing} in make check (exit $rc)"
		grep -E '^\[(FAIL|ERROR|SKIP)\]|^    ' <<<"$out" | head -n 20
	fi

	echo "Plan9 mips" >"$b/.socklab/platform"
	out=$(student "$b" make -s check 2>&1)
	rc=$?
	out=$(grep -v '^make: \*\*\*' <<<"$out")	# make's own word on a failed recipe
	if ((rc == 2)) && [[ $(wc -l <<<"$out") == 1 && $out == *"built for Plan9 mips"* ]]; then
		ok "$lab: on another kind of machine make check refuses in one line"
	else fail "$lab: on another kind of machine make check said (exit $rc): $out"; fi
	rm -rf "$tmp/far"
done

# The leak check catches what it is for (on lab 5's bundle: lab 6's answer).
echo "== the leak check catches leaks"
if [[ " ${labs[*]} " == *" 05-torrent-peer "* ]]; then
	mkdir -p "$tmp/leak"
	tar -C "$tmp/leak" -xzf "$tmp/dist/05-torrent-peer.tar.gz"
	b=$tmp/leak/05-torrent-peer
	sed 's/^\t/    /; s/  */ /g' mini_torrent/choker.c >"$b/choker.c"
	if bash labs/tests/leakcheck.sh "$b" 05-torrent-peer >/dev/null 2>&1; then
		fail "leakcheck misses lab 6's choker, re-indented, in lab 5's bundle"
	else ok "leakcheck catches lab 6's choker, re-indented, in lab 5's bundle"; fi
	cp labs/05-torrent-peer/given/choker.c "$b/choker.c"
	bash labs/tests/leakcheck.sh "$b" 05-torrent-peer >/dev/null 2>&1 || fail "leakcheck: the clean bundle is not clean"
	hidden=$(awk '/^\[test /{ n = $2; sub(/\]$/, "", n) } /^visibility *= *hidden/ { print n; exit }' \
		labs/05-torrent-peer/lab.conf)
	echo "see also $hidden" >>"$b/README.md"
	if bash labs/tests/leakcheck.sh "$b" 05-torrent-peer >/dev/null 2>&1; then
		fail "leakcheck misses a hidden test's name"
	else ok "leakcheck catches a hidden test's name"; fi
fi

# mkbundle.sh refuses a kit whose handout lags its lab.conf: a test made hidden
# while the grader table still lists it, and a hidden test named elsewhere in
# the handout.  Tried on a copy of the kit (its built programs, not .git).
echo "== mkbundle.sh refuses a handout that names a hidden test"
kit=$tmp/kit
mkdir -p "$kit"
tar -C "$top" --exclude=./.git --exclude=./dist -cf - . | tar -C "$kit" -xf -
conf=$kit/labs/01-udp-uppercase/lab.conf
awk '/^\[test client_ignores_stale_replies\]/ { print; print "visibility = hidden"; next } 1' \
	"$conf" >"$conf.new" && mv "$conf.new" "$conf"
if out=$(bash "$kit/labs/mkbundle.sh" --out "$tmp/kitdist" 01-udp-uppercase 2>&1); then
	fail "mkbundle.sh bundles a lab whose grader table still lists a test made hidden"
elif grep -q 'grader table' <<<"$out"; then ok "mkbundle.sh: a stale grader table is refused"
else fail "mkbundle.sh refused a stale grader table for another reason: $out"; fi
cp "$top/labs/01-udp-uppercase/lab.conf" "$conf.new" && mv "$conf.new" "$conf"
h=$kit/handouts/01-udp-uppercase.md
hidden=$(awk '/^\[test /{ n = $2; sub(/\]$/, "", n) } /^visibility *= *hidden/ { print n; exit }' "$conf")
{ cat "$h"; echo "As $hidden shows, ..."; } >"$h.new" && mv "$h.new" "$h"
if out=$(bash "$kit/labs/mkbundle.sh" --out "$tmp/kitdist" 01-udp-uppercase 2>&1); then
	fail "mkbundle.sh bundles a handout that names the hidden test $hidden"
elif grep -q "$hidden" <<<"$out"; then ok "mkbundle.sh: a handout naming a hidden test is refused"
else fail "mkbundle.sh refused a handout naming $hidden for another reason: $out"; fi

if ((fails)); then
	echo "test-bundles: $fails failure(s)"
	exit 1
fi
echo "test-bundles: all passed"
