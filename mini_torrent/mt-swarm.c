/*
 * mt-swarm — the distribution-time experiment (in progress by the
 * distribution-time engineer).
 *
 * Placeholder so the build and the other engineers see the program is taken;
 * the real program (bounds calculator, measured runs, sweeps) replaces it.
 */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "mt-swarm: not implemented yet\n");
	return 1;
}
