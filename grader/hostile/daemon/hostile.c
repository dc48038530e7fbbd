/* hostile: leaves a daemon behind (double fork, setsid), then exits. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int
main(void)
{
	if (fork() == 0) {
		setsid();
		if (fork() == 0) {
			signal(SIGTERM, SIG_IGN);
			signal(SIGHUP, SIG_IGN);
			for (;;)
				pause();
		}
		_exit(0);
	}
	printf("listening on 127.0.0.1:9\n");
	fflush(stdout);
	sleep(1);
	return 0;
}
