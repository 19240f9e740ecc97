// SPDX-License-Identifier: GPL-2.0-only
/* KTAP on stdout, as kselftest prints it (Documentation/dev-tools/ktap.rst). */
#include <string.h>

#include "lib/report.h"

/* Text on one line: a directive or diagnostic must not break the stream. */
static void put_line(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void put_diag(FILE *f, const char *text)
{
	const char *p = text, *nl;

	while (p && *p) {
		nl = strchr(p, '\n');
		int n = nl ? nl - p : (int)strlen(p);

		/* An empty line is "#": no line ends in a space. */
		fprintf(f, n ? "# %.*s\n" : "#\n", n, p);
		p = nl ? nl + 1 : NULL;
	}
}

void report_ktap_begin(FILE *f, const char *subtest, unsigned int n,
		       const char *host_ktap, uint64_t seed)
{
	/* kselftest's runner prints TAP 13 at the top; nested, KTAP 1. */
	if (subtest)
		fprintf(f, "KTAP version 1\n# Subtest: %s\n", subtest);
	else
		fputs("TAP version 13\n", f);
	fprintf(f, "# xsave-abi %s\n", RUN_VERSION);
	if (host_ktap)
		fputs(host_ktap, f);
	fprintf(f, "# seed: %llu\n1..%u\n", (unsigned long long)seed, n);
	fflush(f);
}

void report_ktap_result(FILE *f, unsigned int idx, const struct run_outcome *o,
			bool verbose)
{
	char name[256], sources[1024];
	bool ok = o->result != RUN_FAIL && o->result != RUN_ERROR;

	run_case_fullname(o->c, name, sizeof(name));
	if (o->log && (verbose || !ok))
		put_diag(f, o->log);
	if (o->result == RUN_FAIL) {
		fprintf(f, "# %s: ", name);
		put_line(f, o->reason);
		fputc('\n', f);
	}
	/* A verdict on the kernel says what it was measured against. */
	report_sources_text(sources, sizeof(sources), o->c->sources);
	if (sources[0] && (o->result == RUN_FAIL || o->result == RUN_XFAIL ||
			   o->result == RUN_XPASS)) {
		fputs("# expected by: ", f);
		put_line(f, sources);
		fputc('\n', f);
	}
	fprintf(f, "%s %u %s", ok ? "ok" : "not ok", idx, name);
	switch (o->result) {
	case RUN_SKIP:
		fputs(" # SKIP ", f);
		break;
	case RUN_XFAIL:
		fputs(" # XFAIL ", f);
		break;
	case RUN_XPASS:
		fputs(" # XPASS ", f);
		break;
	case RUN_ERROR:
		fputs(" # error ", f);
		break;
	default:
		fputc('\n', f);
		fflush(f);
		return;
	}
	put_line(f, o->reason);
	fputc('\n', f);
	fflush(f);
}

void report_ktap_totals(FILE *f, const struct run_totals *t)
{
	fprintf(f, "# Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u\n",
		t->n[RUN_PASS], t->n[RUN_FAIL], t->n[RUN_XFAIL], t->n[RUN_XPASS],
		t->n[RUN_SKIP], t->n[RUN_ERROR]);
	fflush(f);
}

/* The PKRU matrix, then the totals, last. */
void report_ktap_end(FILE *f, const struct run_report *r)
{
	report_matrix_ktap(f, r);
	report_ktap_totals(f, &r->totals);
}
