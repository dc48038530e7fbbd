/*
 * test_startup.c — what the report says when a student's server never
 * becomes ready.  A server that ends first must be described as ending (how,
 * after how long, and what it wrote on stderr), never as slow: lab 1's
 * pristine starter exits at once because its bind_socket is a stub, and
 * "did not print within 5000 ms" would send its student to the given main().
 * Only a server still running and silent gets the "within 5000 ms" wording.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness.h"

#define OUT_CAP (1 << 20)

/*
 * Copies lab 1's starter into dir/s as a student would hand it in, then,
 * if server is not NULL, makes it udp_server.c.  Returns 0, or -1.
 */
static int
starter(const char *dir, const char *server)
{
	static const char script[] =
	    "set -e; cp -R ../labs/01-udp-uppercase \"$1/s\"; rm -rf \"$1/s/build\" "
	    "\"$1/s/udp_server\" \"$1/s/udp_client\"\n"
	    "if [ -n \"$SERVER\" ]; then printf '%s\\n' \"$SERVER\" >\"$1/s/udp_server.c\"; fi\n";

	setenv("SERVER", server ? server : "", 1);
	return harness_sh(script, dir);
}

/*
 * Grades only the server test of lab 1 on the starter (with server as its
 * udp_server.c if not NULL), and checks that the report says every string of
 * says (NULL-terminated) and none of never.
 */
static void
expect_report(const char *server, const char *const *says, const char *const *never)
{
	char *dir = harness_tempdir(), sub[600], *out = calloc(1, OUT_CAP);
	char *args[] = { "01", "--submission", sub, "--only", "server_answers_reference_client",
		NULL };

	cr_assert_not_null(dir);
	cr_assert_not_null(out);
	cr_assert_eq(starter(dir, server), 0);
	snprintf(sub, sizeof(sub), "%s/s", dir);
	cr_assert_eq(harness_grade(args, NULL, out, OUT_CAP, 120000), 0);
	for (size_t i = 0; says[i] != NULL; i++)
		cr_expect(strstr(out, says[i]) != NULL, "no \"%s\" in:\n%s", says[i], out);
	for (size_t i = 0; never[i] != NULL; i++)
		cr_expect(strstr(out, never[i]) == NULL, "\"%s\" in:\n%s", never[i], out);
	free(out);
	harness_rmtree(dir);
	free(dir);
}

Test(startup, the_pristine_starter_is_said_to_exit_with_its_status_and_stderr, .timeout = 180)
{
	static const char *const says[] = { "your udp_server exited with status 1 after 0.",
		" s, before it printed 'listening on ADDR:PORT'",
		"wrote on stderr: udp_server: binding 0.0.0.0 port 0: Function not implemented", NULL };
	static const char *const never[] = { "5000 ms", "fflush(stdout))", NULL };

	expect_report(NULL, says, never);
}

Test(startup, a_crash_before_the_line_is_said_to_be_a_signal, .timeout = 180)
{
	static const char *const says[] = {
		"your udp_server was killed by SIGSEGV (a segmentation fault", " after 0.",
		"it wrote nothing on stderr", NULL };
	static const char *const never[] = { "5000 ms", NULL };

	expect_report("#include <signal.h>\nint main(void) { raise(SIGSEGV); return 0; }", says,
	    never);
}

Test(startup, a_line_without_a_port_is_said_to_be_unreadable, .timeout = 180)
{
	static const char *const says[] = { "your udp_server printed a 'listening on' line with "
		"no port the grader could read", NULL };
	static const char *const never[] = { "5000 ms", NULL };

	expect_report("#include <stdio.h>\n#include <unistd.h>\nint main(void) { "
	    "printf(\"listening on nowhere\\n\"); fflush(stdout); for (;;) pause(); }", says, never);
}

Test(startup, a_silent_server_still_running_is_said_to_be_late, .timeout = 180)
{
	static const char *const says[] = { "your udp_server did not print 'listening on "
		"ADDR:PORT' within 5000 ms (print it, then fflush(stdout))", NULL };
	static const char *const never[] = { "exited", "killed", NULL };

	expect_report("#include <unistd.h>\nint main(void) { for (;;) pause(); }", says, never);
}
