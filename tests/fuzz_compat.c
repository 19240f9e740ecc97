// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for reading host reports: each input goes to
 * compat_host_parse() as compat reads a file. A refusal must give a reason
 * that is printable ASCII, as it goes to a terminal; what reads must hold
 * printable strings, and compat's rules, run on the host against itself,
 * must print exactly one "hazard: " line of printable ASCII per hazard
 * they count.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"

static void require(int cond)
{
	if (!cond)
		abort();
}

static bool printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

static void rules(const struct compat_host *h)
{
	char *text = NULL, *line, *end;
	unsigned int n, lines = 0;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	require(f != NULL);
	n = compat_hazards(h, h, f);
	require(!fclose(f));
	require(n == compat_hazards(h, h, NULL));
	for (line = text; (end = strchr(line, '\n')); line = end + 1, lines++)
		require(!strncmp(line, "hazard: ", 8) &&
			printable(line, end - line));
	require(!*line && lines == n);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct compat_host h;
	char why[256];

	why[0] = '\0';
	if (compat_host_parse((const char *)data, size, &h, why, sizeof(why))) {
		require(why[0] && printable(why, strlen(why)));
		return 0;
	}
	require(printable(h.kernel, strlen(h.kernel)) &&
		printable(h.vendor, strlen(h.vendor)) &&
		printable(h.kvm, strlen(h.kvm)));
	rules(&h);
	return 0;
}
