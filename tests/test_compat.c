// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading host reports (compat_host_parse()) on good and bad input: every
 * truncation of a report, duplicate keys, strings that are not printable
 * ASCII, numbers and kernel releases out of range, files too dense for
 * their size; and compat's rules on hand-made host reports: one per
 * hazard, and a compatible pair.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "cli/cmd.h"
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

#define WHY_MAX 256

/* Whether s is a report compat reads, as h; the reason in why if not. */
static bool read_host(const char *s, struct compat_host *h, char *why)
{
	why[0] = '\0';
	return !compat_host_parse(s, strlen(s), h, why, WHY_MAX);
}

/* compat's hazards from src to dst, their lines in *text; -1 if refused. */
static int hazards(const char *src, const char *dst, char **text)
{
	struct compat_host s, d;
	char why[WHY_MAX];
	size_t len;
	FILE *f;
	int n = -1;

	*text = NULL;
	if (read_host(src, &s, why) && read_host(dst, &d, why)) {
		f = open_memstream(text, &len);
		n = compat_hazards(&s, &d, f);
		fclose(f);
		T_CHECK(compat_hazards(&s, &d, NULL) == (unsigned int)n,
			"counting alone gives the same count");
	} else {
		printf("refused: %s\n", why);
	}
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
		 "9223372036854775807");
	expect("XCR0 2^63-1 read exactly", a, base, 56,
	       "component 62 (unknown), the destination's does not "
	       "(supported XCR0 0x7fffffffffffffff, 0x2e7)");
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
	{ "5.10.0-30-amd64", 0 },
	{ "5.14", 1 },			/* ptrace */
	{ "5.16.2", 2 },		/* ptrace, 5.16 to 6.2 */
	{ "5.17.1", 3 },		/* ptrace, 5.17 to 6.5, 5.16 to 6.2 */
	{ "6.0.19", 3 },
	{ "6.1.0-38-amd64", 2 },	/* 5.17 to 6.5, 5.16 to 6.2 */
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

	for (i = 0; i < ARRAY_SIZE(kernels); i++) {
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
	expect("6.1 source: its PKRU slot", a, base, 2, "(5.16 to 6.2): "
	       "KVM_GET_XSAVE writes the PKRU slot even with XSTATE_BV bit 9 clear");
	free(a);
	a = with(base, "\"kernel\":\"6.12.48-amd64\"", "\"kernel\":\"5.15.0\"");
	expect("5.15 source: ptrace", a, base, 1, "(5.14 to 6.0): "
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

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* Whether compat refuses s with a printable reason that holds want. */
static bool refused(const char *s, const char *want)
{
	struct compat_host h;
	char why[WHY_MAX];
	bool ok = !read_host(s, &h, why) && strstr(why, want) && printable(why);

	if (!ok)
		printf("want \"%s\", reason: %s\n", want, why);
	return ok;
}

/* Whether base with from replaced by to is refused for want. */
static bool edit_refused(const char *from, const char *to, const char *want)
{
	char *a = with(base, from, to);
	bool ok = refused(a, want);

	free(a);
	return ok;
}

/* Whether base with from replaced by to reads. */
static bool edit_reads(const char *from, const char *to, struct compat_host *h)
{
	char *a = with(base, from, to);
	char why[WHY_MAX];
	bool ok = read_host(a, h, why);

	if (!ok)
		printf("refused: %s\n", why);
	free(a);
	return ok;
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
		  "9223372036854775807" },
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
		{ "\"offset\":2688", "\"offset\":2688.5",
		  "xstate_layout[4].offset: expected an integer from 0 to "
		  "4294967295" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		T_CHECK(edit_refused(bad[i].from, bad[i].to, bad[i].why),
			"refused: %s", bad[i].why);
	T_CHECK(refused("[1]", "the report: expected object, got array"),
		"not an object");
}

/* base with a member "deep" of n arrays, one in another. */
static char *nested(unsigned int n)
{
	char *deep = malloc(2 * n + 16), *p = deep, *a;

	p += sprintf(p, "\"deep\":");
	memset(p, '[', n);
	memset(p + n, ']', n);
	strcpy(p + 2 * n, ",\"tool\"");
	a = with(base, "\"tool\"", deep);
	free(deep);
	return a;
}

/* JSON that is no report's: refused as not JSON, or read past unknown fields. */
static void test_json(void)
{
	static const char *const bad[] = {
		"", "   ", "{} x", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{\"a\":1,}",
		"[1,]", "[1 2]", "tru", "nul", "{\"a\":01}", "{\"a\":-}",
		"{\"a\":1.}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":.5}",
		"{\"a\":-a}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
		"{\"a\":\"\\u12g4\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
		"{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"abc}", "{\"a\":\"a\tb\"}",
		"\"x\"", "7",
	};
	char *a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		T_CHECK(refused(bad[i], "not JSON: byte "), "not JSON: %s", bad[i]);
	a = with(base, "\"tool\"", "\"future\":{\"x\":[1,2.5,-3,1e3,true,false,"
		 "null,\"\\u00e9\\ud83d\\ude00\",{},[]]},\"tool\"");
	expect("unknown fields of every type ignored", a, base, 0, NULL);
	free(a);
	/* jansson's limit is 2048 levels, the report's object one of them. */
	a = nested(2047);
	expect("2048 levels", a, base, 0, NULL);
	free(a);
	a = nested(2048);
	T_CHECK(refused(a, "not JSON: byte "), "2049 levels refused");
	free(a);
}

/*
 * Every proper prefix of a report must be refused as not JSON. Each is
 * copied to a buffer of exactly its size, so a read past the end shows
 * under valgrind or -fsanitize=address.
 */
static void test_truncated(void)
{
	size_t n, len = strlen(base), bad = len;
	struct compat_host h;
	char why[WHY_MAX];
	char *buf;

	for (n = 0; n < len && bad == len; n++) {
		buf = malloc(n ? n : 1);
		memcpy(buf, base, n);
		if (!compat_host_parse(buf, n, &h, why, sizeof(why)) ||
		    !strstr(why, "not JSON: byte ") || !printable(why))
			bad = n;
		free(buf);
	}
	T_CHECK(bad == len, "prefix of %zu bytes: %s", bad, why);
	T_CHECK(read_host(base, &h, why), "the whole report reads: %s", why);
}

static void test_duplicates(void)
{
	T_CHECK(edit_refused("\"kernel\":", "\"kernel\":\"5.10\",\"kernel\":",
			     "not JSON: byte 62: duplicate key \"kernel\""),
		"a field twice");
	T_CHECK(edit_refused("\"kernel\":", "\"k\\u0065rnel\":\"5.10\",\"kernel\":",
			     "duplicate key \"kernel\""),
		"a field twice, once escaped");
	T_CHECK(edit_refused("\"offset\":2688", "\"offset\":2688,\"offset\":2432",
			     "duplicate key \"offset\""), "inside the layout");
	T_CHECK(edit_refused("\"tool\"", "\"future\":{\"a\":1,\"a\":1},\"tool\"",
			     "duplicate key \"a\""), "in an unknown field");
	T_CHECK(refused("{\"host\":{},\"host\":{}}", "duplicate key \"host\""),
		"a run's host twice");
}

/* Strings compat prints: printable ASCII only, and each fitting its field. */
static void test_strings(void)
{
	static const struct {
		const char *to, *why;
	} bad[] = {
		{ "6.12\\nhazard: forged", "kernel: not printable ASCII (byte 0x0a at 4)" },
		{ "6.12\\u001b[31m", "kernel: not printable ASCII (byte 0x1b at 4)" },
		{ "6.12\\u007f", "kernel: not printable ASCII (byte 0x7f at 4)" },
		{ "6.12\x7f", "kernel: not printable ASCII (byte 0x7f at 4)" },
		{ "6.12\xc3\xa9", "kernel: not printable ASCII (byte 0xc3 at 4)" },
		{ "6.12\\u00e9", "kernel: not printable ASCII (byte 0xc3 at 4)" },
		{ "6.12\\t", "kernel: not printable ASCII (byte 0x09 at 4)" },
		{ "6.12\xff", "not JSON: byte " },		/* not UTF-8 */
		{ "6.12\xc3", "not JSON: byte " },		/* cut short */
		{ "6.12\xc0\xae", "not JSON: byte " },	/* overlong */
		{ "6.12\xed\xa0\x80", "not JSON: byte " },	/* a surrogate */
		{ "6.12\\u0000", "not JSON: byte " },	/* NUL */
		{ "6.12\n", "not JSON: byte " },		/* raw control */
	};
	struct compat_host h;
	char to[80];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(to, sizeof(to), "\"kernel\":\"%s\"", bad[i].to);
		T_CHECK(edit_refused("\"kernel\":\"6.12.48-amd64\"", to, bad[i].why),
			"kernel %s: %s", bad[i].to, bad[i].why);
	}
	T_CHECK(edit_refused("\"GenuineIntel\"", "\"Genuine\\nIntel\"",
			     "cpu_vendor: not printable ASCII (byte 0x0a at 7)"),
		"vendor");
	T_CHECK(edit_refused("\"usable\"", "\"usable\\r\"",
			     "kvm: not printable ASCII (byte 0x0d at 6)"), "kvm");
	T_CHECK(edit_reads("\"6.12.48-amd64\"", "\"6.12 \\/x\\\"~\\\\\\u0041\"",
			   &h) && !strcmp(h.kernel, "6.12 /x\"~\\A"),
		"escapes of printable bytes");
	memset(to, 'x', sizeof(to));
	memcpy(to, "\"6.12", 5);
	strcpy(to + 1 + COMPAT_KERNEL_MAX, "\"");
	T_CHECK(edit_reads("\"6.12.48-amd64\"", to, &h) &&
		strlen(h.kernel) == COMPAT_KERNEL_MAX, "a kernel of 64 characters");
	strcpy(to + 1 + COMPAT_KERNEL_MAX, "x\"");
	T_CHECK(edit_refused("\"6.12.48-amd64\"", to,
			     "kernel: longer than 64 characters"), "65 characters");
	T_CHECK(edit_refused("\"GenuineIntel\"", "\"GenuineIntelX\"",
			     "cpu_vendor: longer than 12 characters"), "vendor 13");
	T_CHECK(edit_refused("\"usable\"", "\"usable usable...\"",
			     "kvm: longer than 15 characters"), "kvm 16");
}

/* Integer fields: jansson's signed 64 bits, each field's own range. */
static void test_numbers(void)
{
	static const char *const bad[] = {
		"-1", "-4096", "1.5", "4096.0", "1e3", "2E-2", "2147483648",
		"-9223372036854775808",
	};
	struct compat_host h;
	char to[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(to, sizeof(to), "\"xsave2_size\":%s", bad[i]);
		T_CHECK(edit_refused("\"xsave2_size\":4096", to, "not a host report: "
				     "xsave2_size: expected an integer from 0 to "
				     "2147483647"), "xsave2_size %s", bad[i]);
	}
	T_CHECK(edit_reads("\"xsave2_size\":4096", "\"xsave2_size\":2147483647",
			   &h) && h.xsave2_size == INT32_MAX, "INT32_MAX");
	T_CHECK(edit_refused("\"kvm_supported_xcr0\":743", "\"kvm_supported_xcr0\":"
			     "9223372036854775808", "not JSON: byte 307: number "
			     "9223372036854775808 out of range (integers are read "
			     "from -9223372036854775808 to 9223372036854775807"),
		"2^63, XCR0's reserved bit");
	T_CHECK(edit_refused("\"kvm_supported_xcr0\":743", "\"kvm_supported_xcr0\":"
			     "18446744073709551615", "number 18446744073709551615 "
			     "out of range"), "2^64-1");
	T_CHECK(edit_refused("\"kvm_supported_xcr0\":743", "\"kvm_supported_xcr0\":"
			     "-99999999999999999999", "not JSON: byte 309: number "
			     "out of range (integers"), "far below, unquoted by jansson");
	T_CHECK(edit_refused("\"kvm_supported_xcr0\":743", "\"kvm_supported_xcr0\":"
			     "1e400", "number 1e400 out of range"), "a real too large");
	T_CHECK(edit_refused("\"component\":9", "\"component\":-9",
			     "xstate_layout[4].component: expected an integer "
			     "from 0 to 63"), "a negative component");
}

/* The release: major.minor, then its end or a non-digit, each 0 to 65535. */
static void test_releases(void)
{
	static const struct {
		const char *release;
		unsigned int kv;
	} good[] = {
		{ "6.1.0-57-amd64", 6 << 16 | 1 }, { "7.2.0", 7 << 16 | 2 },
		{ "6.12", 6 << 16 | 12 }, { "5.10-rc1", 5 << 16 | 10 },
		{ "65535.65535", 0xffffffff }, { "0.0", 0 }, { "06.01", 6 << 16 | 1 },
	};
	static const char *const bad[] = {
		"4294967302.1", "6.99999", "65536.1", "6.65536", "6", "6.", ".1",
		"+6.1", "-6.1", " 6.1", "6.-1", "6.+1", "6 .1", "", "v6.1",
		"99999999999999999999.1",
	};
	struct compat_host h;
	char to[64], why[160];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		snprintf(to, sizeof(to), "\"kernel\":\"%s\"", good[i].release);
		T_CHECK(edit_reads("\"kernel\":\"6.12.48-amd64\"", to, &h) &&
			h.kv == good[i].kv, "%s reads as 0x%x", good[i].release,
			good[i].kv);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(to, sizeof(to), "\"kernel\":\"%s\"", bad[i]);
		snprintf(why, sizeof(why), "kernel: \"%s\" is not a release "
			 "major.minor..., each from 0 to 65535", bad[i]);
		T_CHECK(edit_refused("\"kernel\":\"6.12.48-amd64\"", to, why),
			"%s refused", bad[i]);
	}
}

/* base with "pad":[unit,unit,...], about size bytes in all. */
static char *padded(const char *unit, size_t size)
{
	size_t n = (size - strlen(base) - 16) / (strlen(unit) + 1), i;
	char *pad = malloc(size), *p = pad, *a;

	p += sprintf(p, "\"pad\":[");
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "," : "", unit);
	strcpy(p, "],\"tool\"");
	a = with(base, "\"tool\"", pad);
	free(pad);
	return a;
}

/* A run's --json output: base and n results, each with a log of log_len
 * bytes. */
static char *run(unsigned int n, size_t log_len)
{
	size_t size = strlen(base) + n * (log_len + 160) + 64;
	char *out = malloc(size), *p = out;
	unsigned int i;

	p += sprintf(p, "{\"tool\":\"xsave-abi\",\"host\":%s,\"results\":[", base);
	for (i = 0; i < n; i++) {
		p += sprintf(p, "%s{\"name\":\"group.case_%u\",\"group\":\"group\","
			     "\"result\":\"pass\",\"reason\":\"\",\"duration_ms\":"
			     "1.234,\"log\":\"", i ? "," : "", i);
		memset(p, 'x', log_len);
		p += log_len;
		p += sprintf(p, "\"}");
	}
	strcpy(p, "]}");
	return out;
}

/* Memory: a tree is allowed a few times its file's size, no more. */
static void test_budget(void)
{
	static const char *const dense[] = { "0", "\"\"", "{}", "[[[[[[0]]]]]]" };
	struct compat_host h;
	char why[WHY_MAX];
	unsigned int i;
	char *a;

	for (i = 0; i < ARRAY_SIZE(dense); i++) {
		a = padded(dense[i], (4u << 20) - 4096);
		T_CHECK(refused(a, "too many values for its size"),
			"4 MiB of %s", dense[i]);
		free(a);
	}
	a = padded("0", 16 << 10);
	expect("16 KiB of numbers still read", a, base, 0, NULL);
	free(a);
	a = run(50, 5000);
	expect("a run of 50 cases with their logs", a, base, 0, NULL);
	free(a);
	a = run(1000, 0);
	expect("a run of 1000 cases", a, base, 0, NULL);
	free(a);
	a = run(800, 5000);
	T_CHECK(strlen(a) < (4u << 20) && read_host(a, &h, why),
		"a run of 4 MiB, mostly logs: %s", why);
	free(a);
	a = padded("\"x\"", (4u << 20) + 64);
	T_CHECK(refused(a, "larger than 4194304 bytes"), "over the size cap");
	free(a);
}

int main(void)
{
	test_json();
	test_truncated();
	test_duplicates();
	test_strings();
	test_numbers();
	test_releases();
	test_budget();
	test_rules();
	test_guest_xsave();
	test_pku();
	test_kernels();
	test_hosts();
	test_bad_reports();
	return t_done("test_compat");
}
