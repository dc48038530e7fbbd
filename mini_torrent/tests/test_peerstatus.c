/*
 * test_peerstatus.c — the lines mt-peer writes for a person: the plain
 * progress line tests and the grader read, its pacing, the bar on a
 * terminal, and silence under -q.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "peerstatus.h"

struct capture {
	char *text;
	size_t len;
	FILE *f;
};

static void
capture_open(struct capture *c)
{
	c->text = NULL;
	c->len = 0;
	c->f = open_memstream(&c->text, &c->len);
	cr_assert_not_null(c->f);
}

/* What was written so far (the stream stays open). */
static const char *
captured(struct capture *c)
{
	fflush(c->f);
	return c->text;
}

static void
capture_close(struct capture *c)
{
	fclose(c->f);
	free(c->text);
}

/* A status on a fresh capture. */
static void
start(struct capture *c, struct peerstatus *st, int tty, int quiet,
    int64_t now)
{
	capture_open(c);
	peerstatus_init(st, c->f, tty, quiet, now);
}

static const struct peerstatus_sample half = { .have = 21, .total = 50,
    .down_bps = 1572864, .up_bps = 12288, .peers = 3, .seeds = 1 };

Test(peerstatus, plain_line_says_pieces_rates_and_peers)
{
	struct capture c;
	struct peerstatus st;

	start(&c, &st, 0, 0, 0);
	peerstatus_show(&st, &half, 5000);
	cr_expect_str_eq(captured(&c), "mt-peer:  42.0% 21/50 pieces, down "
	    "1.5 MiB/s, up 12.0 KiB/s, 3 peers (1 seeds)\n");
	capture_close(&c);
}

Test(peerstatus, plain_lines_come_every_five_seconds)
{
	struct capture c;
	struct peerstatus st;

	start(&c, &st, 0, 0, 1000);
	cr_expect(!peerstatus_due(&st, 1000));
	cr_expect(!peerstatus_due(&st, 5999));
	cr_expect(peerstatus_due(&st, 6000));
	peerstatus_show(&st, &half, 6000);
	cr_expect(!peerstatus_due(&st, 10999));
	cr_expect(peerstatus_due(&st, 11000));
	capture_close(&c);
}

Test(peerstatus, terminal_gets_a_bar_at_once_and_twice_a_second)
{
	struct capture c;
	struct peerstatus st;
	struct peerstatus_sample x = half;

	x.have = 25;
	start(&c, &st, 1, 0, 1000);
	cr_expect(peerstatus_due(&st, 1000));
	peerstatus_show(&st, &x, 1000);
	cr_expect(!peerstatus_due(&st, 1499));
	cr_expect(peerstatus_due(&st, 1500));
	cr_expect_str_eq(captured(&c), "\r[###############...............]  "
	    "50.0% 25/50 | down 1.5 MiB/s | up 12.0 KiB/s | 3 peers  ");
	peerstatus_complete(&st, 1000, 2.5);
	peerstatus_end_line(&st);	/* nothing more: the line is ended */
	cr_expect(strstr(captured(&c), "peers  \nmt-peer: download complete: "
	    "1000 bytes in 2.5 s\n") != NULL, "%s", captured(&c));
	cr_expect_eq(strlen(strstr(captured(&c), "\nmt-peer: download")),
	    strlen("\nmt-peer: download complete: 1000 bytes in 2.5 s\n"));
	capture_close(&c);
}

Test(peerstatus, quiet_says_nothing)
{
	struct capture c;
	struct peerstatus st;

	start(&c, &st, 1, 1, 0);
	cr_expect(!peerstatus_due(&st, 1000000));
	peerstatus_show(&st, &half, 0);
	peerstatus_checking(&st, 64, 100);
	peerstatus_checked(&st, 1);
	peerstatus_resuming(&st, 5, 10);
	peerstatus_complete(&st, 1, 1);
	peerstatus_end_line(&st);
	cr_expect_eq(c.len, 0);
	capture_close(&c);
}

Test(peerstatus, checking_counts_on_a_terminal_only)
{
	struct capture c;
	struct peerstatus st;

	start(&c, &st, 0, 0, 0);
	peerstatus_checking(&st, 64, 100);
	peerstatus_checked(&st, 1);
	cr_expect_eq(c.len, 0);
	peerstatus_resuming(&st, 5, 10);
	cr_expect_str_eq(captured(&c), "mt-peer: resuming: 5 of 10 pieces "
	    "already here\n");
	capture_close(&c);

	start(&c, &st, 1, 0, 0);
	peerstatus_checking(&st, 63, 100);
	peerstatus_checking(&st, 64, 100);
	peerstatus_checking(&st, 100, 100);
	peerstatus_checked(&st, 1);
	cr_expect_str_eq(captured(&c), "\rmt-peer: checking existing data "
	    "64/100\rmt-peer: checking existing data 100/100\n");
	capture_close(&c);
}

Test(peerstatus, rates_switch_to_mib_at_one_mib)
{
	char buf[32];

	peerstatus_rate(buf, sizeof(buf), 0);
	cr_expect_str_eq(buf, "0.0 KiB/s");
	peerstatus_rate(buf, sizeof(buf), 1048575);
	cr_expect_str_eq(buf, "1024.0 KiB/s");
	peerstatus_rate(buf, sizeof(buf), 1048576);
	cr_expect_str_eq(buf, "1.0 MiB/s");
}
