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

/* Every kind of source, and one with quotes to escape. */
static const struct run_source every_kind[] = {
	KVMDOC("4.43", "KVM_SET_XSAVE"),
	KCOMMIT("4a804c4f8356", "x86/fpu: \"Allow\" PKRU"),
	SDM(1, "13.8"),
	KCODE("arch/x86/kernel/fpu/xstate.c", "copy_uabi_to_xstate()"),
	MEASURED("6.1 and 6.12"),
	{ .kind = RUN_SOURCE_END },
};

static const struct run_case c_pass = {
	.group = "g", .name = "a", .sources = every_kind,
	.matrix = RUN_MATRIX_KVM_SET_XSAVE_BIT_SET };
static const struct run_case c_fail = { .group = "g", .name = "b",
					.sources = every_kind };
static const struct run_case c_skip = {
	.group = "h", .name = "c", .sources = every_kind + 2,
	.matrix = RUN_MATRIX_PTRACE_BIT_CLEAR };
static const struct run_case c_xfail = { .group = "h", .name = "d",
					 .sources = every_kind + 4 };
static const struct run_case c_err = { .group = "h", .name = "e",
				       .sources = every_kind };

static struct run_outcome res[] = {
	{ .c = &c_pass, .result = RUN_PASS, .duration_ms = 1.5,
	  .observed = "applied" },
	{ .c = &c_fail, .result = RUN_FAIL, .reason = "got \"1\"\nnot <2> & 'x'",
	  .log = "line one\nline two\n" },
	{ .c = &c_skip, .result = RUN_SKIP, .reason = "no PKU" },
	{ .c = &c_xfail, .result = RUN_XFAIL, .reason = "hazard" },
	{ .c = &c_err, .result = RUN_ERROR, .reason = "timeout\x01\xff" },
};

#define SOURCES_TEXT "KVM API doc 4.43 KVM_SET_XSAVE; commit 4a804c4f8356 " \
	"(\"x86/fpu: \"Allow\" PKRU\"); SDM Vol. 1, 13.8; " \
	"arch/x86/kernel/fpu/xstate.c: copy_uabi_to_xstate(); measured on 6.1 and 6.12"

static unsigned int count(const char *s, const char *what)
{
	unsigned int n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

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

	report_ktap_begin(f, NULL, r->n, "# kernel: test\n", 42);
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
				.host_json = "{\"kernel\":\"test\"}",
				.host_ktap = "# kernel: test\n" };
	char *k, *j, *x;
	unsigned int i;

	for (i = 0; i < r.n; i++)
		r.totals.n[res[i].result]++;
	k = capture(ktap, &r);
	T_CHECK(!strncmp(k, "TAP version 13\n", 15), "KTAP header");
	T_CHECK(strstr(k, "# kernel: test\n# seed: 42\n1..5\n") != NULL, "plan: %s", k);
	T_CHECK(strstr(k, "\nok 1 g.a\n") != NULL, "pass line");
	T_CHECK(strstr(k, "# line one\n# line two\n# g.b: got \"1\" not <2> & 'x'\n"
		       "# expected by: " SOURCES_TEXT "\n"
		       "not ok 2 g.b\n") != NULL, "fail with its log, reason and sources: %s", k);
	T_CHECK(strstr(k, "\nok 3 h.c # SKIP no PKU\n") != NULL, "skip directive");
	T_CHECK(strstr(k, "\n# expected by: measured on 6.1 and 6.12\n"
		       "ok 4 h.d # XFAIL hazard\n") != NULL, "xfail directive and sources");
	T_CHECK(strstr(k, "\nnot ok 5 h.e # error timeout") != NULL, "error line");
	T_CHECK(count(k, "# expected by: ") == 2, "sources only with verdicts: %s", k);
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
	T_CHECK(strstr(j, "\"name\":\"g.b\"") && strstr(j, "\"sources\":["
		       "{\"kind\":\"kvm_api_doc\",\"section\":\"4.43\",\"ioctl\":\"KVM_SET_XSAVE\"},"
		       "{\"kind\":\"commit\",\"id\":\"4a804c4f8356\","
		       "\"subject\":\"x86/fpu: \\\"Allow\\\" PKRU\"},"
		       "{\"kind\":\"sdm\",\"volume\":1,\"section\":\"13.8\"},"
		       "{\"kind\":\"kernel_code\",\"file\":\"arch/x86/kernel/fpu/xstate.c\","
		       "\"function\":\"copy_uabi_to_xstate()\"},"
		       "{\"kind\":\"measured\",\"kernels\":\"6.1 and 6.12\"}],"
		       "\"log\":"), "JSON sources of every kind: %s", j);
	T_CHECK(count(j, "\"sources\":[") == 5 &&
		strstr(j, "\"reason\":\"hazard\",\"observed\":\"\",\"expect\":\"pass\","
		       "\"hazard\":") && strstr(j, "\"sources\":[{\"kind\":\"measured\","
		       "\"kernels\":\"6.1 and 6.12\"}],\"log\":"),
		"JSON sources, observation and expectation of every result: %s", j);
	T_CHECK(strstr(j, "\"matrix\":\"kvm_set_xsave bit_set\"") &&
		strstr(j, "\"host_ktap\":\"# kernel: test\\n\""),
		"JSON matrix cell and host lines: %s", j);
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
	T_CHECK(strstr(x, "line two\nexpected by: KVM API doc 4.43 KVM_SET_XSAVE; "
		       "commit 4a804c4f8356 (&quot;x86/fpu: &quot;Allow&quot; PKRU&quot;); ")
		!= NULL, "JUnit failure with its sources: %s", x);
	T_CHECK(strstr(x, "<system-out>XFAIL: hazard\nexpected by: measured on 6.1 "
		       "and 6.12</system-out>") != NULL, "JUnit XFAIL with its sources");
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
