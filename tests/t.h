/* SPDX-License-Identifier: GPL-2.0-only */
/* The project's own tests: count checks, print "N passed, N failed". */
#ifndef T_H
#define T_H

#include <stdio.h>

static int t_pass, t_fail;

#define T_CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			t_pass++;					\
		} else {						\
			t_fail++;					\
			printf("FAIL %s:%d: ", __FILE__, __LINE__);	\
			printf(__VA_ARGS__);				\
			putchar('\n');					\
		}							\
	} while (0)

static inline int t_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
