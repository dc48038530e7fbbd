/* hostile: an infinite loop that never prints anything. */
int
main(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}
