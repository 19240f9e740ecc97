// SPDX-License-Identifier: GPL-2.0-only
/* --json FILE: one object with the host report, every result and totals
 * (its keys: lib/report_schema.h). */
#include "lib/report.h"
#include "lib/report_schema.h"

const char *const report_source_keys[][3] = RS_SOURCE_KEYS;

/* "sources":[{"kind":"commit","id":...,"subject":...},...], keys by kind. */
static void put_sources(FILE *f, const struct run_source *s)
{
	unsigned int i;

	fputs(",\"" RS_SOURCES "\":[", f);
	for (i = 0; s && s[i].kind != RUN_SOURCE_END; i++) {
		const char *const *k = report_source_keys[s[i].kind];

		fprintf(f, "%s{\"" RS_KIND "\":\"%s\"", i ? "," : "", k[0]);
		if (s[i].kind == RUN_SOURCE_SDM)
			fprintf(f, ",\"" RS_VOLUME "\":%u", s[i].volume);
		fprintf(f, ",\"%s\":", k[1]);
		report_json_string(f, s[i].ref);
		if (k[2]) {
			fprintf(f, ",\"%s\":", k[2]);
			report_json_string(f, s[i].title);
		}
		fputc('}', f);
	}
	fputc(']', f);
}

static void put_key(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	report_json_string(f, s);
}

void report_json_result(FILE *f, const struct run_outcome *o)
{
	const struct run_case *c = o->c;
	char name[256];

	run_case_fullname(c, name, sizeof(name));
	fputs("{\"" RS_NAME "\":", f);
	report_json_string(f, name);
	put_key(f, RS_GROUP, c->group);
	put_key(f, RS_RESULT, report_result_name(o->result));
	put_key(f, RS_REASON, o->reason);
	put_key(f, RS_OBSERVED, o->observed);
	put_key(f, RS_EXPECT, c->expect == RUN_EXPECT_XFAIL ? "xfail" : "pass");
	put_key(f, RS_HAZARD, c->hazard ? c->hazard : "");
	put_key(f, RS_MATRIX, report_matrix_name(c->matrix));
	put_sources(f, c->sources);
	put_key(f, RS_LOG, o->log ? o->log : "");
	fprintf(f, ",\"" RS_DURATION_MS "\":%.3f}", o->duration_ms);
}

void report_json_totals(FILE *f, const struct run_totals *t)
{
	unsigned int i;

	fputc('{', f);
	for (i = 0; i < RUN_NRESULTS; i++)
		fprintf(f, "%s\"%s\":%u", i ? "," : "", report_result_name(i),
			t->n[i]);
	fputc('}', f);
}

int report_json(FILE *f, const struct run_report *r)
{
	unsigned int i;

	fprintf(f, "{\"" RS_TOOL "\":\"" RS_TOOL_NAME "\",\"" RS_VERSION
		"\":\"%s\",\"" RS_SEED "\":%llu,\"" RS_HOST "\":%s", RUN_VERSION,
		(unsigned long long)r->seed, r->host_json ? r->host_json : "{}");
	put_key(f, RS_HOST_KTAP, r->host_ktap ? r->host_ktap : "");
	fputs(",\"" RS_RESULTS "\":[", f);
	for (i = 0; i < r->n; i++) {
		fputs(i ? ",\n" : "\n", f);
		report_json_result(f, &r->res[i]);
	}
	fputs("],\n\"" RS_PKRU_MATRIX "\":", f);
	report_matrix_json(f, r);
	fputs(",\n\"" RS_TOTALS "\":", f);
	report_json_totals(f, &r->totals);
	fprintf(f, ",\"" RS_WALL_MS "\":%.3f}\n", r->wall_ms);
	return ferror(f) ? -1 : 0;
}
