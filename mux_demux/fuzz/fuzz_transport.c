/*
 * fuzz_transport.c — libFuzzer harness for everything behind the decoder:
 * demultiplexing, connections and reassembly, fed hostile datagrams.
 *
 * An input is a list of records: one byte choosing the sender (one of four
 * network addresses), two bytes of length, then that many bytes of datagram.
 * Each datagram gets a correct checksum (else nearly all would stop at the
 * decoder) and goes to a host that has a connectionless socket on port 7, a
 * listening socket on port 80 and a connection from port 5555 to sender 0's
 * port 80; the clock advances 100 ms per record.  The harness checks that the
 * host only ever emits segments that decode cleanly, that reassembly stays
 * within its memory budget, and that nothing it delivers exceeds 64 KiB.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct segment_netaddr self = { 0x7f000001, 40002 };
static const struct segment_netaddr senders[4] = {
	{ 0x7f000001, 40001 }, { 0x7f000002, 40001 }, { 0x7f000001, 40003 }, { 0x0a000001, 9 },
};
static size_t max_bytes;

/* The host's output: each segment must be one a receiver would accept. */
static int
output(void *ctx, const struct segment_netaddr *dst, const uint8_t *seg, size_t len)
{
	struct segment s;

	if (len > SEGMENT_MAX_LEN || segment_decode(seg, len, &self, dst, &s) != SEGMENT_OK)
		abort();
	return 0;
}

/* Takes everything the applications could take off the host's sockets. */
static void
drain(struct transport *t)
{
	static uint8_t buf[REASM_MAX_MESSAGE + 1];

	for (int sock = 0; sock < TRANSPORT_MAX_SOCKS; sock++) {
		ssize_t n;

		while (transport_accept(t, sock, NULL) != -1)
			;
		while ((n = transport_recvfrom(t, sock, buf, sizeof(buf), NULL)) > 0)
			if (n > REASM_MAX_MESSAGE)
				abort();
	}
}

static struct transport *
host(void)
{
	struct transport_config cfg;
	struct transport *t;
	struct transport_endpoint server = { .host = senders[0], .port = 80 };

	transport_config_default(&cfg);
	cfg.mss = 64;
	cfg.reasm.max_bytes = 64 * 1024;
	cfg.reasm.max_partials = 8;
	max_bytes = cfg.reasm.max_bytes;
	if ((t = transport_new(&self, &cfg, output, NULL)) == NULL ||
	    transport_bind(t, 7) == -1 || transport_listen(t, 80) == -1 ||
	    transport_connect(t, &server, 5555, 0) == -1)
		abort();
	return t;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct transport *t = host();
	uint8_t dgram[SEGMENT_MAX_LEN];
	long now = 0;

	while (size >= 3) {
		const struct segment_netaddr *from = &senders[data[0] % 4];
		size_t len = (size_t)(data[1] << 8 | data[2]);
		uint16_t c;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (len > sizeof(dgram))
			len = sizeof(dgram);
		memcpy(dgram, data, len);
		if (len >= SEGMENT_HEADER_LEN) {
			dgram[6] = dgram[7] = 0;
			c = segment_checksum(from, &self, dgram, len);
			dgram[6] = (uint8_t)(c >> 8);
			dgram[7] = (uint8_t)c;
		}
		transport_input(t, dgram, len, from, now);
		transport_tick(t, now += 100);
		if (transport_reasm_stats(t)->bytes > max_bytes)
			abort();
		drain(t);
		data += len;
		size -= len;
	}
	transport_free(t);
	return 0;
}
