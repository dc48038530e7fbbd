#!/usr/bin/env bash
# mkbundle.sh — a lab as a class receives it: dist/<lab>.tar.gz.
#
# One folder that builds and runs `make check` on any Linux machine of the same
# kind with a C compiler and make, outside the kit:
#
#   <lab>/                 the files the student writes (the starters of labs/<lab>/),
#                          the given files beside them, the lab's Makefile,
#                          README.md (the lab's, and a word on the bundle),
#                          HANDOUT.md (handouts/<lab>.md)
#   <lab>/.socklab/        what make check runs, laid out as a small kit:
#     platform             `uname -sm` of the machine that built it
#     grader/              grade and faultproxy, prebuilt
#     <refdir>/            the reference programs, prebuilt and stripped, and the
#                          given files the grader lays over a submission
#     labs/manifest.txt    this lab's section only
#     labs/<lab>/          lab.conf with its visible tests only; the Makefile
#
# It holds no reference source of the lab's gaps, or of any later lab's: the
# given files are the manifest's copy and solved entries, which
# labs/mkstarters.sh has already checked answer nothing of this lab or later.
# labs/tests/test-bundles.sh checks the bundle again, from the outside.
#
# usage: labs/mkbundle.sh [--out DIR] LAB...    (the kit's programs must be built)
set -euo pipefail
export LC_ALL=C

top=$(cd "$(dirname "$0")/.." && pwd)
prog=labs/mkbundle.sh
out=$top/dist
die() { echo "$prog: $*" >&2; exit 1; }
usage() { echo "usage: $prog [--out DIR] LAB..."; }

while (($#)); do
	case $1 in
	--help) usage; exit 0 ;;
	--out) [[ $# -ge 2 ]] || { usage >&2; exit 2; }
		out=$2; shift 2 ;;
	-*) echo "$prog: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
(($#)) || { usage >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# visible_conf LAB.CONF: the spec without its hidden tests (a [test] section
# whose visibility is hidden is dropped whole; a visible test may not require
# a hidden one: the grader would refuse the spec, so say so here).
visible_conf() {
	awk -v src="$1" '
	function flush() {
		if (sect != "" && !hidden) printf "%s", sect
		if (hidden) dropped[name] = 1
		sect = ""; hidden = 0
	}
	/^\[/ { flush(); name = ""; if ($1 == "[test") { name = $2; sub(/\]$/, "", name) } }
	/^[ \t]*visibility[ \t]*=[ \t]*hidden[ \t]*$/ { hidden = 1 }
	{ sect = sect $0 "\n" }
	/^[ \t]*requires[ \t]*=/ { for (i = 3; i <= NF; i++) needs[name] = needs[name] " " $i }
	END {
		flush()
		for (t in needs) if (!(t in dropped)) {
			n = split(needs[t], r, " ")
			for (i = 1; i <= n; i++) if (r[i] in dropped) {
				printf "%s: visible test %s requires hidden test %s\n", src, t, r[i] > "/dev/stderr"
				bad = 1
			}
		}
		exit bad
	}' "$1"
}

# visible_table: a handout with the hidden tests taken out of its grader table
# (handouts/grader-tables.sh writes the table, hidden tests marked).
visible_table() {
	awk '
	/^<!-- grader-table / { intable = 1 }
	/^<!-- \/grader-table -->/ { intable = 0 }
	intable && /\*\(hidden\)\*/ { next }
	intable && /^Tests marked \*\(hidden\)\*/ { next }
	intable && /^\| \*\*total\*\* \|/ {
		if (match($0, /[0-9]+ of them in/)) {
			v = substr($0, RSTART, RLENGTH); sub(/ .*/, "", v)
			print "| **total** | **" v "** | in `make check`; hidden tests, with other data, count too when your work is graded |"
			next
		}
	}
	{ print }'
}

# progs_of DIR LAB: the reference programs a lab's bundle carries from DIR: the
# first PROGS line of DIR's Makefile (a later line holds programs that link a
# later lab's answers), and the lab's own binaries (lab.conf) when DIR builds
# them on any line: lab 7's mux_rhost, which its reference side runs.
progs_of() {
	local all first p
	all=$(sed -n 's/^PROGS[[:space:]]*[+:]*=[[:space:]]*//p' "$top/$1/Makefile")
	first=$(head -n 1 <<<"$all")
	echo "$first"
	for p in $(sed -n 's/^binaries[[:space:]]*=[[:space:]]*//p' "$top/labs/$2/lab.conf"); do
		if grep -qw -- "$p" <<<"$all" && ! grep -qw -- "$p" <<<"$first"; then
			echo "$p"
		fi
	done
}

bundle() {
	local lab=$1 dir=$stage/$1 kit=$stage/$1/.socklab action src refs d p
	[[ -f $top/labs/$lab/lab.conf ]] || die "no lab $lab (labs/$lab/lab.conf)"
	bash "$top/labs/mkstarters.sh" --check "$lab" >/dev/null ||
		die "labs/$lab is out of date with the references: run make starters"
	bash "$top/handouts/grader-tables.sh" --check >/dev/null 2>&1 ||
		die "a handout's grader table differs from its lab.conf: run make starters"
	mkdir -p "$kit/labs/$lab" "$kit/grader"
	while IFS=$'\t' read -r action src; do
		if [[ $action == strip ]]; then
			cp "$top/labs/$lab/$(basename "$src")" "$dir/"
		else
			cp "$top/$src" "$dir/"
			mkdir -p "$kit/$(dirname "$src")"
			cp "$top/$src" "$kit/$src"
		fi
	done < <(bash "$top/labs/mkstarters.sh" --list "$lab")
	cp "$top/labs/$lab/Makefile" "$dir/"
	cp "$top/labs/$lab/Makefile" "$kit/labs/$lab/"
	awk -v l="[$lab]" '$1 == l { on = 1 } /^\[/ && $1 != l { on = 0 } on' \
		"$top/labs/manifest.txt" >"$kit/labs/manifest.txt"
	visible_conf "$top/labs/$lab/lab.conf" >"$kit/labs/$lab/lab.conf"
	visible_table <"$top/handouts/$lab.md" >"$dir/HANDOUT.md"
	uname -sm >"$kit/platform"
	{
		# The lab's README links its handout in the kit; here it is HANDOUT.md.
		sed 's#^\*\*Handout:\*\* \[[^]]*\]([^)]*)#**Handout:** [HANDOUT.md](HANDOUT.md)#' \
			"$top/labs/$lab/README.md"
		cat <<EOF

## This bundle

This folder is the whole lab: the files you write, the given ones beside them, and in
\`.socklab/\` the grader and the reference programs that \`make check\` runs yours against.
They are prebuilt for $(uname -sm) ($(ldd --version 2>/dev/null | head -n 1 | sed 's/^ldd //')
or newer); on another kind of machine \`make check\` says so and stops. \`make\` needs only a
C compiler and make. \`HANDOUT.md\` is the handout; its links point into the whole kit, which
your course publishes with each lab's solution after its deadline. Any files of earlier labs come
with their solutions (between \`SOLUTION BEGIN\` and \`SOLUTION END\` comments); \`make check\`
runs the visible tests only, and your grade includes hidden ones too.

The handout's commands are written from the top of the kit. Here, run them from \`.socklab/\`
(\`cd .socklab && . handouts/lib.sh\` loads the shell helpers they use, \`serve\` and
\`stop\`): the reference programs they name are there, as \`./DIR/PROG\`. Yours are
\`../PROG\` from there, once \`make\` has built them.
EOF
	} >"$dir/README.md"
	cp "$top/grader/grade" "$top/grader/faultproxy" "$kit/grader/"
	mkdir -p "$kit/handouts"
	cp "$top/handouts/lib.sh" "$kit/handouts/"
	refs=$(sed -n 's/^references[[:space:]]*=[[:space:]]*//p' "$top/labs/$lab/lab.conf")
	for d in $refs; do
		mkdir -p "$kit/$d"
		for p in $(progs_of "$d" "$lab"); do
			[[ -x $top/$d/$p ]] || die "$d/$p is not built: run make first"
			cp "$top/$d/$p" "$kit/$d/"
		done
	done
	find "$kit" -type f -perm -u+x -exec strip {} +
	chmod -R u+rwX,go+rX "$dir"
	# A test made hidden after the handout's TODO table was written is still
	# named there: refuse the bundle rather than hand the name out.
	local leaks
	if ! leaks=$(bash "$top/labs/tests/leakcheck.sh" "$dir" "$lab" 2>&1); then
		echo "$leaks" >&2
		die "the bundle of $lab would hold what is above (after a change to lab.conf: make starters, make audit LAB=$lab)"
	fi
	tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
		-czf "$out/$lab.tar.gz" "$lab"
	echo "$out/$lab.tar.gz: $(du -k "$out/$lab.tar.gz" | cut -f1) KiB"
}

for lab in "$@"; do
	bundle "$lab"
done
