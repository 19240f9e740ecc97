// SPDX-License-Identifier: GPL-2.0-only
/*
 * The JSON reader on good and bad input (every truncation of a host report
 * included), and compat's rules on hand-made host reports: one per hazard,
 * and a compatible pair.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/cmd.h"
#include "tests/t.h"

/* An Intel host with AVX-512 and PKU, as xsave-abi host --json writes it. */
static const char base[] =
	"{\"tool\":\"xsave-abi\",\"version\":\"0.1.0\",\"kernel\":\"6.12.48-amd64\","
	"\"libkvm_tree\":\"6.1\",\"cpu_vendor\":\"GenuineIntel\",\"cpu_family\":6,"
	"\"cpu_model\":143,\"cpu_stepping\":8,\"host_xsave\":true,"
	"\"host_xcr0\":743,\"host_pku\":true,\"host_ospke\":true,\"kvm\":\"usable\","
	"\"kvm_module\":\"kvm_intel\",\"kvm_supported_xcr0\":743,"
	"\"xcomp_guest_supp\":743,\"xsave2_size\":4096,\"guest_xsave\":true,"
	"\"guest_pku\":true,\"xstate_size\":2696,\"xstate_layout\":["
	"{\"component\":2,\"name\":\"AVX (YMM_Hi128)\",\"offset\":576,\"size\":256,"
	"\"align64\":false,\"supervisor\":false},"
	"{\"component\":5,\"name\":\"AVX-512 opmask\",\"offset\":1088,\"size\":64,"
	"\"align64\":false,\"supervisor\":false},"
	"{\"component\":6,\"name\":\"AVX-512 ZMM_Hi256\",\"offset\":1152,"
	"\"size\":512,\"align64\":false,\"supervisor\":false},"
	"{\"component\":7,\"name\":\"AVX-512 Hi16_ZMM\",\"offset\":1664,"
	"\"size\":1024,\"align64\":false,\"supervisor\":false},"
	"{\"component\":9,\"name\":\"PKRU\",\"offset\":2688,\"size\":8,"
	"\"align64\":false,\"supervisor\":false}],"
	"\"capabilities\":\"=ep cap_sys_resource-ep\"}";

static struct json *parse(const char *s, struct json_error *err)
{
	return json_parse(s, strlen(s), err);
}

/* Whether s is rejected, with the error at byte offset. */
static bool rejected_at(const char *s, size_t offset)
{
	struct json_error err;
	struct json *j = parse(s, &err);

	json_free(j);
	return !j && err.offset == offset && err.msg[0];
}

static void test_values(void)
{
	struct json_error err;
	struct json *j = parse(" {\"a\" : [true, false, null, \"x\"], \"b\":{}}\n", &err);
	const struct json *a = json_get(j, "a");

	T_CHECK(j && j->type == JSON_OBJECT, "object: %s", err.msg);
	T_CHECK(a && a->type == JSON_ARRAY && a->child->type == JSON_BOOL &&
		a->child->b && !a->child->next->b &&
		a->child->next->next->type == JSON_NULL &&
		!strcmp(a->child->next->next->next->str, "x"), "array members");
	T_CHECK(json_get(j, "b") && !json_get(j, "b")->child, "empty object");
	T_CHECK(!json_get(j, "c") && !json_get(a, "a"), "absent member, not an object");
	T_CHECK(!strcmp(json_type_name(JSON_NUMBER), "number"), "type names");
	json_free(j);
}

static bool number_is(const char *s, bool is_u64, uint64_t v)
{
	struct json_error err;
	struct json *j = parse(s, &err);
	bool ok = j && j->type == JSON_NUMBER && j->is_u64 == is_u64 &&
		  j->u64 == v;

	json_free(j);
	return ok;
}

static void test_numbers(void)
{
	T_CHECK(number_is("18446744073709551615", true, UINT64_MAX), "2^64-1 exact");
	T_CHECK(number_is("18446744073709551614", true, UINT64_MAX - 1), "2^64-2 exact");
	T_CHECK(number_is("18446744073709551616", false, 0), "2^64 is no u64");
	T_CHECK(number_is("99999999999999999999999", false, 0), "far past 2^64");
	T_CHECK(number_is("0", true, 0) && number_is("743", true, 743), "small ones");
	T_CHECK(number_is("-1", false, 0) && number_is("-0", false, 0) &&
		number_is("1.5", false, 0) && number_is("1e3", false, 0) &&
		number_is("2E-2", false, 0), "sign, fraction, exponent");
	T_CHECK(rejected_at("01", 1) && rejected_at("-", 1) && rejected_at("1.", 2) &&
		rejected_at("1e", 2) && rejected_at("+1", 0) && rejected_at(".5", 0) &&
		rejected_at("-a", 1), "bad numbers");
}

static bool string_is(const char *s, const char *want)
{
	struct json_error err;
	struct json *j = parse(s, &err);
	bool ok = j && j->type == JSON_STRING && !strcmp(j->str, want);

	json_free(j);
	return ok;
}

static void test_strings(void)
{
	T_CHECK(string_is("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t"),
		"simple escapes");
	T_CHECK(string_is("\"a\\u00e9\\u20AC\"", "a\xc3\xa9\xe2\x82\xac"),
		"\\u to UTF-8");
	T_CHECK(string_is("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80"), "surrogate pair");
	T_CHECK(string_is("\"\xc3\xa9\"", "\xc3\xa9") && string_is("\"\"", ""),
		"raw UTF-8, empty");
	T_CHECK(rejected_at("\"\\x\"", 1) && rejected_at("\"\\u12\"", 1) &&
		rejected_at("\"\\u12g4\"", 1), "bad escapes");
	T_CHECK(rejected_at("\"\\ud800\"", 1) && rejected_at("\"\\udc00\"", 1) &&
		rejected_at("\"\\ud800\\u0041\"", 1), "unpaired surrogates");
	T_CHECK(rejected_at("\"\\u0000\"", 1), "NUL refused");
	T_CHECK(rejected_at("\"a\nb\"", 2), "raw control character");
	T_CHECK(rejected_at("\"abc", 0) && rejected_at("\"ab\\\"", 0),
		"unterminated, at its quote");
}

static void test_structure(void)
{
	char deep[2 * JSON_MAX_DEPTH + 3];
	struct json_error err;
	struct json *j;

	T_CHECK(rejected_at("", 0) && rejected_at("   ", 3), "empty input");
	T_CHECK(rejected_at("{} x", 3), "trailing characters");
	T_CHECK(rejected_at("{\"a\":}", 5), "value missing");
	T_CHECK(rejected_at("{\"a\" 1}", 5) && rejected_at("{a:1}", 1) &&
		rejected_at("{\"a\":1,}", 7) && rejected_at("[1,]", 3) &&
		rejected_at("[1 2]", 3) && rejected_at("tru", 0) &&
		rejected_at("nul", 0), "bad structure");
	memset(deep, '[', JSON_MAX_DEPTH);
	memset(deep + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
	deep[2 * JSON_MAX_DEPTH] = '\0';
	j = parse(deep, &err);
	T_CHECK(j, "%d levels: %s", JSON_MAX_DEPTH, err.msg);
	json_free(j);
	memset(deep, '[', JSON_MAX_DEPTH + 1);
	memset(deep + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
	deep[2 * JSON_MAX_DEPTH + 2] = '\0';
	j = parse(deep, &err);
	T_CHECK(!j && err.offset == JSON_MAX_DEPTH && strstr(err.msg, "nested"),
		"one level more is refused: %s", err.msg);
	json_free(j);
}

/*
 * Every proper prefix of a report must be an error inside it. Each is
 * copied to a buffer of exactly its size, so a read past the end shows
 * under valgrind or -fsanitize=address.
 */
static void test_truncated(void)
{
	size_t n, len = strlen(base), bad = len;
	struct json_error err;
	struct json *j;
	char *buf;

	for (n = 0; n < len && bad == len; n++) {
		buf = malloc(n ? n : 1);
		memcpy(buf, base, n);
		j = json_parse(buf, n, &err);
		if (j || err.offset > n || !err.msg[0])
			bad = n;
		json_free(j);
		free(buf);
	}
	T_CHECK(bad == len, "prefix of %zu bytes: %s", bad, j ? "parsed" : err.msg);
	j = parse(base, &err);
	T_CHECK(j, "the whole report parses: %s", err.msg);
	json_free(j);
}

/* s with the first from replaced by to. */
static char *with(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *out = malloc(strlen(s) + strlen(to) + 1);

	if (!at) {
		printf("test bug: \"%s\" not in the report\n", from);
		exit(1);
	}
	sprintf(out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return out;
}

/* Reads a report; NULL with the reason in why when compat refuses it. */
static struct json *read_host(const char *s, struct compat_host *h, char *why)
{
	struct json_error err;
	struct json *j = parse(s, &err);

	snprintf(why, 160, "not JSON: %s", err.msg);
	if (j && compat_host_read(j, h, why, 160)) {
		json_free(j);
		j = NULL;
	}
	return j;
}

/* compat's hazards from src to dst, their lines in *text; -1 if refused. */
static int hazards(const char *src, const char *dst, char **text)
{
	struct compat_host s, d;
	struct json *sj, *dj;
	char why[160];
	size_t len;
	FILE *f;
	int n = -1;

	*text = NULL;
	sj = read_host(src, &s, why);
	dj = read_host(dst, &d, why);
	if (sj && dj) {
		f = open_memstream(text, &len);
		n = compat_hazards(&s, &d, f);
		fclose(f);
		T_CHECK(compat_hazards(&s, &d, NULL) == (unsigned int)n,
			"counting alone gives the same count");
	} else {
		printf("refused: %s\n", why);
	}
	json_free(sj);
	json_free(dj);
	return n;
}

/* Hazards from src to dst: exactly n, every line with one of want's words. */
static void expect(const char *what, const char *src, const char *dst, int n,
		   const char *want)
{
	char *text;
	int got = hazards(src, dst, &text);

	T_CHECK(got == n && (!want || strstr(text, want)),
		"%s: %d hazard(s), want %d with \"%s\":\n%s", what, got, n,
		want ? want : "", text ? text : "");
	free(text);
}

static void test_rules(void)
{
	char *a, *b;

	expect("same host", base, base, 0, NULL);
	a = with(base, "\"kvm_supported_xcr0\":743", "\"kvm_supported_xcr0\":519");
	expect("AVX-512 missing", base, a, 3, "hazard: components: the source KVM "
	       "supports XSAVE component 6 (AVX-512 ZMM_Hi256), the destination's "
	       "does not (supported XCR0 0x2e7, 0x207): the destination KVM "
	       "rejects KVM_SET_XSAVE with XSTATE_BV bit 6");
	expect("a superset is fine", a, base, 0, NULL);
	free(a);
	a = with(base, "\"kvm_supported_xcr0\":743", "\"kvm_supported_xcr0\":"
		 "18446744073709551615");
	expect("XCR0 2^64-1 read exactly", a, base, 57,
	       "component 63 (unknown), the destination's does not "
	       "(supported XCR0 0xffffffffffffffff, 0x2e7)");
	free(a);
	a = with(base, "\"offset\":2688", "\"offset\":2432");
	expect("PKRU elsewhere", base, a, 1, "hazard: layout: component 9 (PKRU) "
	       "is at offset 0xa80, size 0x8 on the source and at offset 0x980, "
	       "size 0x8 on the destination: raw XSAVE buffers must be converted "
	       "by component");
	free(a);
	a = with(base, "\"size\":1024", "\"size\":2048");
	expect("a size differs", base, a, 1, "component 7 (AVX-512 Hi16_ZMM)");
	free(a);
	a = with(base, "\"xsave2_size\":4096", "\"xsave2_size\":11008");
	b = with(base, "\"xsave2_size\":4096", "\"xsave2_size\":0");
	expect("smaller XSAVE2", a, base, 1, "hazard: xsave2: the destination's "
	       "XSAVE buffer is 4096 bytes, the source's 11008");
	expect("no XSAVE2 at all", a, b, 1, "4096 bytes (no KVM_CAP_XSAVE2");
	expect("no XSAVE2 is 4096 bytes", b, base, 0, NULL);
	expect("4096 bytes to no XSAVE2", base, b, 0, NULL);
	free(a);
	free(b);
}

static void test_guest_xsave(void)
{
	char *a = with(base, "\"guest_xsave\":true", "\"guest_xsave\":false");

	expect("guest XSAVE on the source only", base, a, 1, "hazard: xsave: the "
	       "source KVM lets guests use XSAVE, the destination's does not");
	expect("guest XSAVE on the destination only", a, base, 1, "hazard: xsave: "
	       "the destination KVM lets guests use XSAVE, the source's does not");
	free(a);
}

static void test_pku(void)
{
	char *a = with(base, "\"guest_pku\":true", "\"guest_pku\":false");
	char *b = with(a, "\"host_pku\":true", "\"host_pku\":false");
	char *c = with(a, "\"host_ospke\":true", "\"host_ospke\":false");

	expect("guest PKU on the source only", base, a, 1, "hazard: pku: the "
	       "source KVM offers PKU to guests, the destination's does not (its "
	       "KVM hides PKU");
	expect("no PKU in the destination CPU", base, b, 1, "(its CPU has no PKU)");
	expect("PKU not enabled on the destination", base, c, 1, "OSPKE clear");
	expect("guest PKU on the destination only", a, base, 1, "hazard: pku: the "
	       "destination KVM offers PKU to guests, the source's does not");
	expect("host PKU alone is no guest hazard", a, b, 0, NULL);
	free(a);
	free(b);
	free(c);
}

static const struct {
	const char *release;
	int n;
} kernels[] = {
	{ "5.10.0-30-amd64", 1 },	/* before 6.3 */
	{ "5.14", 2 },			/* ptrace, before 6.3 */
	{ "5.17.1", 3 },		/* ptrace, 5.17 to 6.5, before 6.3 */
	{ "6.0.19", 3 },
	{ "6.1.0-38-amd64", 2 },	/* 5.17 to 6.5, before 6.3 */
	{ "6.2.16", 2 },
	{ "6.3.0", 1 },			/* 5.17 to 6.5 */
	{ "6.5.13", 1 },
	{ "6.6.30", 0 },
	{ "6.12", 0 },
};

static void test_kernels(void)
{
	char from[64], *a;
	unsigned int i;

	for (i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		snprintf(from, sizeof(from), "\"kernel\":\"%s\"", kernels[i].release);
		a = with(base, "\"kernel\":\"6.12.48-amd64\"", from);
		expect(kernels[i].release, a, base, kernels[i].n,
		       kernels[i].n ? "hazard: kernel: the source runs " : NULL);
		free(a);
	}
	a = with(base, "\"kernel\":\"6.12.48-amd64\"", "\"kernel\":\"6.1.0-38-amd64\"");
	expect("6.1 on both sides", a, a, 4, "hazard: kernel: the destination "
	       "runs 6.1.0-38-amd64 (5.17 to 6.5): KVM_SET_XSAVE may reject");
	expect("newer to older", base, a, 3, "hazard: kernel: the source runs "
	       "6.12.48-amd64, a newer series than the destination's 6.1.0-38-amd64");
	expect("6.1 source: its PKRU slot", a, base, 2, "(before 6.3): "
	       "KVM_GET_XSAVE writes the PKRU slot even with XSTATE_BV bit 9 clear");
	free(a);
	a = with(base, "\"kernel\":\"6.12.48-amd64\"", "\"kernel\":\"5.15.0\"");
	expect("5.15 source: ptrace", a, base, 2, "(5.14 to 6.0): "
	       "PTRACE_SETREGSET(NT_X86_XSTATE) ignores PKRU");
	free(a);
}

static void test_hosts(void)
{
	char *a = with(base, "\"cpu_vendor\":\"GenuineIntel\"",
		       "\"cpu_vendor\":\"AuthenticAMD\"");
	char *b = with(base, "\"kvm\":\"usable\"", "\"kvm\":\"not accessible\"");
	char *c = with(b, "\"guest_pku\":true", "\"guest_pku\":false");
	char *d = with(c, "\"kvm_supported_xcr0\":743", "\"kvm_supported_xcr0\":0");
	char *e;

	expect("another vendor", base, a, 1, "hazard: vendor (informational): "
	       "the source CPU is GenuineIntel, the destination's AuthenticAMD");
	expect("no KVM on the destination", base, d, 1, "hazard: kvm: /dev/kvm "
	       "was not accessible on the destination");
	expect("no KVM on the source", d, base, 1, "on the source");
	e = malloc(strlen(base) + 64);
	sprintf(e, "{\"tool\":\"xsave-abi\",\"host\":%s,\"results\":[]}", base);
	expect("a run's output", e, base, 0, NULL);
	free(e);
	e = with(base, "\"tool\"", "\"future\":{\"x\":[1,2.5,null]},\"tool\"");
	expect("unknown fields ignored", e, base, 0, NULL);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
}

/* Whether compat refuses s with a reason that holds want. */
static bool refused(const char *s, const char *want)
{
	struct compat_host h;
	struct json *j;
	char why[160];

	j = read_host(s, &h, why);
	json_free(j);
	if (!j && !strstr(why, want))
		printf("reason: %s\n", why);
	return !j && strstr(why, want);
}

static void test_bad_reports(void)
{
	static const struct {
		const char *from, *to, *why;
	} bad[] = {
		{ "\"guest_pku\":true,", "", "guest_pku: missing" },
		{ "\"xsave2_size\":4096", "\"xsave2_size\":\"4096\"",
		  "xsave2_size: expected number, got string" },
		{ "\"xsave2_size\":4096", "\"xsave2_size\":4294967296",
		  "xsave2_size: expected an integer from 0 to 2147483647" },
		{ "\"kvm_supported_xcr0\":743", "\"kvm_supported_xcr0\":-1",
		  "kvm_supported_xcr0: expected an integer from 0 to "
		  "18446744073709551615" },
		{ "\"host_pku\":true", "\"host_pku\":1",
		  "host_pku: expected boolean, got number" },
		{ "\"kernel\":\"6.12.48-amd64\"", "\"kernel\":\"linux\"",
		  "kernel: \"linux\" is not a release" },
		{ "\"component\":9", "\"component\":64",
		  "xstate_layout[4].component: expected an integer from 0 to 63" },
		{ "\"component\":9", "\"component\":1",
		  "xstate_layout[4].component 1: not an extended component" },
		{ "\"offset\":2688,", "", "xstate_layout[4].offset: missing" },
		{ "{\"component\":2", "7,{\"component\":2",
		  "xstate_layout[0]: expected object, got number" },
		{ "\"xstate_layout\":[", "\"xstate_layout\":{\"a\":[",
		  "not JSON" },
	};
	unsigned int i;
	char *a;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = with(base, bad[i].from, bad[i].to);
		T_CHECK(refused(a, bad[i].why), "refused: %s", bad[i].why);
		free(a);
	}
	T_CHECK(refused("[1]", "the report: expected object, got array"),
		"not an object");
}

int main(void)
{
	test_values();
	test_numbers();
	test_strings();
	test_structure();
	test_truncated();
	test_rules();
	test_guest_xsave();
	test_pku();
	test_kernels();
	test_hosts();
	test_bad_reports();
	return t_done("test_compat");
}
