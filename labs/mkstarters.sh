#!/usr/bin/env bash
# mkstarters.sh — make the student workspaces in labs/ from the reference programs.
#
# Every lab is described in labs/manifest.txt: which reference files it takes and
# what happens to each (see the manifest's header).  For each lab this writes
# labs/<lab>/: the files the student writes, with their SOLUTION blocks replaced
# by TODO hints and stubs (labs/markers.awk); a Makefile that reads the given
# files where they live (in a bundle, labs/mkbundle.sh puts them beside it); and
# a .gitignore.  The lab's README.md, lab.conf and given/ (stand-ins for a later
# lab's module) are written by hand: this script never touches them.
#
# The output depends only on the references and the manifest (no dates, no
# paths of this machine), so CI can regenerate and compare: --check fails when
# the committed starters differ from what this script makes.  It also refuses
# a manifest that gives a lab a file whose SOLUTION blocks that lab or a later
# one strips: that would hand out an answer.
#
# usage: labs/mkstarters.sh [--check | --solved DIR | --list] [--manifest FILE] [--out DIR] [LAB...]
#   (no option)   regenerate labs/<lab>/ for every lab (or the LABs named)
#   --check       regenerate into a scratch directory and compare with labs/
#   --solved DIR  write the workspaces into DIR/<lab>/ with every SOLUTION block
#                 kept as it is: the reference code back in its marked places
#   --list        print what each lab is made of: ACTION<TAB>PATH a line
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
usage() { echo "usage: $prog [--check | --solved DIR | --list] [--manifest FILE] [--out DIR] [LAB...]"; }

while (($#)); do
	case $1 in
	--help) usage; exit 0 ;;
	--check) mode=check; shift ;;
	--list) mode=list; shift ;;
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

# lab_makefile LAB TITLE PROGS LIBS YOURS GIVEN DIRS REFS: a workspace's Makefile.
lab_makefile() {
	local lab=$1 title=$2 progs=$3 libs=$4 yours=$5 given=$6 dirs=$7 refs=$8
	cat <<EOF
# Makefile — lab $lab: $title.
#
# Made by labs/mkstarters.sh.
#
#   make            build the programs: $progs
#   make check      build, then run the grader's visible tests on this directory
#                   (it fails below full marks, so a script can tell)
#   make STRICT=1   treat warnings as errors, as the reference code does
#   make clean
#
# You write the files in YOURS.  The files in GIVEN are handed to you: in a lab
# bundle they sit here beside yours; in the whole kit they are read from where
# they live (vpath below).  When you are graded, the given files are the ones
# handed out, whatever your copies say: edit only yours.
# <prog>.c holds main() for each program.

PROGS   := $progs
LAB     := $lab
YOURS   := $yours
GIVEN   := $given
LDLIBS  :=${libs:+ $libs}

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \\
            -Wmissing-prototypes -Wno-unused-parameter \$(if \$(STRICT),-Werror)
CPPFLAGS += -D_POSIX_C_SOURCE=200809L

# The kit: where the given files this directory lacks are read from, and what
# make check runs (a bundle brings its own grader in .socklab/ and needs no
# kit).  If you moved this directory out of the kit: make KIT=/path/to/socklab
KIT     ?= ../..
ifneq (\$(filter-out \$(wildcard \$(GIVEN)),\$(GIVEN)),)
FROM    := \$(addprefix \$(KIT)/,$dirs)
\$(foreach f,\$(GIVEN),\$(eval vpath \$(f) \$(FROM)))
CPPFLAGS += \$(addprefix -I,\$(FROM))
endif
GRADER  ?= \$(KIT)/grader/grade
REFS    := $refs

SRCS    := \$(filter %.c,\$(YOURS) \$(GIVEN))
HDRS    := \$(filter %.h,\$(YOURS) \$(GIVEN))
OBJS    := \$(patsubst %.c,build/%.o,\$(filter-out \$(PROGS:=.c),\$(SRCS)))

.PHONY: all check clean
all: \$(PROGS)

build/%.o: %.c \$(HDRS) | build
	\$(CC) \$(CPPFLAGS) \$(CFLAGS) -c -o \$@ \$<

\$(PROGS): %: build/%.o \$(OBJS)
	\$(CC) \$(LDFLAGS) -o \$@ \$^ \$(LDLIBS)

build:
	mkdir -p \$@

check: all
	@if [ -x .socklab/grader/grade ]; then \\
	  p=\$\$(uname -sm); [ "\$\$p" = "\$\$(cat .socklab/platform)" ] || { \\
	    echo "make check: this bundle's grader and reference programs are built for \$\$(cat .socklab/platform), this machine is \$\$p: run make check on such a machine" >&2; exit 2; }; \\
	  exec .socklab/grader/grade \$(LAB) --kit .socklab --submission . --tests visible --strict; \\
	fi; \\
	if [ ! -f '\$(KIT)/grader/Makefile' ]; then \\
	  echo "make check: no socklab kit at \$(KIT): run make check KIT=/path/to/socklab" >&2; exit 2; fi; \\
	for d in grader \$(REFS); do \\
	  MAKEFLAGS= \$(MAKE) -s -C '\$(KIT)'/\$\$d >/dev/null || { echo "make check: could not build \$(KIT)/\$\$d" >&2; exit 2; }; \\
	done; \\
	exec '\$(GRADER)' \$(LAB) --kit '\$(KIT)' --submission . --tests visible --strict

clean:
	rm -rf build \$(PROGS)
EOF
}

# stage_lab LAB: writes the stage's copy of one lab (from lab_title, lab_progs,
# lab_libs and lab_entries): the files it strips, its Makefile and .gitignore.
# The files it gives are not copied: the Makefile reads them where they live.
stage_lab() {
	local lab=$1 dir=$stage/$1 entry action src only dest awkmode later
	local yours= given= dirs= refs= title=${lab_title[$1]} progs=${lab_progs[$1]}
	mkdir -p "$dir"
	[[ -n $progs ]] || die "$manifest: lab $lab has no 'progs' line"
	[[ -n ${lab_entries[$lab]} ]] || die "$manifest: lab $lab takes no files"
	while IFS=$'\t' read -r action src only; do
		[[ -f $top/$src ]] || die "$manifest: $lab: no such reference file: $src"
		dest=$(basename "$src")
		[[ " $yours $given " != *" $dest "* ]] || die "$manifest: $lab: two files named $dest"
		awkmode=$action
		[[ $mode == solved && $action == strip ]] && awkmode=keep
		if [[ $action == strip ]]; then
			(cd "$top" && awk -v mode="$awkmode" -v only="$only" -f labs/markers.awk "$src") \
				>"$dir/$dest" || die "$lab: cannot make $dest from $src (see above)"
			yours+=" $dest"
			continue
		fi
		# A given file must not answer this lab or a later one.
		for later in ${stripped_in[$src]:-}; do
			[[ $later < $lab ]] ||
				die "$manifest: $lab gives $src, which lab $later strips: give a stand-in (see labs/05-torrent-peer/given/)"
		done
		(cd "$top" && awk -v mode="$awkmode" -f labs/markers.awk "$src") >/dev/null ||
			die "$lab: $src: bad markers (see above)"
		given+=" $dest"
		dirs+=$'\n'"${src%/*}"
		[[ $src == labs/* ]] || refs+=$'\n'"${src%%/*}"
	done <<<"${lab_entries[$lab]}"
	# The kit directories the lab's files come from: make check builds them.
	for src in $(sed -n 's/^strip\t\([^\t]*\).*/\1/p' <<<"${lab_entries[$lab]}"); do
		refs+=$'\n'"${src%%/*}"
	done
	dirs=$(sort -u <<<"$dirs" | sed '/^$/d' | tr '\n' ' ')
	refs=$(sort -u <<<"$refs" | sed '/^$/d' | tr '\n' ' ')
	lab_makefile "$lab" "$title" "$progs" "${lab_libs[$lab]}" "${yours# }" "${given# }" \
		"${dirs% }" "${refs% }" >"$dir/Makefile"
	{
		echo "# Made by labs/mkstarters.sh: what the build leaves here."
		echo "/build/"
		echo "/results*"
		for p in $progs; do echo "/$p"; done
	} >"$dir/.gitignore"
}

# --- reading the manifest -----------------------------------------------------

declare -A lab_title lab_progs lab_libs lab_entries stripped_in
all_labs=()
lab=

lineno=0
while IFS= read -r line || [[ -n $line ]]; do
	lineno=$((lineno + 1))
	line=${line%%#*}
	read -r -a w <<<"$line" || true
	((${#w[@]})) || continue
	case ${w[0]} in
	\[*\])
		lab=${w[0]#[}; lab=${lab%]}
		[[ $lab =~ ^[0-9][0-9]-[a-z0-9-]+$ ]] || die "$manifest:$lineno: bad lab name '$lab'"
		[[ -z ${lab_entries[$lab]+x} ]] || die "$manifest:$lineno: lab $lab listed twice"
		all_labs+=("$lab")
		lab_title[$lab]= lab_progs[$lab]= lab_libs[$lab]= lab_entries[$lab]= ;;
	title | progs | libs)
		[[ -n $lab ]] || die "$manifest:$lineno: ${w[0]} before the first [lab]"
		case ${w[0]} in
		title) lab_title[$lab]=${w[*]:1} ;;
		progs) lab_progs[$lab]=${w[*]:1} ;;
		libs) lab_libs[$lab]=${w[*]:1} ;;
		esac ;;
	strip)
		[[ -n $lab ]] || die "$manifest:$lineno: file before the first [lab]"
		((${#w[@]} >= 2)) || die "$manifest:$lineno: strip needs a file"
		only=
		if ((${#w[@]} > 2)); then
			re='^[[:space:]]*strip[[:space:]]+[^[:space:]]+[[:space:]]+/(.+)/[[:space:]]*$'
			[[ $line =~ $re ]] || die "$manifest:$lineno: expected 'strip FILE' or 'strip FILE /pattern/'"
			only=${BASH_REMATCH[1]}
		fi
		stripped_in[${w[1]}]+=" $lab"
		lab_entries[$lab]+=${lab_entries[$lab]:+$'\n'}"strip"$'\t'"${w[1]}"$'\t'"$only" ;;
	solved | copy)
		[[ -n $lab ]] || die "$manifest:$lineno: file before the first [lab]"
		((${#w[@]} >= 2)) || die "$manifest:$lineno: ${w[0]} needs a file"
		for f in "${w[@]:1}"; do
			[[ $f != /* && /$f/ != */../* ]] || die "$manifest:$lineno: $f: a path from the top of the kit, please"
			lab_entries[$lab]+=${lab_entries[$lab]:+$'\n'}"${w[0]}"$'\t'"$f"$'\t'
		done ;;
	*) die "$manifest:$lineno: unknown keyword '${w[0]}'" ;;
	esac
done <"$manifest"

for l in "${wanted[@]}"; do
	[[ " ${all_labs[*]} " == *" $l "* ]] || die "no lab '$l' in $manifest"
done
labs=()
for l in "${all_labs[@]}"; do
	if ((${#wanted[@]} == 0)) || [[ " ${wanted[*]} " == *" $l "* ]]; then
		labs+=("$l")
	fi
done

# --list: what each lab is made of, one file a line: ACTION<TAB>PATH.
if [[ $mode == list ]]; then
	for l in "${labs[@]}"; do
		cut -f1,2 <<<"${lab_entries[$l]}"
	done
	exit 0
fi
for l in "${labs[@]}"; do
	stage_lab "$l"
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
