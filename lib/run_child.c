// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child side of a case: drop every capability, set no_new_privs, run
 * the body, and leave the verdict in the shared slot. The ABI must work
 * for an unprivileged VMM, and a case must not be able to harm the host.
 */
#include <dirent.h>
#include <signal.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lib/run_slot.h"

static uint64_t child_seed;

uint64_t run_seed(void)
{
	return child_seed;
}

/* The child ends; its verdict is already in the shared slot. */
static void __attribute__((noreturn)) finish(void)
{
	fflush(stdout);
	fflush(stderr);
	_exit(0);
}

/* run_fail() and its kind: each va_start has its va_end before the end. */
#define VERDICT(fn, verdict)						\
	void fn(const char *fmt, ...)					\
	{								\
		va_list ap;						\
									\
		run_slot->result = verdict;				\
		va_start(ap, fmt);					\
		vsnprintf(run_slot->reason, sizeof(run_slot->reason),	\
			  fmt, ap);					\
		va_end(ap);						\
		finish();						\
	}

VERDICT(run_fail, RUN_FAIL)
VERDICT(run_skip, RUN_SKIP)
VERDICT(run_error, RUN_ERROR)
VERDICT(run_xfail, RUN_XFAIL)

void run_observe(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(run_slot->observed, sizeof(run_slot->observed), fmt, ap);
	va_end(ap);
}

void run_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int drop_privileges(char *why, size_t size)
{
	cap_t none = cap_init();
	cap_value_t c;
	int rc = 0;

	/* Emptying the bounding set needs CAP_SETPCAP, so it goes first. */
	if (CAP_IS_SUPPORTED(CAP_SETPCAP)) {
		for (c = 0; c <= CAP_LAST_CAP; c++)
			if (cap_get_bound(c) == 1 && cap_drop_bound(c) &&
			    errno != EPERM)
				break;
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (!none || cap_set_proc(none)) {
		snprintf(why, size, "cap_set_proc(empty set): %s", strerror(errno));
		rc = -1;
	} else if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(why, size, "prctl(PR_SET_NO_NEW_PRIVS): %s",
			 strerror(errno));
		rc = -1;
	}
	cap_free(none);
	return rc;
}

#define RUN_MAX_FD 1024

/* Mark the open descriptors below RUN_MAX_FD; returns how many are open. */
static int open_fds(bool *open)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0, fd;

	if (!d)
		return -1;
	memset(open, 0, RUN_MAX_FD * sizeof(*open));
	while ((de = readdir(d))) {
		fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd == dirfd(d) || fd >= RUN_MAX_FD)
			continue;
		open[fd] = true;
		n++;
	}
	closedir(d);
	return n;
}

/* A VMM that leaks VM or vCPU descriptors leaks guest memory too. */
static void check_fd_leaks(const bool *before)
{
	bool after[RUN_MAX_FD];
	char list[512] = "", path[64], target[128];
	size_t len = 0;
	int fd, n = 0;
	ssize_t k;

	if (open_fds(after) < 0)
		return;
	for (fd = 0; fd < RUN_MAX_FD; fd++) {
		if (!after[fd] || before[fd])
			continue;
		n++;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		k = readlink(path, target, sizeof(target) - 1);
		target[k > 0 ? k : 0] = '\0';
		if (len < sizeof(list))
			len += snprintf(list + len, sizeof(list) - len, " %d->%s",
					fd, target);
	}
	if (n)
		run_error("the case leaked %d file descriptor(s):%s", n, list);
}

/* In the forked child, stdout and stderr already captured by the runner. */
void run_child(const struct run_case *c, uint64_t seed)
{
	bool before[RUN_MAX_FD];
	char why[256];

	child_seed = seed;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (drop_privileges(why, sizeof(why)))
		run_error("cannot drop privileges: %s", why);
	open_fds(before);
	c->body();
	check_fd_leaks(before);
	fflush(stdout);
	fflush(stderr);
	_exit(0);
}
