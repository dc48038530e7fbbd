/*
 * test_uppercase.c — the upper-case transform: letters change, nothing else does.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "uppercase.h"

Test(uppercase, changes_lower_case_ascii_letters)
{
	char s[] = "hello, World 42!";

	uppercase_ascii(s, strlen(s));
	cr_assert_str_eq(s, "HELLO, WORLD 42!");
}

Test(uppercase, leaves_every_other_byte_value_unchanged)
{
	char buf[256];

	for (int i = 0; i < 256; i++)
		buf[i] = (char)i;
	uppercase_ascii(buf, sizeof(buf));
	for (int i = 0; i < 256; i++) {
		int want = i >= 'a' && i <= 'z' ? i - 'a' + 'A' : i;

		cr_assert_eq((unsigned char)buf[i], want, "byte 0x%02x became 0x%02x", i,
		    (unsigned char)buf[i]);
	}
}

Test(uppercase, stops_at_the_given_length_and_ignores_nul)
{
	char s[] = "ab\0cd";

	uppercase_ascii(s, 4);
	cr_assert_eq(memcmp(s, "AB\0Cd", 5), 0);
}

Test(uppercase, accepts_an_empty_buffer)
{
	uppercase_ascii(NULL, 0);
}
