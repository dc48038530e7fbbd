/*
 * test_upper.c — the upper-case transform: letters change, nothing else does.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "upper.h"

Test(upper, changes_lower_case_ascii_letters)
{
	char s[] = "hello, World 42!";

	upper_bytes(s, strlen(s));
	cr_assert_str_eq(s, "HELLO, WORLD 42!");
}

Test(upper, leaves_every_other_byte_value_unchanged)
{
	char buf[256];

	for (int i = 0; i < 256; i++)
		buf[i] = (char)i;
	upper_bytes(buf, sizeof(buf));
	for (int i = 0; i < 256; i++) {
		int want = i >= 'a' && i <= 'z' ? i - 'a' + 'A' : i;

		cr_assert_eq((unsigned char)buf[i], want, "byte 0x%02x became 0x%02x", i,
		    (unsigned char)buf[i]);
	}
}

Test(upper, stops_at_the_given_length_and_ignores_nul)
{
	char s[] = "ab\0cd";

	upper_bytes(s, 4);
	cr_assert_eq(memcmp(s, "AB\0Cd", 5), 0);
}

Test(upper, accepts_an_empty_buffer)
{
	upper_bytes(NULL, 0);
}
