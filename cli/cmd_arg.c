// SPDX-License-Identifier: GPL-2.0-only
/*
 * Numbers on the command line: decimal digits only, so that "-1" (which
 * strtoull wraps), "010" (octal to strtoull's base 0) and " 5" are refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd_common.h"

int cmd_number(const char *prog, const char *opt, const char *s,
	       uint64_t min, uint64_t max, uint64_t *v)
{
	const char *p = s;
	char *end;

	while (*p >= '0' && *p <= '9')
		p++;
	errno = 0;
	if (*s && !*p && !(s[0] == '0' && s[1])) {
		*v = strtoull(s, &end, 10);
		if (!errno && *v >= min && *v <= max)
			return 0;
	}
	fprintf(stderr, "%s: %s: '%s' is not a whole number from %" PRIu64
		" to %" PRIu64 " (decimal digits only)\n", prog, opt, s, min, max);
	return -1;
}
