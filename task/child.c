// SPDX-License-Identifier: GPL-2.0-only
/* Bounded waits for the children task/ forks (tracees, signal probes). */
#include <errno.h>
#include <sys/wait.h>
#include <time.h>

#include "task/internal.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int task_wait(pid_t pid, int *status, long ms)
{
	const struct timespec tick = { .tv_nsec = 1000000 };
	long end = now_ms() + ms;
	pid_t got;

	do {
		got = waitpid(pid, status, WNOHANG);
		if (got < 0)
			return -errno;
		if (got == pid)
			return 0;
		nanosleep(&tick, NULL);
	} while (now_ms() < end);
	return -ETIMEDOUT;
}
