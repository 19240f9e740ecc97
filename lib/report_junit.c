// SPDX-License-Identifier: GPL-2.0-only
/* --junit FILE: JUnit XML for CI dashboards; XFAIL and XPASS pass there. */
#include <string.h>

#include "lib/report.h"

static void put_xml(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* XML 1.0 forbids most control characters; other bytes
			 * past ASCII, maybe not UTF-8, go as Latin-1 references. */
			if (c >= 0x80)
				fprintf(f, "&#x%02x;", c);
			else if (c >= 0x20 || c == '\n' || c == '\t')
				fputc(c, f);
		}
	}
}

static void put_case(FILE *f, const struct run_outcome *o)
{
	static const char *const tag[RUN_NRESULTS] = {
		[RUN_FAIL] = "failure", [RUN_ERROR] = "error",
		[RUN_SKIP] = "skipped",
	};
	char name[256], sources[1024];

	run_case_fullname(o->c, name, sizeof(name));
	report_sources_text(sources, sizeof(sources), o->c->sources);
	fputs("    <testcase classname=\"xsave-abi.", f);
	put_xml(f, o->c->group);
	fputs("\" name=\"", f);
	put_xml(f, name);
	fprintf(f, "\" time=\"%.6f\">\n", o->duration_ms / 1e3);
	if (tag[o->result]) {
		fprintf(f, "      <%s message=\"", tag[o->result]);
		put_xml(f, o->reason);
		fputs("\">", f);
		put_xml(f, o->log);
		if (o->result == RUN_FAIL && sources[0]) {
			size_t n = o->log ? strlen(o->log) : 0;

			fputs(n && o->log[n - 1] != '\n' ? "\nexpected by: " :
			      "expected by: ", f);
			put_xml(f, sources);
		}
		fprintf(f, "</%s>\n", tag[o->result]);
	} else if (o->result == RUN_XFAIL || o->result == RUN_XPASS) {
		fprintf(f, "      <system-out>%s: ", o->result == RUN_XFAIL ?
			"XFAIL" : "XPASS");
		put_xml(f, o->reason);
		if (sources[0]) {
			fputs("\nexpected by: ", f);
			put_xml(f, sources);
		}
		fputs("</system-out>\n", f);
	}
	fputs("    </testcase>\n", f);
}

void report_junit_head(FILE *f, const char *name, const struct run_totals *t,
		       double ms)
{
	const unsigned int *n = t->n;
	unsigned int i, all = 0;

	for (i = 0; i < RUN_NRESULTS; i++)
		all += n[i];
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
	put_xml(f, name);
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" "
		"time=\"%.6f\">\n", all, n[RUN_FAIL], n[RUN_ERROR], n[RUN_SKIP],
		ms / 1e3);
}

void report_junit_suite(FILE *f, const char *name, const struct run_report *r)
{
	const unsigned int *n = r->totals.n;
	unsigned int i;

	fputs("  <testsuite name=\"", f);
	put_xml(f, name);
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" "
		"time=\"%.6f\">\n"
		"    <properties><property name=\"seed\" value=\"%llu\"/>"
		"</properties>\n", r->n, n[RUN_FAIL], n[RUN_ERROR], n[RUN_SKIP],
		r->wall_ms / 1e3, (unsigned long long)r->seed);
	for (i = 0; i < r->n; i++)
		put_case(f, &r->res[i]);
	fputs("  </testsuite>\n", f);
}

int report_junit(FILE *f, const struct run_report *r)
{
	report_junit_head(f, "xsave-abi", &r->totals, r->wall_ms);
	report_junit_suite(f, "xsave-abi", r);
	fputs("</testsuites>\n", f);
	return ferror(f) ? -1 : 0;
}
