#!/usr/bin/env bash
# hostile-class.sh — `make test-hostile-class`: a lab-1 class as it really
# arrives, graded at once (--class DIR --jobs 2 --format json), then checked:
# every entry has a gradebook row and a report, each row its expected score
# (or the reason it could not be graded), the class directory unchanged, a
# canary file beside it unchanged and unread, no student process left, no
# file left in the temporary directories, and the time it took.
#
# The class: the reference; two mutants; an empty folder; a loud build (600
# unused statics); working binaries committed with sources that do not
# compile; the reference nested one and two folders deep, zipped, tarred,
# zipped in a folder of its own;
# a dot-named folder; a 210 MB file; a name with spaces, accents and
# parentheses (its replay command is run); a file that is not an archive;
# a link to /etc; a macOS binary committed over good sources; and each of
# hostile/* (its program as both udp_server and udp_client).  Needs root:
# class grading refuses to run without it.
set -euo pipefail
cd "$(dirname "$0")/.."
grade=$(cd "${BIN_DIR:-.}" && pwd)/grade
[[ $(id -u) -eq 0 ]] || { echo "hostile-class: run as root (grade --class needs root)" >&2; exit 1; }
# Under TMPDIR=/tmp, like a real run, so files left in /tmp are seen.
root=$(mktemp -d /tmp/hostile-class.XXXXXX)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT
class=$root/class out=$root/out tmp=$root/tmp
mkdir -p "$class" "$tmp"
chmod 1777 "$tmp"
mksub() { bash tests/mksub.sh ../udp_uppercase "udp_server udp_client" "$@" >/dev/null; }

# --- the class ---------------------------------------------------------------
ref=$root/reference
mksub "$ref"
cp -a "$ref" "$class/reference"
for m in server_no_uppercase client_no_timeout; do
	mksub "$class/mutant-$m" "mutants/01-udp-uppercase/$m"
done
mkdir "$class/empty"
cp -a "$ref" "$class/loud"
for i in $(seq 600); do echo "static int unused_$i;"; done >"$class/loud/sloppy.c"
echo '#include "sloppy.c"' >>"$class/loud/uppercase.c"
cp -a "$ref" "$class/binaries-committed"
make -s -C "$class/binaries-committed" >/dev/null
rm -rf "$class/binaries-committed/build"
echo 'this is not C' >>"$class/binaries-committed/udp_server.c"
touch "$class/binaries-committed/udp_server" "$class/binaries-committed/udp_client"
mkdir -p "$class/nested-one" "$class/nested-two/hw1"
cp -a "$ref" "$class/nested-one/udp_uppercase"
cp -a "$ref" "$class/nested-two/hw1/lab1"
(cd "$root" && cp -a reference ref-zip && python3 -m zipfile -c "$class/ref.zip" ref-zip)
tar -C "$root" -czf "$class/ref.tar.gz" reference
# A learning platform's export: each upload in a folder of its own.
mkdir "$class/lms-export"
cp "$class/ref.zip" "$class/lms-export/"
cp -a "$ref" "$class/.dotted"
cp -a "$ref" "$class/huge"
head -c 220200960 /dev/urandom >"$class/huge/lecture-recording.mp4"
cp -a "$ref" "$class/Zoë Müller (late)"
echo 'my homework is in the other email' >"$class/homework.zip"
ln -s /etc "$class/etc-link"
cp -a "$ref" "$class/macos-binary"
printf '\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00\x02\x00\x00\x00' >"$class/macos-binary/udp_server"
head -c 30000 /dev/urandom >>"$class/macos-binary/udp_server"
chmod 755 "$class/macos-binary/udp_server"
for h in hostile/*/; do
	h=$(basename "$h")
	mkdir "$class/hostile-$h"
	cp "$ref/uppercase.c" "$ref/uppercase.h" "$class/hostile-$h/"
	if [[ -f hostile/$h/hostile.c ]]; then
		cp "hostile/$h/hostile.c" "$class/hostile-$h/udp_server.c"
		cp "hostile/$h/hostile.c" "$class/hostile-$h/udp_client.c"
	fi
	cp "hostile/$h/Makefile" "$class/hostile-$h/"
done

# name, total, what the row's reason says ("" for a graded one), and a fourth
# column, empty (it once named the change an expectation was waiting for).
# A mutant loses its tests and those that require them: server_no_uppercase
# the four server tests and student_client_and_server; client_no_timeout the
# four tests its MUTANT file names.  Under lab 1, hostile/* build (their
# program is both udp_server and udp_client) and lose every test, but
# portsquat's server, which serves honestly: its four server tests pass; the
# snoop finds nothing of its classmates (the canary check below).
expected=$(cat <<'EOF'
reference	100		
mutant-server_no_uppercase	55		
mutant-client_no_timeout	65		
empty	0		
loud	100		
binaries-committed	0		
nested-one	100		
nested-two	100		
ref.zip	100		
ref.tar.gz	100		
lms-export	100		
.dotted	100		
huge	0	could not be graded: 	
Zoë Müller (late)	100		
homework.zip	0	could not be graded: 	
etc-link	0	could not be graded: it is a symbolic link	
macos-binary	100		
hostile-buildhang	0		
hostile-daemon	0		
hostile-flood	0		
hostile-forkbomb	0		
hostile-killer	0		
hostile-memhog	0		
hostile-portsquat	40		
hostile-snoop	0		
hostile-spin	0		
EOF
)

# --- before ------------------------------------------------------------------
sums() { (cd "$1" && find . -printf '%p %y %m %s %l\n' | sort && find . -type f -print0 | sort -z |
	xargs -0 sha256sum); }
canary=$root/canary.txt
echo "canary $RANDOM$RANDOM: no student may read this" >"$canary"
touch -a -d '2001-01-01' "$canary"
cat "$canary" >/dev/null
atime_works=0
[[ $(stat -c %X "$canary") -gt 978307200 ]] && atime_works=1
canary_sum=$(sha256sum <"$canary")
touch -a -d '2001-01-01' "$canary"
canary_before=$(stat -c '%X %Y %s' "$canary")
class_before=$(sums "$class")
# What students made there (the grader's own files go to TMPDIR=$tmp, checked apart).
others() { find /tmp /var/tmp /dev/shm -mindepth 1 -maxdepth 1 -uid +999999 -printf '%p %U\n' \
	2>/dev/null | sort; }
others_before=$(others)

# --- grading -----------------------------------------------------------------
echo "hostile-class: grading $(ls -A "$class" | wc -l) submissions; load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
TMPDIR=$tmp "$grade" 01-udp-uppercase --class "$class" --jobs 2 -o "$out" --format json \
	2>"$root/grade.log" || { cat "$root/grade.log"; echo "hostile-class: grade failed" >&2; exit 1; }
t1=$(date +%s.%N)
secs=$(awk "BEGIN { print $t1 - $t0 }")
# The same class graded as an ordinary user: refused, with why and what to run
# (handouts/instructors.md, "Class grading needs root"), and nothing written.
said=$(setpriv --reuid=65534 --regid=65534 --clear-groups env TMPDIR=$tmp "$grade" \
	01-udp-uppercase --class "$class" --jobs 2 -o "$root/out-nobody" 2>&1 >/dev/null) && rc=0 || rc=$?
if ((rc != 2)) || [[ $said != *"--class needs root"* || $said != *"sudo "* ]] || [[ -e $root/out-nobody ]]; then
	echo "hostile-class: FAIL: as an ordinary user, --class said (exit $rc): $said" >&2
	fail_nobody=1
fi

# --- checks ------------------------------------------------------------------
fail=0
bad() { echo "hostile-class: FAIL: $*" >&2; fail=1; }
python3 - "$class" "$out" <<PY || fail=1
import csv, json, os, sys
cls, out = sys.argv[1], sys.argv[2]
want = [l.split('\t') for l in '''$expected'''.splitlines()]
def report_name(n):
    b = n.encode('utf-8', 'surrogateescape')
    s = ''.join('%%%02X' % c if (i == 0 and c in b'.-') or c < 0x20 or c in b'%/\\\\' else chr(c)
                for i, c in enumerate(b)) if n.isascii() else n
    return s + '.json'
rows = list(csv.reader(open(os.path.join(out, 'gradebook.csv'), encoding='utf-8', newline='')))
head, rows = rows[0], {r[0]: r for r in rows[1:]}
entries = sorted(e for e in os.listdir(cls))
ok = True
def no(msg):
    global ok
    ok = False
    print('hostile-class: FAIL:', msg, file=sys.stderr)
if sorted(rows) != entries:
    no('rows %s, entries %s' % (sorted(rows), entries))
if sorted(w[0] for w in want) != entries:
    no('the expectations do not cover the class: %s' % entries)
for name, total, reason, after in want:
    r = rows.get(name)
    path = os.path.join(out, report_name(name))
    if r is None or not os.path.exists(path):
        no('%s: no row or no report (%s)' % (name, path))
        continue
    rep = json.load(open(path, encoding='utf-8'))
    got = (r[-2], r[2])
    good = r[-2] == total and rep['score'] == int(total) and reason in r[2] and \
        (reason == '') == (r[2] == '')
    print('  %-28s %3s/%s %-6s %s%s' % (name, r[-2], r[-1], r[1], r[2][:70],
          '' if good else '   <- expected %s %r%s' % (total, reason,
          ' (holds once %s is merged)' % after if after else '')))
    if not good:
        no('%s: %s, expected %s %r' % (name, got, total, reason))
sys.exit(0 if ok else 1)
PY
# The replay command of the accented name runs as printed (from this directory).
replay=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["tests"][0]["replay"])' \
	"$out/Zoë Müller (late).json")
sh -n -c "$replay" || bad "the replay command does not parse: $replay"
TMPDIR=$tmp sh -c "$replay" 2>/dev/null | grep -q '^\[PASS\]' || bad "the replay command does not run: $replay"
[[ $(sums "$class") == "$class_before" ]] || bad "the class directory changed"
[[ $(stat -c '%X %Y %s' "$canary") == "$canary_before" && $(sha256sum <"$canary") == "$canary_sum" ]] ||
	bad "the canary beside the class was read or changed"
((atime_works)) || echo "hostile-class: note: this file system does not update atime: 'unread' is not checked"
! grep -rlF "$(cut -d' ' -f2 "$canary")" "$out" || bad "a report holds the canary's secret"
left=$(for p in /proc/[0-9]*; do
	uid=$(awk '/^Uid:/ { print $2 }' "$p/status" 2>/dev/null) || continue
	state=$(awk '/^State:/ { print $2 }' "$p/status" 2>/dev/null) || continue
	[[ -n $uid && $uid -ge 1000000 && $state != Z ]] || continue
	if [[ $(readlink "$p/cwd" 2>/dev/null) == "$root"* ]] ||
		tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -q "^TMPDIR=$root"; then
		echo "${p#/proc/} uid $uid $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"
	fi
done)
[[ -z $left ]] || bad "processes left: $left"
[[ -z $(ls -A "$tmp") ]] || bad "files left in TMPDIR: $(ls -A "$tmp")"
new=$(comm -13 <(echo "$others_before") <(others))
[[ -z $new ]] || bad "left in /tmp, /var/tmp or /dev/shm: $new"
printf 'hostile-class: %d submissions graded in %.1f s (--jobs 2, %d cores; load after: %s)\n' \
	"$(ls -A "$class" | wc -l)" "$secs" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
((!${fail_nobody:-0})) || fail=1
if ((fail)); then
	echo "hostile-class: FAILED (the grader's log: $root/grade.log, kept)" >&2
	trap - EXIT
	exit 1
fi
echo "hostile-class: every entry graded as expected, nothing left behind"
