#!/usr/bin/env bash
# mkstarters.sh — make the student workspaces in labs/ from the reference programs.
#
# Every lab is described in labs/manifest.txt: which reference files it takes and
# what happens to each (see the manifest's header).  For each lab this writes
# labs/<lab>/: the files, with the SOLUTION blocks a student writes replaced by
# TODO hints and stubs (labs/markers.awk); a Makefile that stands alone (a
# student may copy the directory anywhere); and a .gitignore.  The lab's
# README.md is written by hand and lab.conf belongs to the grader: this script
# never touches either.
#
# The output depends only on the references and the manifest (no dates, no
# paths of this machine), so CI can regenerate and compare: --check fails when
# the committed starters differ from what this script makes.
#
# usage: labs/mkstarters.sh [--check | --solved DIR] [--manifest FILE] [--out DIR] [LAB...]
#   (no option)   regenerate labs/<lab>/ for every lab (or the LABs named)
#   --check       regenerate into a scratch directory and compare with labs/
#   --solved DIR  write the workspaces into DIR/<lab>/ with every SOLUTION block
#                 kept as it is: the reference code back in its marked places
#   --manifest F  read F instead of labs/manifest.txt (the generator's own tests)
#   --out DIR     write or check DIR/<lab>/ instead of labs/<lab>/ (same)
set -euo pipefail
export LC_ALL=C

top=$(cd "$(dirname "$0")/.." && pwd)
prog=labs/mkstarters.sh
manifest=$top/labs/manifest.txt
out=$top/labs
mode=write
solved_dir=

die() { echo "$prog: $*" >&2; exit 1; }
usage() { echo "usage: $prog [--check | --solved DIR] [--manifest FILE] [--out DIR] [LAB...]"; }

while (($#)); do
	case $1 in
	--help) usage; exit 0 ;;
	--check) mode=check; shift ;;
	--solved) [[ $# -ge 2 ]] || { usage >&2; exit 2; }
		mode=solved; solved_dir=$2; shift 2 ;;
	--manifest) [[ $# -ge 2 ]] || { usage >&2; exit 2; }
		manifest=$2; shift 2 ;;
	--out) [[ $# -ge 2 ]] || { usage >&2; exit 2; }
		out=$2; shift 2 ;;
	-*) echo "$prog: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
wanted=("$@")

[[ -r $manifest ]] || die "cannot read the manifest $manifest"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# --- writing one lab into the stage ---------------------------------------

# lab_makefile LAB TITLE PROGS LIBS REFS: the standalone Makefile of a workspace.
lab_makefile() {
	local lab=$1 title=$2 progs=$3 libs=$4 refs=$5
	cat <<EOF
# Makefile — lab $lab: $title.
#
# Made by labs/mkstarters.sh; it needs nothing outside this directory to build,
# so the workspace still builds when you copy it somewhere else.
#
#   make            build the programs: $progs
#   make check      build, then run the grader's visible tests on this directory
#   make STRICT=1   treat warnings as errors, as the reference code does
#   make clean
#
# <prog>.c holds main() for each program; every other .c file here is a module
# linked into every program.

PROGS   := $progs
LAB     := $lab
LDLIBS  :=${libs:+ $libs}

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \\
            -Wmissing-prototypes -Wno-unused-parameter \$(if \$(STRICT),-Werror)
CPPFLAGS += -D_POSIX_C_SOURCE=200809L

# make check runs the kit's grader, which runs your programs against the
# reference ones (built first, from the kit's $refs).  If you moved this
# directory out of the kit, say where the kit is: make check KIT=/path/to/socklab
KIT     ?= ../..
GRADER  ?= \$(KIT)/grader/grade
REFS    := $refs

MODS    := \$(filter-out \$(PROGS:=.c),\$(wildcard *.c))
OBJS    := \$(MODS:%.c=build/%.o)

.PHONY: all check clean
all: \$(PROGS)

build/%.o: %.c \$(wildcard *.h) | build
	\$(CC) \$(CPPFLAGS) \$(CFLAGS) -c -o \$@ \$<

\$(PROGS): %: build/%.o \$(OBJS)
	\$(CC) \$(LDFLAGS) -o \$@ \$^ \$(LDLIBS)

build:
	mkdir -p \$@

check: all
	@if [ ! -f '\$(KIT)/grader/Makefile' ]; then \\
	  echo "make check: no socklab kit at \$(KIT): run make check KIT=/path/to/socklab" >&2; exit 2; fi
	@for d in grader \$(REFS); do \\
	  MAKEFLAGS= \$(MAKE) -s -C '\$(KIT)'/\$\$d >/dev/null || { echo "make check: could not build \$(KIT)/\$\$d" >&2; exit 2; }; \\
	done
	'\$(GRADER)' \$(LAB) --kit '\$(KIT)' --submission . --tests visible

clean:
	rm -rf build \$(PROGS)
EOF
}

# stage_lab LAB: writes the stage's copy of one lab from the manifest entries
# collected for it (globals title, progs, libs, entries).
stage_lab() {
	local lab=$1 dir=$stage/$1 entry action src only dest awkmode refs
	mkdir -p "$dir"
	[[ -n $progs ]] || die "$manifest: lab $lab has no 'progs' line"
	((${#entries[@]})) || die "$manifest: lab $lab takes no files"
	for entry in "${entries[@]}"; do
		IFS=$'\t' read -r action src only <<<"$entry"
		[[ -f $top/$src ]] || die "$manifest: $lab: no such reference file: $src"
		dest=$(basename "$src")
		[[ ! -e $dir/$dest ]] || die "$manifest: $lab: two files named $dest"
		awkmode=$action
		[[ $mode == solved && $action != copy ]] && awkmode=keep
		(cd "$top" && awk -v mode="$awkmode" -v only="$only" -f labs/markers.awk "$src") \
			>"$dir/$dest" || die "$lab: cannot make $dest from $src (see above)"
	done
	# The kit directories the lab's files come from: make check builds them.
	refs=$(for entry in "${entries[@]}"; do
		src=${entry#*$'\t'}; src=${src%%$'\t'*}; echo "${src%%/*}"
	done | sort -u | tr '\n' ' ')
	lab_makefile "$lab" "$title" "$progs" "$libs" "${refs% }" >"$dir/Makefile"
	{
		echo "# Made by labs/mkstarters.sh: what the build leaves here."
		echo "/build/"
		echo "/results*"
		for p in $progs; do echo "/$p"; done
	} >"$dir/.gitignore"
}

# --- reading the manifest -----------------------------------------------------

labs=()
lab= title= progs= libs=
entries=()

finish_lab() {
	[[ -n $lab ]] || return 0
	if ((${#wanted[@]} == 0)) || [[ " ${wanted[*]} " == *" $lab "* ]]; then
		stage_lab "$lab"
		labs+=("$lab")
	fi
}

lineno=0
while IFS= read -r line || [[ -n $line ]]; do
	lineno=$((lineno + 1))
	line=${line%%#*}
	read -r -a w <<<"$line" || true
	((${#w[@]})) || continue
	case ${w[0]} in
	\[*\])
		finish_lab
		lab=${w[0]#[}; lab=${lab%]}
		[[ $lab =~ ^[0-9][0-9]-[a-z0-9-]+$ ]] || die "$manifest:$lineno: bad lab name '$lab'"
		title= progs= libs= entries=() ;;
	title) title=${w[*]:1} ;;
	progs) progs=${w[*]:1} ;;
	libs) libs=${w[*]:1} ;;
	strip | solved | copy)
		[[ -n $lab ]] || die "$manifest:$lineno: file before the first [lab]"
		((${#w[@]} >= 2)) || die "$manifest:$lineno: ${w[0]} needs a file"
		only=
		if ((${#w[@]} > 2)); then
			re='^[[:space:]]*strip[[:space:]]+[^[:space:]]+[[:space:]]+/(.+)/[[:space:]]*$'
			[[ $line =~ $re ]] || die "$manifest:$lineno: expected '${w[0]} FILE' or 'strip FILE /pattern/'"
			only=${BASH_REMATCH[1]}
		fi
		entries+=("${w[0]}"$'\t'"${w[1]}"$'\t'"$only") ;;
	*) die "$manifest:$lineno: unknown keyword '${w[0]}'" ;;
	esac
done <"$manifest"
finish_lab

for l in "${wanted[@]}"; do
	[[ " ${labs[*]} " == *" $l "* ]] || die "no lab '$l' in $manifest"
done

# --- delivering the stage -------------------------------------------------

# The files of a lab that this script owns: sources, headers and what it writes.
owned() { (cd "$1" && ls -A | grep -E '\.(c|h)$|^Makefile$|^\.gitignore$' || true); }

status=0
for lab in "${labs[@]}"; do
	src=$stage/$lab dst=$out/$lab
	case $mode in
	write)
		mkdir -p "$dst"
		for f in $(owned "$dst"); do
			[[ -e $src/$f ]] || { rm -f "$dst/$f"; echo "${out#$top/}/$lab/$f: removed"; }
		done
		for f in $(owned "$src"); do
			cmp -s "$src/$f" "$dst/$f" 2>/dev/null && continue
			cp "$src/$f" "$dst/$f"
			chmod 644 "$dst/$f"
			echo "${out#$top/}/$lab/$f: written"
		done
		[[ -f $dst/README.md ]] || echo "$prog: warning: labs/$lab/README.md is missing" >&2 ;;
	check)
		if [[ ! -d $dst ]]; then
			echo "${out#$top/}/$lab: missing" >&2; status=1; continue
		fi
		for f in $(owned "$dst"); do
			[[ -e $src/$f ]] || { echo "${out#$top/}/$lab/$f: not made by the generator" >&2; status=1; }
		done
		for f in $(owned "$src"); do
			if ! cmp -s "$src/$f" "$dst/$f"; then
				echo "${out#$top/}/$lab/$f: differs from what $prog makes" >&2
				diff -u "$dst/$f" "$src/$f" 2>&1 | head -n 20 >&2 || true
				status=1
			fi
		done
		[[ -f $dst/README.md ]] || { echo "${out#$top/}/$lab/README.md: missing" >&2; status=1; } ;;
	solved)
		mkdir -p "$solved_dir/$lab"
		cp -R "$src/." "$solved_dir/$lab/"
		for f in README.md lab.conf; do
			[[ -f $dst/$f ]] && cp "$dst/$f" "$solved_dir/$lab/"
		done ;;
	esac
done

if [[ $mode == check ]]; then
	if ((status)); then
		echo "$prog: the starters in labs/ are out of date: run 'make starters' and commit them" >&2
		exit 1
	fi
	echo "$prog: labs/ matches the references (${#labs[@]} labs)"
fi
