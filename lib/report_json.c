// SPDX-License-Identifier: GPL-2.0-only
/* --json FILE: one object with the host report, every result and totals. */
#include "lib/report.h"

/* "sources":[{"kind":"commit","id":...,"subject":...},...], keys by kind. */
static void put_sources(FILE *f, const struct run_source *s)
{
	static const char *const keys[][3] = {
		[RUN_SOURCE_COMMIT] = { "commit", "id", "subject" },
		[RUN_SOURCE_KVM_DOC] = { "kvm_api_doc", "section", "ioctl" },
		[RUN_SOURCE_SDM] = { "sdm", "section" },
		[RUN_SOURCE_CODE] = { "kernel_code", "file", "function" },
		[RUN_SOURCE_MEASURED] = { "measured", "kernels" },
	};
	unsigned int i;

	fputs(",\"sources\":[", f);
	for (i = 0; s && s[i].kind != RUN_SOURCE_END; i++) {
		const char *const *k = keys[s[i].kind];

		fprintf(f, "%s{\"kind\":\"%s\"", i ? "," : "", k[0]);
		if (s[i].kind == RUN_SOURCE_SDM)
			fprintf(f, ",\"volume\":%u", s[i].volume);
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

int report_json(FILE *f, const struct run_report *r)
{
	unsigned int i;
	char name[256];

	fprintf(f, "{\"tool\":\"xsave-abi\",\"version\":\"%s\",\"seed\":%llu,"
		"\"host\":%s,\"results\":[", RUN_VERSION,
		(unsigned long long)r->seed, r->host_json ? r->host_json : "{}");
	for (i = 0; i < r->n; i++) {
		const struct run_outcome *o = &r->res[i];

		run_case_fullname(o->c, name, sizeof(name));
		fprintf(f, "%s\n{\"name\":", i ? "," : "");
		report_json_string(f, name);
		fputs(",\"group\":", f);
		report_json_string(f, o->c->group);
		fprintf(f, ",\"result\":\"%s\",\"reason\":",
			report_result_name(o->result));
		report_json_string(f, o->reason);
		put_sources(f, o->c->sources);
		fprintf(f, ",\"duration_ms\":%.3f}", o->duration_ms);
	}
	fputs("],\n\"pkru_matrix\":", f);
	report_matrix_json(f, r);
	fputs(",\n\"totals\":{", f);
	for (i = 0; i < RUN_NRESULTS; i++)
		fprintf(f, "%s\"%s\":%u", i ? "," : "", report_result_name(i),
			r->totals.n[i]);
	fprintf(f, "},\"wall_ms\":%.3f}\n", r->wall_ms);
	return ferror(f) ? -1 : 0;
}
