/*
 * test_uppercase.c — the transform against a naive per-byte rule, over every
 * byte value, and on the edges: empty, NUL, UTF-8, the largest datagram.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "uppercase.h"

static unsigned char
naive(unsigned char c)
{
	static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
	static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	const char *at = c != 0 ? strchr(lower, c) : NULL;

	return at != NULL ? (unsigned char)upper[at - lower] : c;
}

Test(uppercase, changes_a_to_z_and_no_other_byte_value)
{
	unsigned char buf[256];

	for (int i = 0; i < 256; i++)
		buf[i] = (unsigned char)i;
	uppercase_ascii(buf, sizeof(buf));
	for (int i = 0; i < 256; i++)
		cr_assert_eq(buf[i], naive((unsigned char)i), "byte 0x%02x became 0x%02x", i, buf[i]);
}

Test(uppercase, upper_cases_a_sentence)
{
	char s[] = "Hello, World! 123 abc-xyz";

	uppercase_ascii(s, strlen(s));
	cr_assert_str_eq(s, "HELLO, WORLD! 123 ABC-XYZ");
}

Test(uppercase, keeps_utf8_bytes_as_they_are)
{
	char s[] = "stra\xc3\x9f" "e caf\xc3\xa9 \xe2\x82\xac";

	uppercase_ascii(s, strlen(s));
	cr_assert_str_eq(s, "STRA\xc3\x9f" "E CAF\xc3\xa9 \xe2\x82\xac");
}

Test(uppercase, goes_past_nul_bytes)
{
	char s[] = { 'a', '\0', 'b', '\0', 'c' };
	const char want[] = { 'A', '\0', 'B', '\0', 'C' };

	uppercase_ascii(s, sizeof(s));
	cr_assert_arr_eq(s, want, sizeof(s));
}

Test(uppercase, empty_buffer_is_left_alone)
{
	char s[] = "abc";

	uppercase_ascii(s, 0);
	cr_assert_str_eq(s, "abc");
	uppercase_ascii(NULL, 0);
}

Test(uppercase, touches_only_the_given_length)
{
	char s[] = "abcdef";

	uppercase_ascii(s, 3);
	cr_assert_str_eq(s, "ABCdef");
}

Test(uppercase, handles_the_largest_datagram)
{
	static unsigned char buf[65507 + 1];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)('a' + i % 26);
	uppercase_ascii(buf, 65507);
	for (size_t i = 0; i < 65507; i++)
		cr_assert_eq(buf[i], 'A' + i % 26, "byte %zu", i);
	cr_assert_eq(buf[65507], 'a' + 65507 % 26, "the byte after the end changed");
}
