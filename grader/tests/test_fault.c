/*
 * test_fault.c — faultproxy's decisions: rules parse strictly, chance is
 * reproducible from the seed, rates come out near what was asked, bursts of
 * drops are capped, and rules override chance.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fault.h"

Test(fault, parses_rules_and_rejects_malformed_ones)
{
	struct fault_rule r;

	cr_assert_eq(fault_parse_rule("to-client:3:delay:400", &r), 0);
	cr_expect_eq(r.dir, FAULT_TO_CLIENT);
	cr_expect_eq(r.index, 3);
	cr_expect_eq(r.kind, FAULT_DELAY);
	cr_expect_eq(r.delay_ms, 400);
	cr_assert_eq(fault_parse_rule("to-server:1:drop", &r), 0);
	cr_expect_eq(r.kind, FAULT_DROP);
	cr_assert_eq(fault_parse_rule("to-server:12:dup", &r), 0);
	cr_expect_eq(r.kind, FAULT_DUP);
	cr_assert_eq(fault_parse_rule("to-client:1:hold:3", &r), 0);
	cr_expect_eq(r.kind, FAULT_HOLD);
	cr_expect_eq(r.until, 3);
	static const char *const bad[] = {
		"", "to-client", "to-client:1", "sideways:1:drop", "to-client:0:drop",
		"to-client:-1:drop", "to-client:x:drop", "to-client:1:explode", "to-client:1:delay",
		"to-client:1:drop:5", "to-client:1:delay:abc", "to-client:1:", "to-client::drop",
		"to-client:1:delay:9999999", "to-client:1:hold", "to-client:1:hold:0",
		"to-client:1:hold:x", "to-client:1:hold:-2",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(fault_parse_rule(bad[i], &r), -1, "accepted '%s'", bad[i]);
}

Test(fault, parses_directions)
{
	unsigned d;

	cr_expect_eq(fault_parse_dirs("both", &d), 0);
	cr_expect_eq(d, 3u);
	cr_expect_eq(fault_parse_dirs("to-client", &d), 0);
	cr_expect_eq(d, 1u << FAULT_TO_CLIENT);
	cr_expect_eq(fault_parse_dirs("up", &d), -1);
}

static void
run(const struct fault_config *c, enum fault_dir dir, int n, struct fault_decision *out)
{
	struct fault_state st;

	fault_init(&st, c);
	for (int i = 0; i < n; i++)
		fault_decide(&st, dir, 100, &out[i]);
}

Test(fault, the_same_seed_gives_the_same_fates)
{
	struct fault_config c;
	static struct fault_decision a[500], b[500];

	fault_config_init(&c);
	c.drop = 20;
	c.dup = 10;
	c.reorder = 10;
	c.corrupt = 5;
	c.jitter_ms = 30;
	c.seed = 42;
	run(&c, FAULT_TO_CLIENT, 500, a);
	run(&c, FAULT_TO_CLIENT, 500, b);
	cr_expect(memcmp(a, b, sizeof(a)) == 0);
	c.seed = 43;
	run(&c, FAULT_TO_CLIENT, 500, b);
	cr_expect(memcmp(a, b, sizeof(a)) != 0, "another seed, the same fates");
}

Test(fault, a_datagram_fate_does_not_depend_on_the_other_direction)
{
	struct fault_config c;
	struct fault_state s1, s2;
	struct fault_decision d1, d2, junk;

	fault_config_init(&c);
	c.drop = 50;
	c.seed = 9;
	fault_init(&s1, &c);
	fault_init(&s2, &c);
	for (int i = 0; i < 7; i++)
		fault_decide(&s2, FAULT_TO_SERVER, 10, &junk);
	for (int i = 0; i < 100; i++) {
		fault_decide(&s1, FAULT_TO_CLIENT, 10, &d1);
		fault_decide(&s2, FAULT_TO_CLIENT, 10, &d2);
		cr_expect_eq(d1.copies, d2.copies, "datagram %d", i);
	}
}

Test(fault, rates_come_out_near_what_was_asked)
{
	struct fault_config c;
	static struct fault_decision d[10000];
	int dropped = 0, duped = 0;

	fault_config_init(&c);
	c.drop = 30;
	c.dup = 10;
	run(&c, FAULT_TO_SERVER, 10000, d);
	for (int i = 0; i < 10000; i++) {
		dropped += d[i].copies == 0;
		duped += d[i].copies == 2;
	}
	cr_expect(dropped > 2700 && dropped < 3300, "%d dropped of 10000 at 30%%", dropped);
	/* Duplicates are decided among the survivors: 70% of 10%. */
	cr_expect(duped > 550 && duped < 850, "%d duplicated", duped);
}

/*
 * A duplicate leaves with its original, never a moment later: a later copy
 * could lose the race with the next reply, and a client that takes any
 * datagram as its answer would then pass the duplicates test by luck.
 */
Test(fault, a_duplicate_is_due_with_its_original)
{
	struct fault_config c;
	static struct fault_decision d[2000];
	int duped = 0;

	fault_config_init(&c);
	c.dup = 50;
	c.delay_ms = 20;
	c.jitter_ms = 30;
	fault_parse_rule("to-server:1:dup", &c.rules[0]);
	c.nrules = 1;
	run(&c, FAULT_TO_SERVER, 2000, d);
	for (int i = 0; i < 2000; i++) {
		if (d[i].copies != 2)
			continue;
		duped++;
		cr_expect_eq(d[i].delay_ms[1], d[i].delay_ms[0], "datagram %d: copy due %ld ms, "
		    "original %ld ms", i + 1, d[i].delay_ms[1], d[i].delay_ms[0]);
	}
	cr_expect_gt(duped, 500);
}

Test(fault, never_drops_more_than_max_burst_in_a_row)
{
	struct fault_config c;
	static struct fault_decision d[5000];
	int run_len = 0, longest = 0;

	fault_config_init(&c);
	c.drop = 80;
	c.max_burst = 2;
	run(&c, FAULT_TO_SERVER, 5000, d);
	for (int i = 0; i < 5000; i++) {
		run_len = d[i].copies == 0 ? run_len + 1 : 0;
		if (run_len > longest)
			longest = run_len;
	}
	cr_expect_eq(longest, 2);
}

Test(fault, rules_override_chance_and_only_limits_it_to_one_direction)
{
	struct fault_config c;
	struct fault_decision d[4];

	fault_config_init(&c);
	c.drop = 100;
	c.dirs = 1u << FAULT_TO_SERVER;
	fault_parse_rule("to-server:2:pass", &c.rules[0]);
	fault_parse_rule("to-server:3:delay:250", &c.rules[1]);
	fault_parse_rule("to-client:1:dup", &c.rules[2]);
	c.nrules = 3;
	run(&c, FAULT_TO_SERVER, 4, d);
	cr_expect_eq(d[0].copies, 0);
	cr_expect_eq(d[1].copies, 1);
	cr_expect_eq(d[2].copies, 1);
	cr_expect_eq(d[2].delay_ms[0], 250);
	cr_expect_eq(d[3].copies, 0);
	run(&c, FAULT_TO_CLIENT, 2, d);
	cr_expect_eq(d[0].copies, 2, "the rule duplicates");
	cr_expect_eq(d[1].copies, 1, "chance applies to-server only");
	cr_expect_eq(d[1].until, 0, "only a hold rule holds");
}

Test(fault, a_hold_rule_names_the_datagram_that_frees_it)
{
	struct fault_config c;
	struct fault_decision d[2];

	fault_config_init(&c);
	fault_parse_rule("to-client:2:hold:3", &c.rules[0]);
	c.nrules = 1;
	run(&c, FAULT_TO_CLIENT, 2, d);
	cr_expect_eq(d[0].until, 0);
	cr_expect_eq(d[1].copies, 1);
	cr_expect_eq(d[1].until, 3);
	cr_expect_eq(d[1].delay_ms[0], 0);
}

Test(fault, corruption_flips_one_byte_inside_the_datagram)
{
	struct fault_config c;
	struct fault_state st;
	struct fault_decision d;

	fault_config_init(&c);
	c.corrupt = 100;
	fault_init(&st, &c);
	for (int i = 0; i < 200; i++) {
		size_t len = 1 + (size_t)i % 17;

		fault_decide(&st, FAULT_TO_CLIENT, len, &d);
		cr_assert(d.corrupt);
		cr_assert_lt(d.corrupt_at, len);
		cr_assert_neq(d.corrupt_xor, 0);
	}
	fault_decide(&st, FAULT_TO_CLIENT, 0, &d);
	cr_expect_not(d.corrupt, "an empty datagram has no byte to flip");
}
