/*
 * hostile: binds as many UDP and TCP ports as it may on 127.0.0.1 and
 * 0.0.0.0, then serves as an honest UDP upper-case server would.  The ports
 * a grader uses for other tests must not be among them.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void
squat(void)
{
	for (int i = 0; i < 200; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		int s = socket(AF_INET, i % 2 ? SOCK_STREAM : SOCK_DGRAM, 0);

		if (s == -1)
			return;
		a.sin_addr.s_addr = htonl(i % 4 < 2 ? INADDR_LOOPBACK : INADDR_ANY);
		if (bind(s, (struct sockaddr *)&a, sizeof(a)) == -1)
			close(s);
		else if (i % 2)
			listen(s, 1);
	}
}

int
main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	static char buf[65536];
	int s;

	squat();
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1 || bind(s, (struct sockaddr *)&a, sizeof(a)) == -1)
		return 1;
	getsockname(s, (struct sockaddr *)&a, &len);
	printf("listening on 0.0.0.0:%d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 'a' + 'A');
		if (n >= 0)
			sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
	}
}
