// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state file (format in xs/xs_file.h): a writer, a parser that takes
 * only what the writer can produce, and the conversion of the XSAVE blob
 * to another host's layout. libc and xs/xs.c only, so it can be fuzzed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xs/xs_file.h"

#define HEAD_SIZE	56	/* magic to XSAVE2 size */
#define ENTRY_SIZE	16	/* a layout or XCR entry */
#define NENTRIES_MAX	(XS_NCOMP - 2)
#define FLAG_SUPERVISOR	1u	/* CPUID 0xD.i ECX[0] */
#define FLAG_ALIGN64	2u	/* CPUID 0xD.i ECX[1] */
#define LEGACY_BITS	(XS_BIT(XS_X87) | XS_BIT(XS_SSE))

static int vwhy(char *why, size_t whylen, int err, const char *fmt,
		va_list ap)
{
	if (whylen)
		vsnprintf(why, whylen, fmt, ap);
	return err;
}

__attribute__((format(printf, 4, 5)))
static int why_set(char *why, size_t whylen, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwhy(why, whylen, err, fmt, ap);
	va_end(ap);
	return err;
}

/* zlib's CRC-32, a nibble at a time: a 16-entry table is enough here. */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
	0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
	0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t xs_file_crc32(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = 0xffffffff;

	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
	}
	return ~crc;
}

static uint64_t le_get(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static int n_entries(const struct xs_layout *l)
{
	return __builtin_popcountll(l->xfeatures & ~LEGACY_BITS);
}

/* Printable ASCII and terminated inside its array, as the format needs. */
static int check_str(const char *s, size_t size, const char *what,
		     char *why, size_t whylen)
{
	size_t n = strnlen(s, size), k;

	if (n == size)
		return why_set(why, whylen, -ERANGE,
			       "the %s is longer than %zu bytes", what, size - 1);
	for (k = 0; k < n; k++)
		if (s[k] < 0x20 || s[k] > 0x7e)
			return why_set(why, whylen, -EINVAL,
				       "the %s has byte 0x%02x at %zu, not printable ASCII",
				       what, (uint8_t)s[k], k);
	return 0;
}

/* The user component that shares bytes with component i, or -1. */
static int overlap(const struct xs_layout *l, int i)
{
	const struct xs_comp *a = &l->comp[i], *b;
	int j;

	for (j = 2; j < i; j++) {
		b = &l->comp[j];
		if ((l->xfeatures & XS_BIT(j)) && !b->supervisor &&
		    a->offset < b->offset + b->size &&
		    b->offset < a->offset + a->size)
			return j;
	}
	return -1;
}

/*
 * A layout the standard format can hold: x87 and SSE (their places are
 * fixed), every other user component after the header, below
 * XS_FILE_BLOB_MAX (so no sum of offsets overflows) and apart from the rest.
 */
static int check_layout(const struct xs_layout *l, const char *what,
			char *why, size_t whylen)
{
	const struct xs_comp *c;
	int i, j;

	if ((l->xfeatures & LEGACY_BITS) != LEGACY_BITS)
		return why_set(why, whylen, -EINVAL, "%s lacks x87 or SSE", what);
	for (i = 2; i < XS_NCOMP; i++) {
		c = &l->comp[i];
		if (!(l->xfeatures & XS_BIT(i)))
			continue;
		if (!c->size)
			return why_set(why, whylen, -EINVAL,
				       "%s: component %d (%s) has size 0",
				       what, i, xs_name(i));
		if (c->supervisor)
			continue;
		if (c->offset < XS_EXT_OFF ||
		    (uint64_t)c->offset + c->size > XS_FILE_BLOB_MAX)
			return why_set(why, whylen, -ERANGE,
				       "%s: component %d (%s) offset 0x%x + size %u lies outside 0x%x..0x%x",
				       what, i, xs_name(i), c->offset, c->size,
				       XS_EXT_OFF, XS_FILE_BLOB_MAX);
		j = overlap(l, i);
		if (j >= 0)
			return why_set(why, whylen, -EINVAL,
				       "%s: component %d (%s) offset 0x%x + size %u overlaps component %d (%s)",
				       what, i, xs_name(i), c->offset, c->size,
				       j, xs_name(j));
	}
	return 0;
}

static int check_sizes(const struct xs_file *f, char *why, size_t whylen)
{
	if (f->blob_size < XS_EXT_OFF || f->blob_size > XS_FILE_BLOB_MAX)
		return why_set(why, whylen, -ERANGE,
			       "blob size %u outside %u..%u", f->blob_size,
			       XS_EXT_OFF, XS_FILE_BLOB_MAX);
	if (f->xsave2_size > XS_FILE_BLOB_MAX)
		return why_set(why, whylen, -ERANGE, "XSAVE2 size %u exceeds %u",
			       f->xsave2_size, XS_FILE_BLOB_MAX);
	if (f->nxcrs > XS_FILE_NXCRS)
		return why_set(why, whylen, -ERANGE, "XCR count %u exceeds %u",
			       f->nxcrs, XS_FILE_NXCRS);
	return 0;
}

/*
 * XCR0's architectural rules, as XSETBV and KVM's __kvm_set_xcr() (arch/
 * x86/kvm/x86.c) apply them (SDM Vol. 1, 13.3): a file breaking one could
 * never be restored. NULL, or the rule broken.
 */
static const char *xcr0_rule(uint64_t xcr0)
{
	const uint64_t mpx = XS_BIT(XS_BNDREGS) | XS_BIT(XS_BNDCSR);
	const uint64_t avx512 = XS_BIT(XS_OPMASK) | XS_BIT(XS_ZMM_HI256) |
				XS_BIT(XS_HI16_ZMM);

	if (!(xcr0 & XS_BIT(XS_X87)))
		return "lacks x87, which XCR0 always has";
	if ((xcr0 & XS_BIT(XS_YMM)) && !(xcr0 & XS_BIT(XS_SSE)))
		return "has AVX without SSE";
	if ((xcr0 & mpx) && (xcr0 & mpx) != mpx)
		return "has one of MPX's two components (3, 4) without the other";
	if ((xcr0 & avx512) && (xcr0 & avx512) != avx512)
		return "has some of AVX-512's three components (5, 6, 7), not all";
	if ((xcr0 & avx512) && !(xcr0 & XS_BIT(XS_YMM)))
		return "has AVX-512 without AVX";
	if ((xcr0 & XS_AMX) && (xcr0 & XS_AMX) != XS_AMX)
		return "has one of AMX's two components (17, 18) without the other";
	return NULL;
}

/* Every component the vCPU's XCR0 enables has its place inside the blob. */
static int check_xcr0(const struct xs_file *f, char *why, size_t whylen)
{
	const char *rule = xcr0_rule(f->xcr0);
	const struct xs_comp *c;
	int i;

	if (rule)
		return why_set(why, whylen, -EINVAL, "XCR0 0x%" PRIx64 " %s",
			       f->xcr0, rule);
	if (f->xcr0 & ~f->kvm_xcr0)
		return why_set(why, whylen, -EINVAL,
			       "XCR0 0x%" PRIx64 " has bits outside the supported XCR0 0x%" PRIx64,
			       f->xcr0, f->kvm_xcr0);
	for (i = 2; i < XS_NCOMP; i++) {
		c = &f->layout.comp[i];
		if (!(f->xcr0 & XS_BIT(i)))
			continue;
		if (!(f->layout.xfeatures & XS_BIT(i)) || c->supervisor)
			return why_set(why, whylen, -EINVAL,
				       "component %d (%s) of XCR0 0x%" PRIx64 " has no place in the file's layout",
				       i, xs_name(i), f->xcr0);
		if (c->offset + c->size > f->blob_size)
			return why_set(why, whylen, -EINVAL,
				       "component %d (%s) offset 0x%x + size %u beyond the blob of %u bytes",
				       i, xs_name(i), c->offset, c->size,
				       f->blob_size);
	}
	return 0;
}

/* The standard format's header, as KVM_GET_XSAVE writes it. */
static int check_header(const struct xs_file *f, char *why, size_t whylen)
{
	uint64_t bv = xs_xstate_bv(f->blob);

	if (xs_xcomp_bv(f->blob))
		return why_set(why, whylen, -EINVAL,
			       "XCOMP_BV 0x%" PRIx64 ": the blob is not in the standard format",
			       xs_xcomp_bv(f->blob));
	if (!xs_reserved_clear(f->blob))
		return why_set(why, whylen, -EINVAL,
			       "the XSAVE header's reserved bytes are not 0");
	if (bv & ~f->xcr0)
		return why_set(why, whylen, -EINVAL,
			       "XSTATE_BV 0x%" PRIx64 " has bits outside the file's XCR0 0x%" PRIx64,
			       bv, f->xcr0);
	if (xs_mxcsr(f->blob) & ~XS_MXCSR_MASK_MAX)
		return why_set(why, whylen, -EINVAL,
			       "MXCSR 0x%08x has bits 16-31 set, reserved on every CPU",
			       xs_mxcsr(f->blob));
	return 0;
}

static int check_xcrs(const struct xs_file *f, char *why, size_t whylen)
{
	const struct xs_file_xcr *x;
	uint32_t k;

	for (k = 0; k < f->nxcrs; k++) {
		x = &f->xcrs[k];
		if (k && x->index <= x[-1].index)
			return why_set(why, whylen, -EINVAL,
				       "XCR entry %u: XCR%u after XCR%u (ascending, no repeats)",
				       k, x->index, x[-1].index);
		if (!x->index && x->value != f->xcr0)
			return why_set(why, whylen, -EINVAL,
				       "XCR entry %u: XCR0 0x%" PRIx64 " differs from the file's XCR0 0x%" PRIx64,
				       k, x->value, f->xcr0);
	}
	return 0;
}

/* What the writer requires and the parser checks once the bytes are read. */
static int check(const struct xs_file *f, char *why, size_t whylen)
{
	return check_str(f->release, sizeof(f->release), "kernel release",
			 why, whylen) ?:
	       check_str(f->vendor, sizeof(f->vendor), "CPU vendor", why,
			 whylen) ?:
	       check_layout(&f->layout, "the file's layout", why, whylen) ?:
	       check_sizes(f, why, whylen) ?:
	       check_xcr0(f, why, whylen) ?:
	       check_header(f, why, whylen) ?:
	       check_xcrs(f, why, whylen);
}

struct wr {
	uint8_t *p;
	size_t off;
};

static void put(struct wr *w, size_t n, uint64_t v)
{
	size_t k;

	for (k = 0; k < n; k++, v >>= 8)
		w->p[w->off + k] = (uint8_t)v;
	w->off += n;
}

static void put_bytes(struct wr *w, const void *src, size_t n)
{
	memcpy(w->p + w->off, src, n);
	w->off += n;
}

static void put_str(struct wr *w, const char *s)
{
	size_t n = strlen(s);

	put(w, 4, n);
	put_bytes(w, s, n);
}

static void put_layout(struct wr *w, const struct xs_layout *l)
{
	const struct xs_comp *c;
	int i;

	put(w, 4, n_entries(l));
	for (i = 2; i < XS_NCOMP; i++) {
		c = &l->comp[i];
		if (!(l->xfeatures & XS_BIT(i)))
			continue;
		put(w, 4, i);
		put(w, 4, c->size);
		put(w, 4, c->offset);
		put(w, 4, (c->supervisor ? FLAG_SUPERVISOR : 0) |
			  (c->align64 ? FLAG_ALIGN64 : 0));
	}
}

static size_t file_size(const struct xs_file *f)
{
	return HEAD_SIZE + 4 + strlen(f->release) + 4 + strlen(f->vendor) +
	       4 + (size_t)ENTRY_SIZE * n_entries(&f->layout) +
	       4 + (size_t)ENTRY_SIZE * f->nxcrs + 4 + f->blob_size + 4;
}

/*
 * Serialise f into a malloc'd buffer (*data, *len; the caller frees it).
 * Returns 0, -EINVAL or -ERANGE with the reason in why when f holds what
 * the format cannot carry, -ENOMEM.
 */
int xs_file_write(const struct xs_file *f, void **data, size_t *len,
		  char *why, size_t whylen)
{
	struct wr w = { 0 };
	uint32_t k;
	int err;

	*data = NULL;
	*len = 0;
	err = check(f, why, whylen);
	if (err)
		return err;
	w.p = malloc(file_size(f));
	if (!w.p)
		return why_set(why, whylen, -ENOMEM, "out of memory");
	put_bytes(&w, XS_FILE_MAGIC, XS_FILE_MAGIC_SIZE);
	put(&w, 4, XS_FILE_VERSION);
	put(&w, 4, 0);
	put(&w, 8, f->seed);
	put(&w, 8, f->kvm_xcr0);
	put(&w, 8, f->xcr0);
	put(&w, 4, f->family);
	put(&w, 4, f->model);
	put(&w, 4, f->stepping);
	put(&w, 4, f->xsave2_size);
	put_str(&w, f->release);
	put_str(&w, f->vendor);
	put_layout(&w, &f->layout);
	put(&w, 4, f->nxcrs);
	for (k = 0; k < f->nxcrs; k++) {
		put(&w, 4, f->xcrs[k].index);
		put(&w, 4, 0);
		put(&w, 8, f->xcrs[k].value);
	}
	put(&w, 4, f->blob_size);
	put_bytes(&w, f->blob, f->blob_size);
	put(&w, 4, xs_file_crc32(w.p, w.off));
	*data = w.p;
	*len = w.off;
	return 0;
}

/* A reader over the file's bytes; the first error stops it and is kept. */
struct rd {
	const uint8_t *p;
	size_t len, off;
	int err;
	char *why;
	size_t whylen;
};

__attribute__((format(printf, 3, 4)))
static void rd_fail(struct rd *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (r->err)
		return;
	va_start(ap, fmt);
	r->err = vwhy(r->why, r->whylen, err, fmt, ap);
	va_end(ap);
}

/* The next n bytes, or NULL (with the reason) when the file ends first. */
static const uint8_t *take(struct rd *r, size_t n, const char *what)
{
	size_t left = r->len - r->off;

	if (r->err)
		return NULL;
	if (left < n) {
		rd_fail(r, -EINVAL, "truncated in the %s at byte %zu (needs %zu more)",
			what, r->off, n - left);
		return NULL;
	}
	r->off += n;
	return r->p + r->off - n;
}

static uint64_t get(struct rd *r, size_t n, const char *what)
{
	const uint8_t *p = take(r, n, what);

	return p ? le_get(p, n) : 0;
}

/* A count or length, refused above max before anything is read with it. */
static uint32_t get_count(struct rd *r, const char *what, uint32_t max)
{
	uint32_t n = get(r, 4, what);

	if (n > max)
		rd_fail(r, -ERANGE, "%s %u exceeds %u", what, n, max);
	return r->err ? 0 : n;
}

static void get_head(struct rd *r, struct xs_file *f)
{
	size_t n = r->len < XS_FILE_MAGIC_SIZE ? r->len : XS_FILE_MAGIC_SIZE;

	if (!r->len) {
		rd_fail(r, -EINVAL, "empty file");
		return;
	}
	if (memcmp(r->p, XS_FILE_MAGIC, n)) {
		rd_fail(r, -EINVAL, "bad magic: not an xsave-abi state file");
		return;
	}
	take(r, XS_FILE_MAGIC_SIZE, "magic");
	f->version = get(r, 4, "version");
	if (f->version != XS_FILE_VERSION)
		rd_fail(r, -EINVAL, "version %u unknown (this build reads %u)",
			f->version, XS_FILE_VERSION);
	if (get(r, 4, "reserved field"))
		rd_fail(r, -EINVAL, "the reserved field at byte 12 is not 0");
	f->seed = get(r, 8, "seed");
	f->kvm_xcr0 = get(r, 8, "supported XCR0");
	f->xcr0 = get(r, 8, "XCR0");
	f->family = get(r, 4, "family");
	f->model = get(r, 4, "model");
	f->stepping = get(r, 4, "stepping");
	f->xsave2_size = get(r, 4, "XSAVE2 size");
}

/* A string's bytes; check_str() sees them once a NUL cannot hide any. */
static void get_str(struct rd *r, char *dst, uint32_t max,
		    const char *len_what, const char *what)
{
	uint32_t n = get_count(r, len_what, max);
	const uint8_t *p = take(r, n, what);

	if (p && memchr(p, 0, n))
		rd_fail(r, -EINVAL, "the %s holds a NUL byte", what);
	else if (p)
		memcpy(dst, p, n);
}

/* Whether layout entry k (component i, after prev) is refused, and why. */
static bool entry_bad(struct rd *r, uint32_t k, uint32_t i, uint32_t prev,
		      uint32_t size, uint32_t flags)
{
	if (i < 2 || i >= XS_NCOMP)
		rd_fail(r, -EINVAL, "layout entry %u: component %u is not 2..63",
			k, i);
	else if (i <= prev)
		rd_fail(r, -EINVAL,
			"layout entry %u: component %u after component %u (ascending, no repeats)",
			k, i, prev);
	else if (flags & ~(FLAG_SUPERVISOR | FLAG_ALIGN64))
		rd_fail(r, -EINVAL, "layout entry %u: flags 0x%x has reserved bits",
			k, flags);
	else if (!size)
		rd_fail(r, -EINVAL, "layout entry %u: component %u has size 0",
			k, i);
	return r->err;
}

static void get_layout(struct rd *r, struct xs_layout *l)
{
	uint32_t n = get_count(r, "layout count", NENTRIES_MAX);
	uint32_t k, i, size, offset, flags, prev = 0;
	const uint8_t *p;

	xs_layout_init(l);
	for (k = 0; k < n && (p = take(r, ENTRY_SIZE, "layout table")); k++) {
		i = le_get(p, 4);
		size = le_get(p + 4, 4);
		offset = le_get(p + 8, 4);
		flags = le_get(p + 12, 4);
		if (entry_bad(r, k, i, prev, size, flags))
			return;
		xs_layout_add(l, (int)i, size, offset, flags);
		prev = i;
	}
}

static void get_xcrs(struct rd *r, struct xs_file *f)
{
	uint32_t n = get_count(r, "XCR count", XS_FILE_NXCRS), k;
	const uint8_t *p;

	for (k = 0; k < n && (p = take(r, ENTRY_SIZE, "XCR table")); k++) {
		if (le_get(p + 4, 4)) {
			rd_fail(r, -EINVAL,
				"XCR entry %u: the reserved field is not 0", k);
			return;
		}
		f->xcrs[k].index = le_get(p, 4);
		f->xcrs[k].value = le_get(p + 8, 8);
	}
	f->nxcrs = n;
}

static void get_blob(struct rd *r, struct xs_file *f)
{
	uint32_t n = get_count(r, "blob size", XS_FILE_BLOB_MAX);
	const uint8_t *p;

	if (n < XS_EXT_OFF)
		rd_fail(r, -ERANGE, "blob size %u is below the %u bytes of legacy area and header",
			n, XS_EXT_OFF);
	p = take(r, n, "blob");
	if (p)
		memcpy(f->blob, p, n);
	f->blob_size = n;
}

static void get_crc(struct rd *r)
{
	uint32_t want = r->err ? 0 : xs_file_crc32(r->p, r->off), got;
	size_t at = r->off;

	got = get(r, 4, "checksum");
	if (r->off < r->len)
		rd_fail(r, -EINVAL, "%zu byte(s) after the checksum at byte %zu",
			r->len - r->off, at);
	if (got != want)
		rd_fail(r, -EINVAL, "checksum 0x%08x does not match the contents' CRC-32 0x%08x",
			got, want);
}

/*
 * Parse a state file into out. Returns 0, or -EINVAL or -ERANGE with the
 * exact reason in why (if whylen) and out cleared. Magic and version come
 * first, so a newer file says so; the checksum comes before the checks of
 * what the fields mean, so a damaged file says that.
 */
int xs_file_parse(const void *data, size_t len, struct xs_file *out,
		  char *why, size_t whylen)
{
	struct rd r = { .p = data, .len = len, .why = why, .whylen = whylen };

	memset(out, 0, sizeof(*out));
	get_head(&r, out);
	get_str(&r, out->release, XS_FILE_RELEASE_MAX, "kernel release length",
		"kernel release");
	get_str(&r, out->vendor, XS_FILE_VENDOR_MAX, "CPU vendor length",
		"CPU vendor");
	get_layout(&r, &out->layout);
	get_xcrs(&r, out);
	get_blob(&r, out);
	get_crc(&r);
	if (!r.err)
		r.err = check(out, why, whylen);
	if (r.err)
		memset(out, 0, sizeof(*out));
	return r.err;
}

/*
 * Every component of the file's XCR0, not only those in XSTATE_BV: the
 * guest may use any of them once restored.
 */
static int check_dest(const struct xs_file *f, const struct xs_layout *dst,
		      uint64_t dst_xcr0, uint32_t dst_mxcsr_mask,
		      size_t out_size, char *why, size_t whylen)
{
	uint64_t missing = f->xcr0 & ~dst_xcr0;
	const struct xs_comp *c;
	uint32_t need;
	int i;

	/* KVM_SET_XSAVE refuses (EINVAL) an MXCSR outside the host's mask. */
	if (xs_mxcsr(f->blob) & ~dst_mxcsr_mask)
		return why_set(why, whylen, -EINVAL,
			       "MXCSR 0x%08x has bits outside the destination's MXCSR_MASK 0x%08x",
			       xs_mxcsr(f->blob), dst_mxcsr_mask);
	if (missing)
		return why_set(why, whylen, -EINVAL,
			       "component %d (%s) of the file's XCR0 0x%" PRIx64 " is not in the destination XCR0 0x%" PRIx64,
			       __builtin_ctzll(missing),
			       xs_name(__builtin_ctzll(missing)), f->xcr0,
			       dst_xcr0);
	for (i = 2; i < XS_NCOMP; i++) {
		c = &dst->comp[i];
		if (!(f->xcr0 & XS_BIT(i)))
			continue;
		if (!(dst->xfeatures & XS_BIT(i)) || c->supervisor)
			return why_set(why, whylen, -EINVAL,
				       "component %d (%s) has no place in the destination layout",
				       i, xs_name(i));
		if (c->size != f->layout.comp[i].size)
			return why_set(why, whylen, -EINVAL,
				       "component %d (%s) is %u bytes in the file and %u in the destination layout",
				       i, xs_name(i), f->layout.comp[i].size,
				       c->size);
	}
	need = xs_std_size(dst, f->xcr0);
	if (out_size < need)
		return why_set(why, whylen, -ENOSPC,
			       "the destination buffer of %zu bytes is smaller than the %u bytes XCR0 0x%" PRIx64 " needs there",
			       out_size, need, f->xcr0);
	return 0;
}

/*
 * Write f's blob into out in the layout dst: the legacy area and header as
 * they are, each component whose XSTATE_BV bit is set from its offset in
 * the file to its offset in dst, every other byte 0 (the init state of an
 * extended component). Returns 0; -EINVAL (f invalid, dst or dst_xcr0
 * lacks a component of f's XCR0 or has it in another size, or MXCSR has a
 * bit outside dst_mxcsr_mask, the destination's MXCSR_MASK) or -ENOSPC
 * (out_size too small), with the reason in why and out untouched.
 */
int xs_file_convert(const struct xs_file *f, const struct xs_layout *dst,
		    uint64_t dst_xcr0, uint32_t dst_mxcsr_mask, void *out,
		    size_t out_size, char *why, size_t whylen)
{
	uint8_t *o = out;
	uint64_t bv;
	int i, err;

	err = check(f, why, whylen) ?:
	      check_layout(dst, "the destination layout", why, whylen) ?:
	      check_dest(f, dst, dst_xcr0, dst_mxcsr_mask, out_size, why,
			 whylen);
	if (err)
		return err;
	bv = xs_xstate_bv(f->blob);
	memset(o, 0, out_size);
	memcpy(o, f->blob, XS_EXT_OFF);
	for (i = 2; i < XS_NCOMP; i++)
		if (bv & XS_BIT(i))
			memcpy(o + dst->comp[i].offset,
			       f->blob + f->layout.comp[i].offset,
			       dst->comp[i].size);
	return 0;
}
