# normalise.awk — C text with its comments and white space removed, so that two
# copies of the same code compare equal however they are laid out.  A record
# ends at a \001 byte (leakcheck.sh writes one after each block); a file
# without one is a single record.  Each non-empty record is printed on a line.
BEGIN { RS = "\001" }
{
	t = $0
	gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, "", t)	# /* comments */
	gsub(/\/\/[^\n]*/, "", t)			# // comments
	gsub(/[ \t\r\n\f\v]+/, "", t)
	if (t != "")
		print t
}
