// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for reading a run's --json output back (xsave-abi
 * compose): each input goes to cmd_run_json_parse() as compose reads a
 * boot's results. A refusal must give a printable reason; what reads must
 * write back with the lib/ writers to JSON that reads again to the same
 * results, and to KTAP of printable lines.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_run_json.h"
#include "lib/report.h"

static void require(int cond)
{
	if (!cond)
		abort();
}

static bool printable(const char *s, bool lines)
{
	for (; *s; s++)
		if ((*s < 0x20 || *s > 0x7e) && !(lines && (*s == '\n' || *s == '\t')))
			return false;
	return true;
}

static char *written(int (*writer)(FILE *, const struct run_report *),
		     const struct run_report *r, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	require(f != NULL);
	require(!writer(f, r));
	require(!fclose(f));
	return text;
}

static int ktap(FILE *f, const struct run_report *r)
{
	unsigned int i;

	report_ktap_begin(f, "fuzz", r->n, r->host_ktap, r->seed);
	for (i = 0; i < r->n; i++)
		report_ktap_result(f, i + 1, &r->res[i], true);
	report_ktap_end(f, r);
	return ferror(f);
}

/* Read again, the results are the same ones. */
static void same(const struct run_report *a, const char *text, size_t len)
{
	struct run_report b;
	char why[512], na[256], nb[256];
	unsigned int i;

	require(!cmd_run_json_parse(text, len, &b, why, sizeof(why)));
	require(a->n == b.n && a->seed == b.seed);
	for (i = 0; i < a->n; i++) {
		run_case_fullname(a->res[i].c, na, sizeof(na));
		run_case_fullname(b.res[i].c, nb, sizeof(nb));
		require(!strcmp(na, nb) && a->res[i].result == b.res[i].result &&
			!strcmp(a->res[i].reason, b.res[i].reason) &&
			a->res[i].c->matrix == b.res[i].c->matrix);
	}
	cmd_run_json_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run_report r;
	char why[512], *text;
	size_t len;

	if (cmd_run_json_parse((const char *)data, size, &r, why, sizeof(why))) {
		require(why[0] && printable(why, false));
		return 0;
	}
	text = written(report_json, &r, &len);
	same(&r, text, len);
	free(text);
	text = written(ktap, &r, &len);
	require(printable(text, true));
	free(text);
	cmd_run_json_free(&r);
	return 0;
}
