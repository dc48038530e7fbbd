/* hostile: allocates and touches memory until it cannot, then waits forever. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(void)
{
	char *p;

	printf("listening on 127.0.0.1:9\n");
	fflush(stdout);
	while ((p = malloc(16 << 20)) != NULL)
		memset(p, 1, 16 << 20);
	for (;;)
		pause();
}
