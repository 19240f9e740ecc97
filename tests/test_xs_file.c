// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state file against files made here and damaged on purpose, and its
 * conversion between AMD and Intel layouts. With a folder argument it also
 * leaves the valid samples there as NAME.xsf: the fuzzer's seed corpus.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "tests/t.h"
#include "tests/xs_samples.h"

struct sample {
	const char *name, *vendor;
	void (*layout)(struct xs_layout *l);
	unsigned int family, model, stepping;
	uint64_t xcr0;
	uint32_t blob_size;
};

static const struct sample samples[] = {
	{ "zen3", "AuthenticAMD", layout_zen3, 0x19, 0x21, 0, 0x207, 4096 },
	{ "skx", "GenuineIntel", layout_skx, 6, 0x55, 4, 0x2ff, 4096 },
	{ "spr", "GenuineIntel", layout_spr, 6, 0x8f, 8, 0x602e7, 11008 },
	{ "legacy", "GenuineIntel", xs_layout_init, 6, 0x55, 4, 0x3, 576 },
};

#define NSAMPLES (ARRAY_SIZE(samples))
static const struct sample *const zen3 = &samples[0], *const skx = &samples[1];
static const struct sample *const legacy = &samples[3];
#define RELEASE "6.1.0-28-amd64"

static char why[256];
static struct xs_file src, parsed;

/*
 * A file as `state save` would write it: a seeded valid buffer from
 * xs_gen(), with AVX and PKRU in use where XCR0 has them.
 */
static void sample_file(struct xs_file *f, const struct sample *s,
			uint64_t xcr0, uint64_t seed)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->release, RELEASE);
	strcpy(f->vendor, s->vendor);
	f->family = s->family;
	f->model = s->model;
	f->stepping = s->stepping;
	f->kvm_xcr0 = s->xcr0;
	f->xcr0 = xcr0;
	f->xsave2_size = s->blob_size > XS_KVM_SIZE ? s->blob_size : XS_KVM_SIZE;
	f->seed = seed;
	s->layout(&f->layout);
	f->nxcrs = 1;
	f->xcrs[0].value = xcr0;
	f->blob_size = s->blob_size;
	xs_gen(&f->layout, f->blob, f->blob_size, xcr0, seed);
	if (xcr0 & XS_BIT(XS_YMM)) {
		xs_fill(&f->layout, f->blob, f->blob_size, XS_YMM, seed);
		xs_set_xstate_bv(f->blob, xs_xstate_bv(f->blob) | XS_BIT(XS_YMM));
	}
	if (xcr0 & XS_BIT(XS_PKRU))
		xs_put_pkru(&f->layout, f->blob, f->blob_size, true,
			    xs_pkru_pattern(seed));
}

static uint8_t *encode(const struct xs_file *f, size_t *len)
{
	void *data;

	if (xs_file_write(f, &data, len, why, sizeof(why))) {
		printf("FAIL: cannot write a valid file: %s\n", why);
		exit(1);
	}
	return data;
}

/* Where a file of f holds its variable parts. */
static size_t at_layout(const struct xs_file *f)
{
	return 56 + 4 + strlen(f->release) + 4 + strlen(f->vendor);
}

static size_t at_xcrs(const struct xs_file *f)
{
	return at_layout(f) + 4 +
	       16 * __builtin_popcountll(f->layout.xfeatures & ~3ULL);
}

static size_t at_blob(const struct xs_file *f)
{
	return at_xcrs(f) + 4 + 16 * f->nxcrs;
}

/* The parser refuses buf with err and exactly the reason fmt makes. */
__attribute__((format(printf, 5, 6)))
static void expect(const uint8_t *buf, size_t len, int err, const char *what,
		   const char *fmt, ...)
{
	char want[256];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	rc = xs_file_parse(buf, len, &parsed, why, sizeof(why));
	T_CHECK(rc == err && !strcmp(why, want),
		"%s: got %d \"%s\", expected %d \"%s\"", what, rc, why, err, want);
}

/* Edit n bytes at off of a copy of a valid file, fix its checksum, parse. */
static void expect_edit(const uint8_t *file, size_t len, size_t off, size_t n,
			uint64_t v, int err, const char *want)
{
	uint8_t *buf = malloc(len);

	memcpy(buf, file, len);
	put_le(buf + off, n, v);
	reseal(buf, len);
	expect(buf, len, err, want, "%s", want);
	free(buf);
}

static void test_crc(void)
{
	T_CHECK(xs_file_crc32("123456789", 9) == 0xcbf43926,
		"CRC-32 check value: 0x%08x", xs_file_crc32("123456789", 9));
	T_CHECK(xs_file_crc32("", 0) == 0, "CRC-32 of nothing");
}

static void test_round_trip(void)
{
	uint8_t *a, *b;
	size_t alen, blen, i;
	int rc;

	for (i = 0; i < NSAMPLES; i++) {
		sample_file(&src, &samples[i], samples[i].xcr0, i + 1);
		a = encode(&src, &alen);
		rc = xs_file_parse(a, alen, &parsed, why, sizeof(why));
		T_CHECK(!rc, "%s: parse: %s", samples[i].name, why);
		T_CHECK(alen == at_blob(&src) + 4 + src.blob_size + 4,
			"%s: %zu bytes", samples[i].name, alen);
		b = encode(&parsed, &blen);
		T_CHECK(alen == blen && !memcmp(a, b, alen),
			"%s: written again, the same bytes", samples[i].name);
		T_CHECK(parsed.version == 1 && !strcmp(parsed.release, RELEASE) &&
			!strcmp(parsed.vendor, samples[i].vendor) &&
			parsed.model == samples[i].model && parsed.seed == i + 1,
			"%s: identity fields", samples[i].name);
		T_CHECK(parsed.layout.xfeatures == src.layout.xfeatures &&
			parsed.layout.size == src.layout.size &&
			!memcmp(parsed.layout.comp, src.layout.comp,
				sizeof(src.layout.comp)), "%s: layout", samples[i].name);
		T_CHECK(parsed.blob_size == src.blob_size &&
			!memcmp(parsed.blob, src.blob, src.blob_size) &&
			xs_pkru(&parsed.layout, parsed.blob, parsed.blob_size) ==
			xs_pkru(&src.layout, src.blob, src.blob_size),
			"%s: blob", samples[i].name);
		free(a);
		free(b);
	}
	/* The largest blob, and a caller that wants no reason. */
	sample_file(&src, zen3, zen3->xcr0, 5);
	src.blob_size = XS_FILE_BLOB_MAX;
	a = encode(&src, &alen);
	T_CHECK(!xs_file_parse(a, alen, &parsed, NULL, 0) &&
		parsed.blob_size == XS_FILE_BLOB_MAX, "a blob of 64 KiB");
	T_CHECK(xs_file_parse(a, alen - 1, &parsed, NULL, 0) == -EINVAL,
		"refused without a reason buffer");
	free(a);
}

/* Every proper prefix of a valid file is refused as truncated. */
static void test_prefixes(const struct sample *s)
{
	size_t len, n, bad = 0, first = 0;
	uint8_t *file, *copy;
	const char *want;
	int rc;

	sample_file(&src, s, s->xcr0, 7);
	file = encode(&src, &len);
	for (n = 0; n < len; n++) {
		copy = malloc(n ? n : 1);	/* exact size: overreads show */
		memcpy(copy, file, n);
		rc = xs_file_parse(copy, n, &parsed, why, sizeof(why));
		want = n ? "truncated in the " : "empty file";
		if (rc != -EINVAL || parsed.blob_size || parsed.version ||
		    strncmp(why, want, strlen(want))) {
			if (!bad++)
				first = n;
		}
		free(copy);
	}
	T_CHECK(!bad, "%s: %zu of %zu prefixes not refused as truncated, first %zu",
		s->name, bad, len, first);
	free(file);
}

/* Where a truncated file ends is said exactly. */
static void test_truncated(void)
{
	uint8_t *file;
	size_t len;

	sample_file(&src, zen3, zen3->xcr0, 7);
	file = encode(&src, &len);
	expect(NULL, 0, -EINVAL, "no bytes", "empty file");
	expect(file, 5, -EINVAL, "in the magic",
	       "truncated in the magic at byte 0 (needs 3 more)");
	expect(file, 10, -EINVAL, "in the version",
	       "truncated in the version at byte 8 (needs 2 more)");
	expect(file, 58, -EINVAL, "in a length",
	       "truncated in the kernel release length at byte 56 (needs 2 more)");
	expect(file, at_layout(&src) + 4 + 16 + 6, -EINVAL, "in an entry",
	       "truncated in the layout table at byte %zu (needs 10 more)",
	       at_layout(&src) + 4 + 16);
	expect(file, at_blob(&src) + 4 + 100, -EINVAL, "in the blob",
	       "truncated in the blob at byte %zu (needs %u more)",
	       at_blob(&src) + 4, src.blob_size - 100);
	expect(file, len - 1, -EINVAL, "in the checksum",
	       "truncated in the checksum at byte %zu (needs 1 more)", len - 4);
	free(file);
}

/* Any one byte changed, the checksum included, and the file is refused. */
static void test_flips(const struct sample *s)
{
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	size_t len, off, m, bad = 0, first = 0;
	uint8_t *file;

	sample_file(&src, s, s->xcr0, 8);
	file = encode(&src, &len);
	for (m = 0; m < sizeof(masks); m++) {
		for (off = 0; off < len; off++) {
			file[off] ^= masks[m];
			if (!xs_file_parse(file, len, &parsed, why, sizeof(why)) ||
			    !why[0]) {
				if (!bad++)
					first = off;
			}
			file[off] ^= masks[m];
		}
	}
	T_CHECK(!bad, "%s: %zu of %zu changed files accepted, first at byte %zu",
		s->name, bad, 3 * len, first);
	free(file);
}

static void test_header(void)
{
	uint8_t *file;
	size_t len;
	uint32_t crc;

	sample_file(&src, zen3, zen3->xcr0, 9);
	file = encode(&src, &len);
	expect((const uint8_t *)"ELF", 3, -EINVAL, "short and foreign",
	       "bad magic: not an xsave-abi state file");
	expect_edit(file, len, 0, 1, 'x', -EINVAL,
		    "bad magic: not an xsave-abi state file");
	expect_edit(file, len, 8, 4, 7, -EINVAL,
		    "version 7 unknown (this build reads 1)");
	expect_edit(file, len, 8, 4, 0, -EINVAL,
		    "version 0 unknown (this build reads 1)");
	expect_edit(file, len, 12, 1, 1, -EINVAL,
		    "the reserved field at byte 12 is not 0");
	crc = xs_file_crc32(file, len - 4);
	file[len - 1] ^= 0x10;
	expect(file, len, -EINVAL, "checksum",
	       "checksum 0x%08x does not match the contents' CRC-32 0x%08x",
	       crc ^ 0x10000000, crc);
	file[len - 1] ^= 0x10;
	file[100] ^= 1;
	expect(file, len, -EINVAL, "content",
	       "checksum 0x%08x does not match the contents' CRC-32 0x%08x",
	       crc, xs_file_crc32(file, len - 4));
	file[100] ^= 1;
	file = realloc(file, len + 3);
	memset(file + len, 0, 3);
	expect(file, len + 3, -EINVAL, "trailing bytes",
	       "3 byte(s) after the checksum at byte %zu", len - 4);
	free(file);
}

/* Where an edit goes: from the file's start or one of its variable parts. */
enum part { HEAD, LAYOUT, XCRS, BLOB };

struct edit {
	enum part part;
	size_t off, n;
	uint64_t v;
	int err;
	const char *want;
};

#define VENDOR_LEN (56 + 4 + sizeof(RELEASE) - 1)
#define E1 (4 + 16)		/* zen3's layout entry 1: PKRU */
#define BLOB_DATA 4		/* after the blob size */

/* Each edit of a zen3 file (entries YMM, PKRU, CET_U; one XCR), resealed. */
static const struct edit edits[] = {
	/* Lengths and counts near UINT32_MAX, refused before any use. */
	{ HEAD, 56, 4, UINT32_MAX, -ERANGE,
	  "kernel release length 4294967295 exceeds 64" },
	{ HEAD, 56, 4, 65, -ERANGE, "kernel release length 65 exceeds 64" },
	{ HEAD, VENDOR_LEN, 4, UINT32_MAX - 3, -ERANGE,
	  "CPU vendor length 4294967292 exceeds 12" },
	{ LAYOUT, 0, 4, UINT32_MAX, -ERANGE, "layout count 4294967295 exceeds 62" },
	{ XCRS, 0, 4, UINT32_MAX, -ERANGE, "XCR count 4294967295 exceeds 16" },
	{ XCRS, 0, 4, 17, -ERANGE, "XCR count 17 exceeds 16" },
	{ BLOB, 0, 4, UINT32_MAX, -ERANGE, "blob size 4294967295 exceeds 65536" },
	{ BLOB, 0, 4, 65537, -ERANGE, "blob size 65537 exceeds 65536" },
	{ BLOB, 0, 4, 575, -ERANGE,
	  "blob size 575 is below the 576 bytes of legacy area and header" },
	{ HEAD, 52, 4, UINT32_MAX, -ERANGE, "XSAVE2 size 4294967295 exceeds 65536" },
	/* Size and offset 0xffffff00: their sum wraps to 0 in 32 bits. */
	{ LAYOUT, E1 + 4, 8, 0xffffff0000000100ULL, -ERANGE,
	  "the file's layout: component 9 (PKRU) offset 0xffffff00 + size 256 lies outside 0x240..0x10000" },
	{ LAYOUT, E1 + 4, 4, UINT32_MAX, -ERANGE,
	  "the file's layout: component 9 (PKRU) offset 0x980 + size 4294967295 lies outside 0x240..0x10000" },
	/* A layout that contradicts itself, the blob or XCR0. */
	{ LAYOUT, E1 + 8, 4, 0xffc, -EINVAL,
	  "component 9 (PKRU) offset 0xffc + size 8 beyond the blob of 4096 bytes" },
	{ LAYOUT, E1 + 8, 4, 0x300, -EINVAL,
	  "the file's layout: component 9 (PKRU) offset 0x300 + size 8 overlaps component 2 (AVX (YMM_Hi128))" },
	{ LAYOUT, E1 + 8, 4, 0x200, -ERANGE,
	  "the file's layout: component 9 (PKRU) offset 0x200 + size 8 lies outside 0x240..0x10000" },
	{ LAYOUT, E1, 4, 2, -EINVAL,
	  "layout entry 1: component 2 after component 2 (ascending, no repeats)" },
	{ LAYOUT, E1 - 16, 4, 1, -EINVAL, "layout entry 0: component 1 is not 2..63" },
	{ LAYOUT, E1 + 16, 4, 64, -EINVAL, "layout entry 2: component 64 is not 2..63" },
	{ LAYOUT, E1 + 12, 4, 4, -EINVAL, "layout entry 1: flags 0x4 has reserved bits" },
	{ LAYOUT, E1 + 4, 4, 0, -EINVAL, "layout entry 1: component 9 has size 0" },
	{ LAYOUT, E1, 4, 10, -EINVAL,
	  "component 9 (PKRU) of XCR0 0x207 has no place in the file's layout" },
	{ LAYOUT, E1 + 12, 4, 1, -EINVAL,
	  "component 9 (PKRU) of XCR0 0x207 has no place in the file's layout" },
	/* The XSAVE header, XCR0 and the XCRs, each against the rest. */
	{ BLOB, BLOB_DATA + 512, 8, 0x227, -EINVAL,
	  "XSTATE_BV 0x227 has bits outside the file's XCR0 0x207" },
	{ BLOB, BLOB_DATA + 527, 1, 0x80, -EINVAL,
	  "XCOMP_BV 0x8000000000000000: the blob is not in the standard format" },
	{ BLOB, BLOB_DATA + 575, 1, 1, -EINVAL,
	  "the XSAVE header's reserved bytes are not 0" },
	{ HEAD, 32, 1, 0x06, -EINVAL, "XCR0 0x206 lacks x87, which XCR0 always has" },
	/* XSETBV's rules (SDM Vol. 1, 13.3; KVM's __kvm_set_xcr()). */
	{ HEAD, 32, 1, 0x05, -EINVAL, "XCR0 0x205 has AVX without SSE" },
	{ HEAD, 32, 1, 0x0f, -EINVAL,
	  "XCR0 0x20f has one of MPX's two components (3, 4) without the other" },
	{ HEAD, 32, 1, 0x67, -EINVAL,
	  "XCR0 0x267 has some of AVX-512's three components (5, 6, 7), not all" },
	{ HEAD, 32, 1, 0xe3, -EINVAL, "XCR0 0x2e3 has AVX-512 without AVX" },
	{ HEAD, 34, 1, 0x02, -EINVAL,
	  "XCR0 0x20207 has one of AMX's two components (17, 18) without the other" },

	{ HEAD, 24, 2, 0x7, -EINVAL,
	  "XCR0 0x207 has bits outside the supported XCR0 0x7" },
	{ XCRS, 4 + 8, 2, 0x7, -EINVAL,
	  "XCR entry 0: XCR0 0x7 differs from the file's XCR0 0x207" },
	{ XCRS, 4 + 4, 1, 1, -EINVAL, "XCR entry 0: the reserved field is not 0" },
	/* The strings. */
	{ HEAD, 62, 1, 0, -EINVAL, "the kernel release holds a NUL byte" },
	{ HEAD, 62, 1, 0x7f, -EINVAL,
	  "the kernel release has byte 0x7f at 2, not printable ASCII" },
	{ HEAD, VENDOR_LEN + 4, 1, 0x80, -EINVAL,
	  "the CPU vendor has byte 0x80 at 0, not printable ASCII" },
};

static void test_edits(void)
{
	size_t len, k, base[] = { 0, 0, 0, 0 };
	uint8_t *file;

	sample_file(&src, zen3, zen3->xcr0, 10);
	file = encode(&src, &len);
	base[LAYOUT] = at_layout(&src);
	base[XCRS] = at_xcrs(&src);
	base[BLOB] = at_blob(&src);
	for (k = 0; k < ARRAY_SIZE(edits); k++)
		expect_edit(file, len, base[edits[k].part] + edits[k].off,
			    edits[k].n, edits[k].v, edits[k].err, edits[k].want);
	free(file);
	/* Two XCRs, the second's index made to repeat the first's. */
	src.xcrs[1] = (struct xs_file_xcr){ .index = 1, .value = 1 };
	src.nxcrs = 2;
	file = encode(&src, &len);
	expect_edit(file, len, at_xcrs(&src) + 4 + 16, 4, 0, -EINVAL,
		    "XCR entry 1: XCR0 after XCR0 (ascending, no repeats)");
	free(file);
}

/* The writer refuses what the parser would, and creates nothing. */
static void expect_write(const struct xs_file *f, int err, const char *want)
{
	void *data = (void *)1;
	size_t len = 1;
	int rc = xs_file_write(f, &data, &len, why, sizeof(why));

	T_CHECK(rc == err && !strcmp(why, want) && !data && !len,
		"write: got %d \"%s\", expected %d \"%s\"", rc, why, err, want);
}

static void test_write_refuses(void)
{
	sample_file(&src, zen3, zen3->xcr0, 13);
	memset(src.release, 'a', sizeof(src.release));
	expect_write(&src, -ERANGE, "the kernel release is longer than 64 bytes");
	sample_file(&src, zen3, XS_BIT(XS_X87) | XS_BIT(XS_SSE), 13);
	xs_set_xstate_bv(src.blob, 0x207);
	expect_write(&src, -EINVAL,
		     "XSTATE_BV 0x207 has bits outside the file's XCR0 0x3");
	sample_file(&src, zen3, zen3->xcr0, 13);
	xs_set_mxcsr(src.blob, 0x11f80);
	expect_write(&src, -EINVAL,
		     "MXCSR 0x00011f80 has bits 16-31 set, reserved on every CPU");
	sample_file(&src, zen3, zen3->xcr0, 13);
	src.blob_size = 100;
	expect_write(&src, -ERANGE, "blob size 100 outside 576..65536");
	sample_file(&src, zen3, zen3->xcr0, 13);
	src.nxcrs = 17;
	expect_write(&src, -ERANGE, "XCR count 17 exceeds 16");
	sample_file(&src, zen3, zen3->xcr0, 13);
	src.layout.xfeatures &= ~XS_BIT(XS_SSE);
	expect_write(&src, -EINVAL, "the file's layout lacks x87 or SSE");
	sample_file(&src, zen3, zen3->xcr0, 13);
	src.xcrs[1] = (struct xs_file_xcr){ .index = 0, .value = zen3->xcr0 };
	src.nxcrs = 2;
	expect_write(&src, -EINVAL,
		     "XCR entry 1: XCR0 after XCR0 (ascending, no repeats)");
}

static void test_convert(void)
{
	static uint8_t out[XS_KVM_SIZE];
	struct xs_layout amd, intel;
	uint32_t pkru;
	int rc;

	layout_zen3(&amd);
	layout_skx(&intel);
	/* AMD to Intel: PKRU moves from 0x980 to 0xa80. */
	sample_file(&src, zen3, 0x207, 14);
	pkru = xs_pkru(&amd, src.blob, src.blob_size);
	rc = xs_file_convert(&src, &intel, 0x2ff, XS_MXCSR_MASK_MAX, out, sizeof(out), why,
			     sizeof(why));
	T_CHECK(!rc, "AMD to Intel: %s", why);
	T_CHECK(xs_pkru(&intel, out, sizeof(out)) == pkru && out[0x980] == 0 &&
		xs_xstate_bv(out) == xs_xstate_bv(src.blob),
		"PKRU 0x%x at 0xa80, nothing at 0x980", pkru);
	T_CHECK(!memcmp(out + 0x240, src.blob + 0x240, 256), "AVX at 0x240");
	T_CHECK(!misplaced(&src, &intel, out, sizeof(out)),
		"AMD to Intel: every byte where it belongs");
	/* Intel to AMD, a guest with AVX and PKRU. */
	sample_file(&src, skx, 0x207, 15);
	pkru = xs_pkru(&intel, src.blob, src.blob_size);
	rc = xs_file_convert(&src, &amd, 0x207, XS_MXCSR_MASK_MAX, out, sizeof(out), why,
			     sizeof(why));
	T_CHECK(!rc && xs_pkru(&amd, out, sizeof(out)) == pkru &&
		!misplaced(&src, &amd, out, sizeof(out)),
		"Intel to AMD: PKRU 0x%x at 0x980: %s", pkru, rc ? why : "");
	/* A component whose bit is clear stays in its init state. */
	xs_set_pkru(&intel, src.blob, src.blob_size, 0x12345678);
	src.blob[0x250] = 0x5a;
	xs_set_xstate_bv(src.blob, XS_BIT(XS_X87) | XS_BIT(XS_SSE));
	rc = xs_file_convert(&src, &amd, 0x207, XS_MXCSR_MASK_MAX, out, sizeof(out), why,
			     sizeof(why));
	T_CHECK(!rc && !xs_pkru(&amd, out, sizeof(out)) && !out[0x250] &&
		!misplaced(&src, &amd, out, sizeof(out)),
		"bits clear: PKRU and AVX left 0");
	/* Into the file's own layout: the blob again, bar what is not in use. */
	sample_file(&src, skx, 0x2ff, 16);
	rc = xs_file_convert(&src, &intel, 0x2ff, XS_MXCSR_MASK_MAX, out, sizeof(out), why,
			     sizeof(why));
	T_CHECK(!rc && !xs_diff(&intel, out, src.blob, sizeof(out),
				xs_xstate_bv(src.blob), NULL) &&
		!misplaced(&src, &intel, out, sizeof(out)), "identity: %s", why);
}

static void expect_refusal(const struct xs_layout *dst, uint64_t dst_xcr0,
			   size_t size, int err, const char *want)
{
	static uint8_t out[XS_KVM_SIZE];
	size_t k;
	int rc;

	memset(out, 0xcc, sizeof(out));
	rc = xs_file_convert(&src, dst, dst_xcr0, XS_MXCSR_MASK_DEFAULT, out,
			     size, why, sizeof(why));
	for (k = 0; k < sizeof(out) && out[k] == 0xcc; k++)
		;
	T_CHECK(rc == err && !strcmp(why, want) && k == sizeof(out),
		"convert: got %d \"%s\", expected %d \"%s\"%s", rc, why, err,
		want, k < sizeof(out) ? ", and out written" : "");
}

static void test_convert_refuses(void)
{
	struct xs_layout amd, intel, l;

	layout_zen3(&amd);
	layout_skx(&intel);
	sample_file(&src, skx, 0x2e7, 17);
	expect_refusal(&amd, 0x207, XS_KVM_SIZE, -EINVAL,
		       "component 5 (AVX-512 opmask) of the file's XCR0 0x2e7 is not in the destination XCR0 0x207");
	sample_file(&src, zen3, 0x207, 17);
	expect_refusal(&intel, 0x7, XS_KVM_SIZE, -EINVAL,
		       "component 9 (PKRU) of the file's XCR0 0x207 is not in the destination XCR0 0x7");
	l = intel;
	l.xfeatures &= ~XS_BIT(XS_PKRU);
	expect_refusal(&l, 0x2ff, XS_KVM_SIZE, -EINVAL,
		       "component 9 (PKRU) has no place in the destination layout");
	l = intel;
	l.comp[XS_PKRU].size = 16;
	expect_refusal(&l, 0x2ff, XS_KVM_SIZE, -EINVAL,
		       "component 9 (PKRU) is 8 bytes in the file and 16 in the destination layout");
	l = intel;
	l.comp[XS_PKRU].offset = 0x400;
	expect_refusal(&l, 0x2ff, XS_KVM_SIZE, -EINVAL,
		       "the destination layout: component 9 (PKRU) offset 0x400 + size 8 overlaps component 4 (MPX BNDCSR)");
	l.comp[XS_PKRU].offset = UINT32_MAX - 3;
	expect_refusal(&l, 0x2ff, XS_KVM_SIZE, -ERANGE,
		       "the destination layout: component 9 (PKRU) offset 0xfffffffc + size 8 lies outside 0x240..0x10000");
	expect_refusal(&intel, 0x2ff, 2048, -ENOSPC,
		       "the destination buffer of 2048 bytes is smaller than the 2696 bytes XCR0 0x207 needs there");
	src.blob[520] = 1;
	expect_refusal(&intel, 0x2ff, XS_KVM_SIZE, -EINVAL,
		       "XCOMP_BV 0x1: the blob is not in the standard format");
	/* DAZ (bit 6) is valid in the file, not on a CPU whose mask lacks it. */
	sample_file(&src, skx, 0x207, 18);
	xs_set_mxcsr(src.blob, 0x1fc0);
	expect_refusal(&intel, 0x2ff, XS_KVM_SIZE, -EINVAL,
		       "MXCSR 0x00001fc0 has bits outside the destination's MXCSR_MASK 0x0000ffbf");
}

/* The valid samples, for the fuzzer's corpus. */
static void save_samples(const char *dir)
{
	char path[512];
	uint8_t *file;
	size_t i, len;
	FILE *f;

	for (i = 0; i < NSAMPLES; i++) {
		sample_file(&src, &samples[i], samples[i].xcr0, i + 1);
		file = encode(&src, &len);
		snprintf(path, sizeof(path), "%s/%s.xsf", dir, samples[i].name);
		f = fopen(path, "wb");
		T_CHECK(f && fwrite(file, 1, len, f) == len, "cannot write %s",
			path);
		T_CHECK(!f || !fclose(f), "cannot close %s", path);
		free(file);
	}
}

int main(int argc, char **argv)
{
	size_t i;

	test_crc();
	test_round_trip();
	for (i = 0; i < NSAMPLES; i++)
		test_prefixes(&samples[i]);
	test_truncated();
	test_flips(zen3);
	test_flips(legacy);
	test_header();
	test_edits();
	test_write_refuses();
	test_convert();
	test_convert_refuses();
	if (argc > 1)
		save_samples(argv[1]);
	return t_done("test_xs_file");
}
