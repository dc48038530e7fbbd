/*
 * fuzz_rdt.c — libFuzzer harness for the reliable segment decoder and for the
 * sender and receiver behind it, fed what a hostile peer could send.
 *
 * The input is decoded as a reliable segment (checksum fixed up, so the field
 * checks are reached) and must encode back to the same bytes.  Then it is
 * read as a script of 13-byte records (sequence, acknowledgment, window,
 * flags), each handed to a receiver as a data segment and to a sender as an
 * ACK, with the clock moving on; buffers must stay within their bounds and
 * nothing may crash (ASan, UBSan).  The fixed-up datagram also goes to a host's
 * reliable connections (a listener on its destination port).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rconn.h"
#include "receiver.h"
#include "rseg.h"
#include "sender.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct segment_netaddr src = { 0x7f000001, 40001 };
static const struct segment_netaddr dst = { 0x7f000001, 40002 };

static int
drop(void *ctx, const struct segment_netaddr *to, const uint8_t *seg, size_t len)
{
	return 0;
}

/* The datagram reaches a host that listens on its destination port. */
static void
to_host(const uint8_t *buf, size_t size)
{
	struct rconn_config cfg;
	struct rconn_host *h;

	rconn_config_default(&cfg);
	if ((h = rconn_new(&dst, &cfg, drop, NULL)) == NULL)
		return;
	rconn_listen(h, segment_get16(buf + 2));
	rconn_input(h, buf, size, &src, 0);
	rconn_input(h, buf, size, &src, 5);
	rconn_tick(h, 10000);
	rconn_free(h);
}

static void
check_codec(const uint8_t *data, size_t size)
{
	uint8_t buf[RSEG_MAX_LEN], again[RSEG_MAX_LEN];
	struct rseg s;

	if (size < RSEG_HEADER_LEN || size > RSEG_MAX_LEN)
		return;
	memcpy(buf, data, size);
	segment_put16(buf + 6, 0);
	segment_put16(buf + 6, segment_checksum(&src, &dst, buf, size));
	to_host(buf, size);
	if (rseg_decode(buf, size, &src, &dst, &s) != RSEG_OK)
		return;
	if (s.payload != buf + RSEG_HEADER_LEN || s.payload_len != size - RSEG_HEADER_LEN)
		abort();
	if (rseg_encode(&s, &src, &dst, again, sizeof(again)) != size ||
	    memcmp(again, buf, size) != 0)
		abort();
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
play(const uint8_t *data, size_t size, struct sender *s, struct receiver *r)
{
	static const uint8_t junk[300];
	uint8_t out[512];
	struct sender_seg sg;
	struct receiver_ack ra;
	long now = 0;

	for (; size >= 13; data += 13, size -= 13) {
		struct sender_ack a = { .ack = get32(data), .window = get32(data + 8),
			.has_sack = data[12] & 0x80, .sack = get32(data + 4) };

		now += data[12] & 0x3f;
		receiver_input(r, get32(data + 4), junk, data[8] % sizeof(junk),
		    data[12] & 0x40, &ra);
		if (receiver_readable(r) > 256 || ra.window > 256)
			abort();
		if (data[12] & 1)
			receiver_read(r, out, data[9]);
		sender_write(s, junk, data[10]);
		sender_on_ack(s, &a, now);
		sender_tick(s, now);
		while (sender_next(s, now, &sg, out, sizeof(out)))
			if (sg.len > 64)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sender_config sc;
	struct receiver_config rc = { .buf_cap = 256, .isn = 0xfffffff0 };
	struct sender *s;
	struct receiver *r;

	check_codec(data, size);
	sender_config_default(&sc, size % 3 == 0 ? SENDER_SELECTIVE_REPEAT : SENDER_GO_BACK_N);
	sc.mss = 64;
	sc.buf_cap = 1024;
	sc.isn = 0xffffff00;
	sc.cc = size % 2 ? CC_RENO : CC_NONE;
	rc.selective = size % 3 == 0;
	s = sender_new(&sc);
	r = receiver_new(&rc);
	if (s != NULL && r != NULL)
		play(data, size, s, r);
	sender_free(s);
	receiver_free(r);
	return 0;
}
