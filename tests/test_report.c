// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KTAP, JSON and JUnit writers on a hand-made report. With a folder
 * argument it also leaves report.ktap, report.json and report.xml there,
 * for real JSON and XML parsers and as the harness's output in
 * test_compose.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/report.h"
#include "tests/t.h"

static const struct run_case c_pass = { .group = "g", .name = "a",
					.matrix = "kvm_set_xsave.bit_set" };
static const struct run_case c_fail = { .group = "g", .name = "b" };
static const struct run_case c_skip = { .group = "h", .name = "c",
					.matrix = "ptrace.bit_clear" };
static const struct run_case c_xfail = { .group = "h", .name = "d" };
static const struct run_case c_err = { .group = "h", .name = "e" };

static struct run_outcome res[] = {
	{ .c = &c_pass, .result = RUN_PASS, .duration_ms = 1.5,
	  .observed = "applied" },
	{ .c = &c_fail, .result = RUN_FAIL, .reason = "got \"1\"\nnot <2> & 'x'",
	  .log = "line one\nline two\n" },
	{ .c = &c_skip, .result = RUN_SKIP, .reason = "no PKU" },
	{ .c = &c_xfail, .result = RUN_XFAIL, .reason = "hazard" },
	{ .c = &c_err, .result = RUN_ERROR, .reason = "timeout\x01\xff" },
};

static char *capture(void (*fn)(FILE *, const struct run_report *),
		     const struct run_report *r)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	fn(f, r);
	fclose(f);
	return text;
}

static void ktap(FILE *f, const struct run_report *r)
{
	unsigned int i;

	report_ktap_begin(f, r->n, "# kernel: test\n", 42);
	for (i = 0; i < r->n; i++)
		report_ktap_result(f, i + 1, &r->res[i], false);
	report_ktap_end(f, r);
}

static void json(FILE *f, const struct run_report *r)
{
	report_json(f, r);
}

static void junit(FILE *f, const struct run_report *r)
{
	report_junit(f, r);
}

static void save(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	T_CHECK(f != NULL, "cannot write %s", path);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	struct run_report r = { .res = res, .n = 5, .seed = 42,
				.host_json = "{\"kernel\":\"test\"}" };
	char *k, *j, *x;
	unsigned int i;

	for (i = 0; i < r.n; i++)
		r.totals.n[res[i].result]++;
	k = capture(ktap, &r);
	T_CHECK(!strncmp(k, "TAP version 13\n", 15), "KTAP header");
	T_CHECK(strstr(k, "# kernel: test\n# seed: 42\n1..5\n") != NULL, "plan: %s", k);
	T_CHECK(strstr(k, "\nok 1 g.a\n") != NULL, "pass line");
	T_CHECK(strstr(k, "# line one\n# line two\n# g.b: got \"1\" not <2> & 'x'\n"
		       "not ok 2 g.b\n") != NULL, "fail with its log and reason: %s", k);
	T_CHECK(strstr(k, "\nok 3 h.c # SKIP no PKU\n") != NULL, "skip directive");
	T_CHECK(strstr(k, "\nok 4 h.d # XFAIL hazard\n") != NULL, "xfail directive");
	T_CHECK(strstr(k, "\nnot ok 5 h.e # error timeout") != NULL, "error line");
	T_CHECK(strstr(k, "# pkru matrix: kvm_set_xsave bit_set: applied\n") &&
		strstr(k, "# pkru matrix: ptrace bit_clear: not measured: no PKU\n") &&
		strstr(k, "# pkru matrix: sigreturn bit_set: not measured: no case for it\n"),
		"PKRU matrix lines: %s", k);
	T_CHECK(strstr(k, "# Totals: pass:1 fail:1 xfail:1 xpass:0 skip:1 error:1\n") &&
		k[strlen(k) - 1] == '\n' && strstr(k, "# Totals") ==
		strrchr(k, '#'), "Totals last");

	j = capture(json, &r);
	T_CHECK(strstr(j, "\"name\":\"g.b\",\"group\":\"g\",\"result\":\"fail\","
		       "\"reason\":\"got \\\"1\\\"\\nnot <2> & 'x'\"") != NULL,
		"JSON escaping: %s", j);
	T_CHECK(strstr(j, "\"reason\":\"timeout\\u0001\\u00ff\"") != NULL,
		"a control character and a byte past ASCII, escaped");
	T_CHECK(strstr(j, "\"host\":{\"kernel\":\"test\"}") != NULL, "host object");
	T_CHECK(strstr(j, "\"pkru_matrix\":{\"kvm_set_xsave\":{\"bit_set\":\"applied\","
		       "\"bit_clear\":\"not measured: no case for it\"},\"ptrace\":{") != NULL,
		"PKRU matrix in JSON: %s", j);
	T_CHECK(strstr(j, "\"totals\":{\"pass\":1,\"fail\":1,\"xfail\":1,"
		       "\"xpass\":0,\"skip\":1,\"error\":1}") != NULL, "JSON totals");

	x = capture(junit, &r);
	T_CHECK(strstr(x, "tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\"") != NULL,
		"JUnit counts");
	T_CHECK(strstr(x, "<failure message=\"got &quot;1&quot;\nnot &lt;2&gt; "
		       "&amp; &apos;x&apos;\">line one") != NULL, "JUnit failure: %s", x);
	T_CHECK(strstr(x, "<skipped message=\"no PKU\">") != NULL, "JUnit skip");
	T_CHECK(!strchr(x, '\x01'), "no control characters in XML");
	T_CHECK(strstr(x, "&#xff;") && !strchr(x, '\xff'),
		"a byte past ASCII as a character reference in XML");
	if (argc > 1) {
		save(argv[1], "report.ktap", k);
		save(argv[1], "report.json", j);
		save(argv[1], "report.xml", x);
	}
	free(k);
	free(j);
	free(x);
	return t_done("test_report");
}
