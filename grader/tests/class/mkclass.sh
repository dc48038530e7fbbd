#!/usr/bin/env bash
# mkclass.sh — a synthetic lab-1 class in DIR, for test_classreport.c:
#   ref                    the reference, submitted as a student would
#   mutant_NAME            each of lab 1's mutants (mutants/01-udp-uppercase/)
#   copy_renamed           the reference with its local names changed, spaces
#                          for tabs and a comment on every statement
#   <b>copy & 'paste'  the same with other names and blank lines (its name
#                          also tests the page's escaping)
#   independent            lab 1 solved apart from the reference (independent/)
#   starter                the lab's starter, untouched
#   broken                 the starter with a syntax error: a build failure
#   summary                the starter again: its JSON report is summary.json, so the
#                          class's files must step aside (class-summary.json)
#
#   tests/class/mkclass.sh DIR      (run from grader/)
set -euo pipefail
dir=$1 progs="udp_server udp_client" files="uppercase.c udp_server.c udp_client.c"
mkdir -p "$dir"
bash tests/mksub.sh ../udp_uppercase "$progs" "$dir/ref"
for m in mutants/01-udp-uppercase/*/; do
	bash tests/mksub.sh ../udp_uppercase "$progs" "$dir/mutant_$(basename "$m")" "$m"
done
bash tests/mksub.sh ../udp_uppercase "$progs" "$dir/independent" tests/class/independent
disguise() {	# DEST SED-RENAMES EXTRA-SED
	cp -r "$dir/ref" "$1"
	for f in $files; do
		sed -i -E "$2; $3" "$1/$f"
	done
}
disguise "$dir/copy_renamed" 's/\<saved\>/keep_errno/g; s/\<fromlen\>/peer_len/g; s/\<who\>/peer_text/g; s/\<attempt\>/round_no/g; s/\<ready\>/nready/g' \
	's/\t/    /g; s/;$/; \/\/ mine/'
disguise "$dir/<b>copy & 'paste'" 's/\<saved\>/e/g; s/\<fromlen\>/alen/g; s/\<who\>/name/g; s/\<pfd\>/waiter/g; s/\<left\>/ms/g' \
	's/$/\n/'
mkdir "$dir/starter" "$dir/broken" "$dir/summary"
for f in $files; do
	cp "../labs/01-udp-uppercase/$f" "$dir/starter/"
	cp "../labs/01-udp-uppercase/$f" "$dir/broken/"
	cp "../labs/01-udp-uppercase/$f" "$dir/summary/"
done
printf 'this is not C\n' >>"$dir/broken/uppercase.c"
