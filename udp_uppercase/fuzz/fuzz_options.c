/*
 * fuzz_options.c — libFuzzer harness for the command-line parsers (and the
 * upper-case transform, which is one line away).
 *
 * The input is split at newlines into argv.  Besides "never crash", it checks
 * what the programs rely on: whatever the parsers accept is in range (ports,
 * timeouts, retries), host strings are non-empty and bracket-free, messages
 * are NUL-terminated, and a port string is accepted exactly when it is all
 * digits and at most 65535.  uppercase_ascii must agree with a naive rule.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "uppercase.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 16

static int
naive_port_ok(const char *s, int min)
{
	size_t n = strlen(s);
	unsigned long v = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (v <= 65535)
			v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= (unsigned long)min && v <= 65535;
}

static void
check_host(const char *h)
{
	if (h[0] == '\0' || strlen(h) >= OPTIONS_HOST_MAX || strchr(h, '[') || strchr(h, ']'))
		abort();
}

static void
check_parsers(int argc, char *argv[])
{
	char *copy[MAX_ARGS + 2];
	struct options_server so;
	struct options_client co;
	enum options_status st;
	char msg[128];
	unsigned port;

	memcpy(copy, argv, sizeof(char *) * (size_t)(argc + 1));
	memset(msg, 'x', sizeof(msg));
	st = options_parse_server(argc, copy, &so, msg, sizeof(msg));
	if (st == OPTIONS_BAD && memchr(msg, '\0', sizeof(msg)) == NULL)
		abort();
	if (st == OPTIONS_OK) {
		check_host(so.bind_host);
		if (options_parse_port(so.port, 0, &port) == -1)
			abort();
	}
	memcpy(copy, argv, sizeof(char *) * (size_t)(argc + 1));
	memset(msg, 'x', sizeof(msg));
	st = options_parse_client(argc, copy, &co, msg, sizeof(msg));
	if (st == OPTIONS_BAD && memchr(msg, '\0', sizeof(msg)) == NULL)
		abort();
	if (st == OPTIONS_OK) {
		check_host(co.host);
		if (options_parse_port(co.port, 1, &port) == -1 ||
		    co.timeout_ms < 1 || co.timeout_ms > OPTIONS_MAX_TIMEOUT_MS ||
		    co.retries < 0 || co.retries > OPTIONS_MAX_RETRIES)
			abort();
	}
	for (int i = 1; i < argc; i++) {
		for (int min = 0; min <= 1; min++) {
			int ok = options_parse_port(argv[i], min, &port) == 0;

			if (ok != naive_port_ok(argv[i], min))
				abort();
		}
	}
}

static void
check_uppercase(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);

	if (buf == NULL)
		return;
	memcpy(buf, data, size);
	uppercase_ascii(buf, size);
	for (size_t i = 0; i < size; i++) {
		uint8_t want = data[i] >= 'a' && data[i] <= 'z' ? (uint8_t)(data[i] - 32) : data[i];

		if (buf[i] != want)
			abort();
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *argv[MAX_ARGS + 2], *p;
	int argc = 0;

	check_uppercase(data, size);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = "prog";
	for (p = text; argc <= MAX_ARGS; ) {
		char *nl = strchr(p, '\n');

		argv[argc++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	argv[argc] = NULL;
	check_parsers(argc, argv);
	free(text);
	return 0;
}
