// SPDX-License-Identifier: GPL-2.0-only
/* Reading a subcommand's input file whole, bounded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd.h"

void *cmd_read_all(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1u << 16;
	char *buf = NULL, *p;
	int err;

	*len = 0;
	if (!f)
		return NULL;
	for (;; cap *= 2) {
		/* One byte past max tells a file of exactly max from a larger one. */
		if (cap > max + 1)
			cap = max + 1;
		p = realloc(buf, cap);
		if (!p) {
			err = ENOMEM;
			break;
		}
		buf = p;
		*len += fread(buf + *len, 1, cap - *len, f);
		if (*len < cap) {	/* the end, or an error */
			err = ferror(f) ? EIO : 0;
			break;
		}
		if (cap == max + 1) {
			err = EFBIG;
			break;
		}
	}
	fclose(f);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	return buf;
}
