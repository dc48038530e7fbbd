#!/usr/bin/env bash
# test-generator.sh — tests of the starter generator itself (labs/markers.awk,
# labs/mkstarters.sh), on the fixture in labs/tests/fixture/ so that they run
# before any reference program exists.  Each case names the behaviour it pins.
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0

ok() { passes=$((passes + 1)); }
bad() { echo "FAIL generator: $*" >&2; fails=$((fails + 1)); }

# awk_case NAME MODE INPUT EXPECTED_STATUS EXPECTED (stdout, or stderr on error)
awk_case() {
	local name=$1 mode=$2 input=$3 want_rc=$4 want=$5 rc=0 got
	printf '%s' "$input" >"$tmp/in.c"
	got=$(cd "$tmp" && awk -v mode="$mode" -v only="${ONLY:-}" -v nth="${NTH:-}" -f "$top/labs/markers.awk" in.c 2>"$tmp/err") || rc=$?
	[[ $rc == 0 ]] || got=$(cat "$tmp/err")
	if [[ $rc != "$want_rc" ]]; then
		bad "$name: exit status $rc, expected $want_rc ($(cat "$tmp/err"))"
	elif [[ $got != "$want" ]]; then
		bad "$name: got
$got
expected
$want"
	else
		ok
	fi
}

block=$'int f(void)\n{\n\t/* SOLUTION BEGIN: do it */\n\t/* SOLUTION STUB: return -1; */\n\treturn 7;\n\t/* SOLUTION END */\n}\n'

awk_case strip_replaces_block_with_todo_and_stub strip "$block" 0 \
	$'int f(void)\n{\n\t/* TODO: do it */\n\treturn -1;\n}'
awk_case solved_drops_only_the_marker_lines solved "$block" 0 \
	$'int f(void)\n{\n\treturn 7;\n}'
awk_case keep_is_verbatim keep "$block" 0 "${block%$'\n'}"
awk_case strip_without_stub_leaves_only_the_todo strip \
	$'\t/* SOLUTION BEGIN: x */\n\tx();\n\t/* SOLUTION END */\n' 0 $'\t/* TODO: x */'
awk_case strip_keeps_a_hint_over_two_lines strip \
	$'\t/* SOLUTION BEGIN: first line\n\t * second line */\n\tx();\n\t/* SOLUTION END */\n' 0 \
	$'\t/* TODO: first line\n\t * second line */'
ONLY='^two' awk_case strip_with_pattern_strips_only_matching_hints strip \
	$'/* SOLUTION BEGIN: one */\na();\n/* SOLUTION END */\n/* SOLUTION BEGIN: two */\nb();\n/* SOLUTION END */\n' 0 \
	$'a();\n/* TODO: two */'
three=$'/* SOLUTION BEGIN: one */\na();\n/* SOLUTION END */\n/* SOLUTION BEGIN: two */\n/* SOLUTION STUB: stub(); */\nb();\n/* SOLUTION END */\n/* SOLUTION BEGIN: three */\nc();\n/* SOLUTION END */\n'
NTH=2 awk_case strip_nth_strips_only_that_block strip "$three" 0 \
	$'a();\n/* TODO: two */\nstub();\nc();'
NTH=1 ONLY='^t' awk_case strip_nth_counts_only_the_blocks_the_pattern_strips strip "$three" 0 \
	$'a();\n/* TODO: two */\nstub();\nc();'
NTH=4 awk_case strip_nth_past_the_last_block_fails strip "$three" 1 \
	'in.c:10: no SOLUTION block to strip numbered 4'
ONLY='^three' awk_case strip_with_pattern_matching_nothing_fails strip "$block" 1 \
	'in.c:7: no SOLUTION block to strip matching /^three/'
awk_case strip_of_a_file_without_blocks_fails strip $'int x;\n' 1 \
	'in.c:1: no SOLUTION block to strip'
awk_case copy_refuses_a_file_with_markers copy "$block" 1 \
	"in.c:3: SOLUTION marker in a file the manifest copies verbatim (use strip or solved)"
awk_case nested_begin_fails strip \
	$'/* SOLUTION BEGIN: a */\n/* SOLUTION BEGIN: b */\n/* SOLUTION END */\n' 1 \
	'in.c:2: SOLUTION BEGIN inside another block (blocks do not nest)'
awk_case end_without_begin_fails solved $'x;\n/* SOLUTION END */\n' 1 \
	'in.c:2: SOLUTION END without a SOLUTION BEGIN'
awk_case unterminated_block_fails strip $'/* SOLUTION BEGIN: a */\nx;\n' 1 \
	'in.c:2: end of file inside a SOLUTION block (missing SOLUTION END)'
awk_case stub_after_code_fails strip \
	$'/* SOLUTION BEGIN: a */\nx;\n/* SOLUTION STUB: return 0; */\n/* SOLUTION END */\n' 1 \
	'in.c:3: SOLUTION STUB must come right after its SOLUTION BEGIN line'
awk_case begin_without_colon_fails strip $'/* SOLUTION BEGIN */\n/* SOLUTION END */\n' 1 \
	"in.c:1: malformed marker, expected '/* SOLUTION BEGIN: <hint> */'"
awk_case code_after_begin_comment_fails strip $'/* SOLUTION BEGIN: a */ x;\n/* SOLUTION END */\n' 1 \
	'in.c:1: code after the SOLUTION BEGIN comment (put it on the next line)'
awk_case end_with_code_fails strip $'/* SOLUTION BEGIN: a */\nx; /* SOLUTION END */\n' 1 \
	"in.c:2: malformed marker, expected '/* SOLUTION END */' alone on its line"

# --- the whole generator on the fixture manifest ---
man=labs/tests/fixture/manifest.txt
gen() { bash labs/mkstarters.sh --manifest "$man" "$@"; }

gen --out "$tmp/a" >/dev/null 2>&1 || bad "generator failed on the fixture"
gen --out "$tmp/b" >/dev/null 2>&1 || true
if diff -r "$tmp/a" "$tmp/b" >/dev/null; then ok; else bad "two runs differ: the output is not deterministic"; fi
for l in 01-fixture 02-fixture-solved; do echo "# $l" >"$tmp/a/$l/README.md"; done
if gen --check --out "$tmp/a" >/dev/null 2>&1; then ok; else bad "--check fails right after generating"; fi

echo '/* a student edit */' >>"$tmp/a/01-fixture/shout.c"
if gen --check --out "$tmp/a" >/dev/null 2>&1; then bad "--check misses an edited starter"; else ok; fi
gen --out "$tmp/a" >/dev/null 2>&1
touch "$tmp/a/01-fixture/stray.c"
if gen --check --out "$tmp/a" >/dev/null 2>&1; then bad "--check misses a file the manifest does not name"; else ok; fi
gen --out "$tmp/a" >/dev/null 2>&1
if [[ -e $tmp/a/01-fixture/stray.c ]]; then bad "regenerating keeps a stray source"; else ok; fi
if [[ -f $tmp/a/01-fixture/README.md ]]; then ok; else bad "regenerating removed the hand-written README"; fi

printf '[01-broken]\ntitle x\nprogs shout\nstrip labs/tests/fixture/nonexistent.c\n' >"$tmp/broken.txt"
if bash labs/mkstarters.sh --manifest "$tmp/broken.txt" --out "$tmp/c" >/dev/null 2>&1; then
	bad "a manifest naming a missing reference is accepted"
else ok; fi

# A lab takes only the student's files; the given ones stay where they are.
[[ -f $tmp/a/01-fixture/loud.c && ! -e $tmp/a/01-fixture/loud.h ]] && ok ||
	bad "01-fixture should hold loud.c (stripped) and not loud.h (given)"
[[ ! -e $tmp/a/02-fixture-solved/loud.c ]] && ok || bad "02-fixture-solved holds its given loud.c"
got=$(gen --list 02-fixture-solved 2>&1 | tr '\t\n' ' |')
want='strip labs/tests/fixture/shout.c|solved labs/tests/fixture/loud.c|copy labs/tests/fixture/loud.h|'
[[ $got == "$want" ]] && ok || bad "--list printed '$got', expected '$want'"

# A lab may not be given a file that it or a later lab strips: that is an answer.
printf '[01-a]\ntitle a\nprogs shout\nstrip labs/tests/fixture/shout.c\nsolved labs/tests/fixture/loud.c\ncopy labs/tests/fixture/loud.h\n[02-b]\ntitle b\nprogs shout\nstrip labs/tests/fixture/shout.c\nstrip labs/tests/fixture/loud.c\ncopy labs/tests/fixture/loud.h\n' >"$tmp/forward.txt"
if err=$(bash labs/mkstarters.sh --manifest "$tmp/forward.txt" --out "$tmp/f" 2>&1); then
	bad "a lab given a later lab's answer is accepted"
elif [[ $err == *"01-a gives labs/tests/fixture/loud.c, which lab 02-b strips"* ]]; then ok
else bad "a lab given a later lab's answer: unclear error: $err"; fi
printf '[01-a]\ntitle a\nprogs shout\nstrip labs/tests/fixture/shout.c\nsolved labs/tests/fixture/loud.c labs/tests/fixture/loud.h # two at once\n' >"$tmp/two.txt"
bash labs/mkstarters.sh --manifest "$tmp/two.txt" --out "$tmp/two" >/dev/null 2>&1 &&
	[[ $(bash labs/mkstarters.sh --manifest "$tmp/two.txt" --list | wc -l) == 3 ]] && ok ||
	bad "a copy line with two files"
printf '[01-a]\ntitle a\nprogs shout\nstrip labs/tests/fixture/shout.c\ncopy ../etc/passwd\n' >"$tmp/up.txt"
if bash labs/mkstarters.sh --manifest "$tmp/up.txt" --out "$tmp/up" >/dev/null 2>&1; then
	bad "a manifest path going up out of the kit is accepted"; else ok; fi

# The starter builds without a warning and runs (it just does not shout yet);
# with the reference code back (--solved) it shouts.  Built in a copy far from
# the kit, as a self-learner who moved the directory would (KIT=), while the
# directory the given files come from has a build/ of its own (as every
# reference directory has once built): the workspace still makes its own.
made_build=
if [[ ! -e labs/tests/fixture/build ]]; then
	mkdir labs/tests/fixture/build && made_build=labs/tests/fixture/build
	trap 'rm -rf "$tmp"; [[ -z $made_build ]] || rmdir "$top/$made_build"' EXIT
fi
for l in 01-fixture 02-fixture-solved; do
	cp -R "$tmp/a/$l" "$tmp/moved-$l"
	if out=$(make -C "$tmp/moved-$l" STRICT=1 KIT="$top" 2>&1) && ! grep -qi 'warning' <<<"$out"; then ok
	else bad "starter $l does not build cleanly: $out"; fi
done
got=$(echo 'hello' | "$tmp/moved-01-fixture/shout")
[[ $got == hello ]] && ok || bad "starter 01-fixture printed '$got'"
got=$(echo 'hello' | "$tmp/moved-02-fixture-solved/shout")
[[ $got == hello ]] && ok || bad "starter 02-fixture-solved printed '$got'"
gen --solved "$tmp/solved" >/dev/null 2>&1
for f in shout.c loud.c; do
	if cmp -s "$tmp/solved/01-fixture/$f" "labs/tests/fixture/$f"; then ok
	else bad "--solved $f differs from the reference"; fi
done
make -s -C "$tmp/solved/01-fixture" STRICT=1 KIT="$top" >/dev/null 2>&1 || bad "solved fixture does not build"
got=$(echo 'hello' | "$tmp/solved/01-fixture/shout")
[[ $got == HELLO ]] && ok || bad "solved fixture printed '$got'"

# With every given file beside it (a bundle, or the grader's copy), the
# workspace builds from those and needs no kit: a local loud.h that differs
# from the kit's is the one compiled.
flat=$tmp/flat/02-fixture-solved
mkdir -p "$tmp/flat"
cp -R "$tmp/solved/02-fixture-solved" "$flat"
make -s -C "$flat" clean >/dev/null
cp labs/tests/fixture/loud.c "$flat/"
sed 's/int loud_up(char \*s);/int loud_up(char *s);\n#define LOUD_LOCAL 1/' labs/tests/fixture/loud.h >"$flat/loud.h"
printf '#ifndef LOUD_LOCAL\n#error the kit header\n#endif\n' >>"$flat/loud.c"
if make -s -C "$flat" STRICT=1 KIT=/nonexistent >/dev/null 2>&1; then ok
else bad "a workspace with its given files beside it does not build without the kit"; fi

echo "generator: $passes passed, $fails failed"
((fails == 0))
