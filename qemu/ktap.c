// SPDX-License-Identifier: GPL-2.0-only
/* A guest check's component lines ("l2: check N component NAME ...") as KTAP. */
#include <stdio.h>
#include <string.h>

#include "qemu/qemu.h"

int qemu_check_ktap(const struct qemu_check *c, FILE *f, unsigned int *n)
{
	const char *p = c->text, *nl, *comp;
	unsigned int num;
	char name[32];
	int len, bad = 0;

	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		comp = strstr(p, " component ");
		if (sscanf(p, "l2: check %u", &num) != 1 || !comp || comp > nl ||
		    sscanf(comp, " component %31s%n", name, &len) != 1)
			continue;
		if (!strncmp(comp + len, " ok", 3)) {
			fprintf(f, "ok %u %s\n", ++*n, name);
			continue;
		}
		fprintf(f, "# %.*s\nnot ok %u %s\n", (int)(nl - p), p, ++*n, name);
		bad++;
	}
	return bad;
}
