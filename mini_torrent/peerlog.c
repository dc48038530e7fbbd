/*
 * peerlog.c — the start and exit events of mt-peer's log.  See peerlog.h.
 */
#include <string.h>

#include "peerlog.h"

void
peerlog_start(struct jlog *log, const struct session *s,
    const struct metainfo *meta, uint16_t port)
{
	const struct session_config *cfg = &s->cfg;
	char id[21];

	memcpy(id, s->peer_id, 20);
	id[20] = '\0';
	jlog_begin(log, 0, "start");
	jlog_str(log, "peer_id", id);
	jlog_str(log, "info_hash", meta->info_hash_hex);
	jlog_int(log, "port", port);
	jlog_int(log, "pieces", meta->piece_count);
	jlog_int(log, "piece_length", meta->piece_length);
	jlog_int(log, "have", s->picker.have.count);
	jlog_int(log, "upload_rate", (int64_t)cfg->upload_rate);
	jlog_int(log, "download_rate", (int64_t)cfg->download_rate);
	jlog_int(log, "slots", cfg->choke.slots);
	jlog_int(log, "rechoke_ms", cfg->choke.rechoke_ms);
	jlog_int(log, "optimistic_ms", cfg->choke.optimistic_ms);
	jlog_int(log, "random_first", cfg->random_first);
	jlog_end(log);
}

void
peerlog_exit(struct jlog *log, const struct session *s, int64_t now)
{
	jlog_begin(log, now - s->start_ms, "exit");
	jlog_int(log, "complete", session_complete(s));
	jlog_int(log, "downloaded", (int64_t)s->downloaded);
	jlog_int(log, "uploaded", (int64_t)s->uploaded);
	jlog_end(log);
}
