# markers.awk — turn a reference source into a lab starter.
#
# The reference programs mark the code a student writes:
#
#     /* SOLUTION BEGIN: <hint for the student> */
#     /* SOLUTION STUB: return -1; */        (optional, one or more lines)
#     ...reference code...
#     /* SOLUTION END */
#
# With mode=strip every block becomes the hint as a TODO comment followed by
# its stub lines (nothing when there are none), so the starter still compiles:
#
#     /* TODO: <hint for the student> */
#     return -1;
#
# The BEGIN comment may continue over several lines; the TODO keeps its shape.
#
# Variables (set with awk -v):
#   mode   strip   replace blocks by TODO + stub (the starter)
#          solved  drop the marker lines, keep the code (a file given away)
#          keep    copy verbatim, markers and all (the reference, for tests)
#          copy    copy verbatim, and fail if the file has any marker
#   only   an extended regular expression; with mode=strip, only blocks whose
#          hint matches it are stripped, the others are treated as solved
#   nth    a number K; with mode=strip, only the K-th block that would be
#          stripped is, the others are treated as solved (labs/audit.sh: a
#          reference with one gap, to see which tests that gap fails)
#
# The parser is strict so that a typo in a reference fails the build of the
# labs instead of leaking a solution: a marker that is not exactly one of the
# three forms above, a nested BEGIN, an END without BEGIN, a STUB that does not
# follow its BEGIN, or a block still open at the end of the file is an error
# (file:line on stderr, exit status 1).  With mode=strip, a file with no block
# to strip is an error too: its manifest line would be wrong.

function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 1
}

function indent_of(s) {
	match(s, /^[ \t]*/)
	return substr(s, 1, RLENGTH)
}

# Emits the buffered BEGIN comment: as TODO when stripping this block,
# verbatim with mode=keep, not at all otherwise (a solved block).
function flush_begin(   i, line) {
	for (i = 1; i <= nbegin; i++) {
		line = begin[i]
		if (stripping && i == 1)
			sub(/\/\* SOLUTION BEGIN:/, "/* TODO:", line)
		if (stripping || mode == "keep")
			print line
	}
}

BEGIN {
	if (mode != "strip" && mode != "solved" && mode != "keep" && mode != "copy") {
		print "markers.awk: mode must be strip, solved, keep or copy" > "/dev/stderr"
		failed = 1
		exit 2
	}
	inblock = 0		# inside BEGIN ... END
	inbegin = 0		# inside a BEGIN comment that spans lines
	afterbegin = 0		# the BEGIN comment just ended: STUB lines may follow
	nstripped = 0
}

# A BEGIN comment that continues on this line.
inbegin {
	begin[++nbegin] = $0
	hint = hint " " $0
	if (index($0, "*/")) {
		inbegin = 0
		afterbegin = 1
		decide()
	}
	next
}

/SOLUTION (BEGIN|END|STUB)/ {
	if (mode == "copy")
		fail("SOLUTION marker in a file the manifest copies verbatim (use strip or solved)")
}

/SOLUTION BEGIN/ {
	if (inblock)
		fail("SOLUTION BEGIN inside another block (blocks do not nest)")
	if ($0 !~ /^[ \t]*\/\* SOLUTION BEGIN: [^ ]/)
		fail("malformed marker, expected '/* SOLUTION BEGIN: <hint> */'")
	inblock = 1
	nbegin = 1
	begin[1] = $0
	hint = $0
	sub(/^[ \t]*\/\* SOLUTION BEGIN: /, "", hint)
	if (index($0, "*/")) {
		if ($0 !~ /\*\/[ \t]*$/)
			fail("code after the SOLUTION BEGIN comment (put it on the next line)")
		afterbegin = 1
		decide()
	} else {
		inbegin = 1
	}
	next
}

/SOLUTION STUB/ {
	if (!inblock || !afterbegin)
		fail("SOLUTION STUB must come right after its SOLUTION BEGIN line")
	if ($0 !~ /^[ \t]*\/\* SOLUTION STUB: .* \*\/[ \t]*$/)
		fail("malformed marker, expected '/* SOLUTION STUB: <code> */'")
	if (stripping) {
		line = $0
		sub(/\/\* SOLUTION STUB: /, "", line)
		sub(/ \*\/[ \t]*$/, "", line)
		print line
	} else if (mode == "keep") {
		print
	}
	next
}

/SOLUTION END/ {
	if (!inblock)
		fail("SOLUTION END without a SOLUTION BEGIN")
	if ($0 !~ /^[ \t]*\/\* SOLUTION END \*\/[ \t]*$/)
		fail("malformed marker, expected '/* SOLUTION END */' alone on its line")
	inblock = 0
	afterbegin = 0
	if (!stripping && mode == "keep")
		print
	stripping = 0
	next
}

{
	afterbegin = 0
	if (inblock && stripping)
		next
	print
}

END {
	if (failed)
		exit 1
	if (inbegin)
		fail("end of file inside a SOLUTION BEGIN comment")
	if (inblock)
		fail("end of file inside a SOLUTION block (missing SOLUTION END)")
	if (mode == "strip" && nstripped == 0)
		fail("no SOLUTION block to strip" (only != "" ? " matching /" only "/" : "") \
		    (nth != "" ? " numbered " nth : ""))
}

# Called once the whole BEGIN comment is read: strip this block or not?
function decide() {
	stripping = (mode == "strip" && (only == "" || hint ~ only))
	if (stripping && nth != "")
		stripping = (++nth_seen == nth + 0)
	if (stripping)
		nstripped++
	flush_begin()
}
