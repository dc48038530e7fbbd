/* hostile: writes to stdout and stderr without end. */
#include <stdio.h>

int
main(void)
{
	for (;;) {
		fputs("listening on flood flood flood flood flood flood flood flood\n", stdout);
		fputs("flood flood flood flood flood flood flood flood flood flood\n", stderr);
	}
}
