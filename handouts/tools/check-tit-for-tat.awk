# check-tit-for-tat.awk — reads mt-peer --log files (JSON Lines) and checks
# every rechoke decision against tit-for-tat: each regular (not optimistic)
# unchoke must go to a peer at least as good as every interested peer left
# choked.  "Good" is the rate it sends us (rate_from), or, when we seed, the
# rate we send it (rate_to); while we download, a snubbing peer holds no
# regular slot at all (anti-snubbing: it may only be optimistically unchoked).
# Prints how many decisions it checked; prints each violation and exits 1.
#
# usage: awk -f handouts/tools/check-tit-for-tat.awk LOG...
/"ev":"rechoke"/ {
	seeding = ($0 ~ /"seeding":1/)
	n = split($0, obj, /\},\{/)
	nr = nc = 0
	for (i = 1; i <= n; i++) {
		if (obj[i] !~ /"peer":/) continue
		it = val(obj[i], "interested"); un = val(obj[i], "unchoke"); op = val(obj[i], "optimistic")
		rate = seeding ? val(obj[i], "rate_to") : val(obj[i], "rate_from")
		sn = seeding ? 0 : val(obj[i], "snubbed")
		if (un && !op && sn) { print FILENAME ": a snubbing peer in a regular slot: " $0; bad++ }
		if (un && !op) { rr[++nr] = rate; rs[nr] = sn }
		else if (!un && it) { cr[++nc] = rate; cs[nc] = sn }
	}
	if (nr == 0) next
	decisions++
	for (a = 1; a <= nr; a++) for (b = 1; b <= nc; b++)
		if (rs[a] > cs[b] || (rs[a] == cs[b] && rr[a] < cr[b])) { print FILENAME ": " $0; bad++ }
}
function val(s, k,   r) { if (match(s, "\"" k "\":[0-9]+")) return substr(s, RSTART + length(k) + 3, RLENGTH - length(k) - 3) + 0; return 0 }
END { if (bad) exit 1; printf "%d rechokes with regular unchokes, all to the fastest interested peers\n", decisions }
