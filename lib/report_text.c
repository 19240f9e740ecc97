// SPDX-License-Identifier: GPL-2.0-only
/* What the report writers share: result names, sources, JSON strings. */
#include "lib/report.h"

static const char *const result_names[RUN_NRESULTS] = {
	[RUN_PASS] = "pass", [RUN_FAIL] = "fail", [RUN_XFAIL] = "xfail",
	[RUN_XPASS] = "xpass", [RUN_SKIP] = "skip", [RUN_ERROR] = "error",
};

const char *report_result_name(enum run_result r)
{
	return r < RUN_NRESULTS ? result_names[r] : "unknown";
}

/* A case's sources on one line, "" if none:
 * KVM API doc 4.43 KVM_SET_XSAVE; commit 4a804c4f8356 ("...") */
void report_sources_text(char *buf, size_t size, const struct run_source *s)
{
	size_t n = 0;
	int w;

	buf[0] = '\0';
	for (; s && s->kind != RUN_SOURCE_END && n < size; s++, n += w) {
		const char *sep = n ? "; " : "";
		size_t left = size - n;
		char *p = buf + n;

		switch (s->kind) {
		case RUN_SOURCE_COMMIT:
			w = snprintf(p, left, "%scommit %s (\"%s\")", sep, s->ref,
				     s->title);
			break;
		case RUN_SOURCE_KVM_DOC:
			w = snprintf(p, left, "%sKVM API doc %s %s", sep, s->ref,
				     s->title);
			break;
		case RUN_SOURCE_SDM:
			w = snprintf(p, left, "%sSDM Vol. %u, %s", sep, s->volume,
				     s->ref);
			break;
		case RUN_SOURCE_CODE:
			w = snprintf(p, left, "%s%s: %s", sep, s->ref, s->title);
			break;
		default:	/* RUN_SOURCE_MEASURED */
			w = snprintf(p, left, "%smeasured on %s", sep, s->ref);
		}
	}
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
