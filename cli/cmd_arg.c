// SPDX-License-Identifier: GPL-2.0-only
/*
 * Numbers on the command line: decimal digits only, so that "-1" (which
 * strtoull wraps), "010" (octal to strtoull's base 0) and " 5" are refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

enum cmd_save_load cmd_save_load(const char *prog, int argc, char **argv,
				 uint64_t *seed)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return CMD_HELP;
	if (argc == 3 && !strcmp(argv[1], "load"))
		return CMD_LOAD;
	if (argc == 5 && !strcmp(argv[1], "save") && !strcmp(argv[3], "--seed"))
		return cmd_number(prog, "--seed", argv[4], 0, UINT64_MAX, seed) ?
		       CMD_BAD : CMD_SAVE;
	return argc == 3 && !strcmp(argv[1], "save") ? CMD_SAVE : CMD_BAD;
}
