/* hostile: says it is ready, then forks without end. */
#include <stdio.h>
#include <unistd.h>

int
main(void)
{
	printf("listening on 127.0.0.1:9\n");
	fflush(stdout);
	for (;;)
		fork();
}
