// SPDX-License-Identifier: GPL-2.0-only
/* What the report writers share: result names and JSON strings. */
#include "lib/report.h"

static const char *const result_names[RUN_NRESULTS] = {
	[RUN_PASS] = "pass", [RUN_FAIL] = "fail", [RUN_XFAIL] = "xfail",
	[RUN_XPASS] = "xpass", [RUN_SKIP] = "skip", [RUN_ERROR] = "error",
};

const char *report_result_name(enum run_result r)
{
	return r < RUN_NRESULTS ? result_names[r] : "unknown";
}

void report_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		/* ASCII out, whatever came in: bytes past it read as Latin-1. */
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
