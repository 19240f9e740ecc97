// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XSAVE buffer model. Pure functions over a byte buffer and a layout,
 * so the project's own tests can check it against hand-made buffers.
 */
#include <errno.h>
#include <string.h>

#include "lib/array.h"
#include "xs/xs.h"

#define XS_FCW_INIT	0x037f	/* x87 control word after FNINIT */

static const char *const xs_names[] = {
	"x87", "SSE", "AVX (YMM_Hi128)", "MPX BNDREGS", "MPX BNDCSR",
	"AVX-512 opmask", "AVX-512 ZMM_Hi256", "AVX-512 Hi16_ZMM", "PT",
	"PKRU", "PASID", "CET_U", "CET_S", "HDC", "UINTR", "LBR", "HWP",
	"AMX TILECFG", "AMX TILEDATA", "APX",
};

const char *xs_name(int i)
{
	if (i >= 0 && i < (int)(ARRAY_SIZE(xs_names)))
		return xs_names[i];
	return "unknown";
}

/* x87 and SSE live in the 512-byte legacy area (SDM Vol. 1, 10.5.1). */
void xs_layout_init(struct xs_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->xfeatures = XS_BIT(XS_X87) | XS_BIT(XS_SSE);
	l->comp[XS_X87] = (struct xs_comp){ .offset = 0, .size = 160 };
	l->comp[XS_SSE] = (struct xs_comp){ .offset = 160, .size = 256 };
	l->size = XS_EXT_OFF;
}

/* Add component i from CPUID 0xD subleaf i: EAX size, EBX offset, ECX flags. */
int xs_layout_add(struct xs_layout *l, int i, uint32_t eax, uint32_t ebx,
		  uint32_t ecx)
{
	if (i < 2 || i >= XS_NCOMP || !eax)
		return -EINVAL;
	l->comp[i] = (struct xs_comp){
		.offset = ebx,
		.size = eax,
		.supervisor = ecx & 1,
		.align64 = ecx & 2,
	};
	l->xfeatures |= XS_BIT(i);
	/* Supervisor components have no place in the standard format. */
	if (!(ecx & 1) && ebx + eax > l->size)
		l->size = ebx + eax;
	return 0;
}

/* Standard-format size for the components of xfeatures that l describes. */
uint32_t xs_std_size(const struct xs_layout *l, uint64_t xfeatures)
{
	uint32_t size = XS_EXT_OFF;
	int i;

	for (i = 2; i < XS_NCOMP; i++) {
		const struct xs_comp *c = &l->comp[i];

		if ((xfeatures & l->xfeatures & XS_BIT(i)) && !c->supervisor &&
		    c->offset + c->size > size)
			size = c->offset + c->size;
	}
	return size;
}

/* Which component a byte of the standard format belongs to. */
int xs_owner(const struct xs_layout *l, size_t off)
{
	int i;

	if (off < 24 || (off >= 32 && off < 160))
		return XS_X87;
	/* MXCSR_MASK (bytes 28-31) describes the CPU; it is not state. */
	if (off < 28 || (off >= 160 && off < 416))
		return XS_SSE;
	if (off < XS_HDR_OFF)
		return XS_OWNER_NONE;
	if (off < XS_EXT_OFF)
		return XS_OWNER_HEADER;
	for (i = 2; i < XS_NCOMP; i++) {
		const struct xs_comp *c = &l->comp[i];

		if ((l->xfeatures & XS_BIT(i)) && !c->supervisor &&
		    off >= c->offset && off < c->offset + c->size)
			return i;
	}
	return XS_OWNER_NONE;
}

static uint64_t get64(const void *buf, size_t off)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)buf + off, sizeof(v));
	return v;
}

static void put64(void *buf, size_t off, uint64_t v)
{
	memcpy((uint8_t *)buf + off, &v, sizeof(v));
}

uint64_t xs_xstate_bv(const void *buf)
{
	return get64(buf, XS_HDR_OFF);
}

void xs_set_xstate_bv(void *buf, uint64_t bv)
{
	put64(buf, XS_HDR_OFF, bv);
}

uint64_t xs_xcomp_bv(const void *buf)
{
	return get64(buf, XS_HDR_OFF + 8);
}

void xs_set_xcomp_bv(void *buf, uint64_t v)
{
	put64(buf, XS_HDR_OFF + 8, v);
}

uint32_t xs_mxcsr(const void *buf)
{
	return (uint32_t)get64(buf, XS_MXCSR_OFF);
}

void xs_set_mxcsr(void *buf, uint32_t v)
{
	memcpy((uint8_t *)buf + XS_MXCSR_OFF, &v, sizeof(v));
}

bool xs_reserved_clear(const void *buf)
{
	const uint8_t *p = (const uint8_t *)buf + XS_RSVD_OFF;
	int i;

	for (i = 0; i < XS_RSVD_SIZE; i++)
		if (p[i])
			return false;
	return true;
}

/* The component's area in buf, or NULL if it is unknown or outside size. */
void *xs_comp(const struct xs_layout *l, void *buf, size_t size, int i)
{
	const struct xs_comp *c;

	if (i < 0 || i >= XS_NCOMP || !(l->xfeatures & XS_BIT(i)))
		return NULL;
	c = &l->comp[i];
	if (c->supervisor || (size_t)c->offset + c->size > size)
		return NULL;
	return (uint8_t *)buf + c->offset;
}

int xs_comp_get(const struct xs_layout *l, const void *buf, size_t size,
		int i, void *out, size_t n)
{
	const void *p = xs_comp(l, (void *)buf, size, i);

	if (!p || n > l->comp[i].size)
		return -EINVAL;
	memcpy(out, p, n);
	return 0;
}

int xs_comp_set(const struct xs_layout *l, void *buf, size_t size, int i,
		const void *in, size_t n)
{
	void *p = xs_comp(l, buf, size, i);

	if (!p || n > l->comp[i].size)
		return -EINVAL;
	memcpy(p, in, n);
	return 0;
}

uint32_t xs_pkru(const struct xs_layout *l, const void *buf, size_t size)
{
	uint32_t v = 0;

	xs_comp_get(l, buf, size, XS_PKRU, &v, sizeof(v));
	return v;
}

int xs_set_pkru(const struct xs_layout *l, void *buf, size_t size,
		uint32_t pkru)
{
	return xs_comp_set(l, buf, size, XS_PKRU, &pkru, sizeof(pkru));
}

/* PKRU's slot and XSTATE_BV[9] together, as a writer of the buffer means them. */
int xs_put_pkru(const struct xs_layout *l, void *buf, size_t size, bool bit9,
		uint32_t pkru)
{
	uint64_t bv = xs_xstate_bv(buf);

	xs_set_xstate_bv(buf, bit9 ? bv | XS_BIT(XS_PKRU) : bv & ~XS_BIT(XS_PKRU));
	return xs_set_pkru(l, buf, size, pkru);
}

/* splitmix64: small, seedable, and the same on every host. */
uint64_t xs_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * A PKRU test value: never the init value or the host default, which a
 * missing switch would produce, and key 0 stays accessible.
 */
uint32_t xs_pkru_pattern(uint64_t seed)
{
	uint32_t v;

	do {
		v = (uint32_t)xs_rand(&seed) & ~3u;
	} while (v == XS_PKRU_INIT || v == XS_PKRU_HOST_DEFAULT);
	return v;
}

static void fill_random(uint8_t *p, size_t n, uint64_t *st)
{
	while (n) {
		uint64_t r = xs_rand(st);
		size_t k = n < 8 ? n : 8;

		memcpy(p, &r, k);
		p += k;
		n -= k;
	}
}

/*
 * TILECFG must be a configuration LDTILECFG accepts, or XRSTOR faults
 * (SDM Vol. 1, 3.2.6): palette 1, its eight tiles at their largest shape,
 * 16 rows of 64 bytes, so every byte of TILEDATA is live.
 */
static void fill_tilecfg(uint8_t *p, size_t n)
{
	int t;

	memset(p, 0, n);
	p[0] = 1;
	for (t = 0; t < 8 && n >= 64; t++) {
		p[16 + 2 * t] = 64;
		p[48 + t] = 16;
	}
}

/* x87 init state (SDM Vol. 1, 13.6); MXCSR, in the same area, is not x87. */
static void x87_init(uint8_t *p)
{
	uint16_t fcw = XS_FCW_INIT;

	memset(p, 0, 24);
	memset(p + 32, 0, 128);
	memcpy(p, &fcw, sizeof(fcw));
}

/* x87: all exceptions masked and no exception pending, so the guest can run. */
static void fill_x87(uint8_t *p, uint64_t *st)
{
	uint16_t fcw = XS_FCW_INIT ^ (uint16_t)(xs_rand(st) & 0x0c00);
	int r;

	x87_init(p);
	memcpy(p, &fcw, sizeof(fcw));
	p[4] = 0xff;	/* abridged FTW: all eight registers valid */
	for (r = 0; r < 8; r++)
		fill_random(p + 32 + 16 * r, 10, st);
}

/*
 * Write a seeded, architecturally valid pattern into component i. Returns
 * -EOPNOTSUPP for components whose valid contents are not modelled here
 * (AMX tile configuration, supervisor state).
 */
int xs_fill(const struct xs_layout *l, void *buf, size_t size, int i,
	    uint64_t seed)
{
	uint8_t *p = xs_comp(l, buf, size, i);
	uint64_t st = seed ^ ((uint64_t)i << 56);
	uint32_t v;

	if (!p)
		return -EINVAL;
	switch (i) {
	case XS_X87:
		fill_x87(buf, &st);
		return 0;
	case XS_SSE:
		v = 0x1f80 | ((uint32_t)xs_rand(&st) & 0x6000);
		xs_set_mxcsr(buf, v);
		fill_random(p, l->comp[i].size, &st);
		return 0;
	case XS_PKRU:
		memset(p, 0, l->comp[i].size);
		v = xs_pkru_pattern(st);
		memcpy(p, &v, sizeof(v));
		return 0;
	case XS_BNDCSR:
		/* BNDCFGU: a canonical, page-aligned base with enable set. */
		memset(p, 0, l->comp[i].size);
		put64(p, 0, (xs_rand(&st) & 0x00007ffffffff000ULL) | 1);
		return 0;
	case XS_TILECFG:
		fill_tilecfg(p, l->comp[i].size);
		return 0;
	case XS_YMM:
	case XS_BNDREGS:
	case XS_OPMASK:
	case XS_ZMM_HI256:
	case XS_HI16_ZMM:
	case XS_TILEDATA:
		fill_random(p, l->comp[i].size, &st);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * A seeded, valid standard-format buffer of size bytes for a guest whose
 * XCR0 is xcr0. XSTATE_BV is a random subset of xcr0 (each component in
 * it with probability 1/2; only those xs_fill() models and that fit in
 * size can be chosen), and each chosen component holds its xs_fill()
 * pattern. Every other byte stays random: KVM_SET_XSAVE and XRSTOR must
 * both ignore a component whose bit is clear. The header is valid (XCOMP_BV
 * 0, reserved bytes 0), and so is MXCSR whatever XSTATE_BV says, because
 * XRSTOR loads it whenever RFBM has SSE or AVX (SDM Vol. 1, 13.8.1).
 */
static int gen(const struct xs_layout *l, void *buf, size_t size, uint64_t xcr0,
	       uint64_t seed, bool every)
{
	uint64_t st = seed, bv = 0;
	int i;

	if (size < XS_EXT_OFF)
		return -EINVAL;
	fill_random(buf, size, &st);
	for (i = 0; i < XS_NCOMP; i++)
		if ((xcr0 & XS_BIT(i)) && ((xs_rand(&st) & 1) || every) &&
		    !xs_fill(l, buf, size, i, xs_rand(&st)))
			bv |= XS_BIT(i);
	memset((uint8_t *)buf + XS_HDR_OFF, 0, XS_EXT_OFF - XS_HDR_OFF);
	xs_set_xstate_bv(buf, bv);
	xs_set_mxcsr(buf, (uint32_t)xs_rand(&st) & XS_MXCSR_MASK_DEFAULT);
	return 0;
}

int xs_gen(const struct xs_layout *l, void *buf, size_t size, uint64_t xcr0,
	   uint64_t seed)
{
	return gen(l, buf, size, xcr0, seed, false);
}

/* The same with every component of xcr0 that xs_fill() knows set: a guest
 * state with nothing in its init state, for migration. */
int xs_gen_full(const struct xs_layout *l, void *buf, size_t size,
		uint64_t xcr0, uint64_t seed)
{
	return gen(l, buf, size, xcr0, seed, true);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Whether component i holds its init value (SDM Vol. 1, 13.6). MXCSR is
 * not part of any component's init state. */
bool xs_comp_is_init(const struct xs_layout *l, const void *buf,
		     size_t size, int i)
{
	const uint8_t *p = xs_comp(l, (void *)buf, size, i);
	uint16_t fcw;

	if (!p)
		return false;
	if (i == XS_X87) {
		memcpy(&fcw, p, sizeof(fcw));
		return fcw == XS_FCW_INIT && all_zero(p + 2, 22) &&
		       all_zero(p + 32, 128);
	}
	return all_zero(p, l->comp[i].size);
}

/*
 * Write the init state of every component of mask whose XSTATE_BV bit is
 * clear, and set its bit. XSAVE leaves out a component in its init state
 * (XINUSE, SDM Vol. 1, 13.6), so two XSAVE images of the same state can
 * differ in bits and bytes; after this they compare equal. MXCSR stays:
 * XSAVE writes it whatever XINUSE says.
 */
void xs_expand_init(const struct xs_layout *l, void *buf, size_t size,
		    uint64_t mask)
{
	uint64_t bv = xs_xstate_bv(buf);
	uint8_t *p;
	int i;

	for (i = 0; i < XS_NCOMP; i++) {
		p = xs_comp(l, buf, size, i);
		if (!(mask & XS_BIT(i)) || (bv & XS_BIT(i)) || !p)
			continue;
		if (i == XS_X87)
			x87_init(p);
		else
			memset(p, 0, l->comp[i].size);
		bv |= XS_BIT(i);
	}
	xs_set_xstate_bv(buf, bv);
}

#define XS_DIFF_SHOWN 4
#define XS_NOWNER (XS_NCOMP + 2)	/* owners -2 .. 63, indexed owner + 2 */

struct xs_diff_acc {
	int n[XS_NOWNER];
	size_t offs[XS_NOWNER][XS_DIFF_SHOWN];
};

static void diff_report(FILE *out, const struct xs_layout *l, int owner,
			const uint8_t *a, const uint8_t *b,
			const struct xs_diff_acc *acc)
{
	int n = acc->n[owner + 2], k;
	size_t base = owner >= 2 ? l->comp[owner].offset : 0;

	if (owner >= 0)
		fprintf(out, "%s (component %d):", xs_name(owner), owner);
	else
		fprintf(out, "%s:", owner == XS_OWNER_HEADER ?
			"XSAVE header" : "unused area");
	fprintf(out, " %d byte(s) differ, at", n);
	for (k = 0; k < n && k < XS_DIFF_SHOWN; k++) {
		size_t off = acc->offs[owner + 2][k];

		fprintf(out, " 0x%zx+0x%zx (0x%02x vs 0x%02x)", base, off - base,
			a[off], b[off]);
	}
	fprintf(out, "%s\n", n > XS_DIFF_SHOWN ? " ..." : "");
}

/*
 * Compare a and b over the components in mask (all bytes, header and
 * unused areas too, when mask is ~0). Print one line per differing
 * component to out (if not NULL); return how many components differ.
 */
int xs_diff(const struct xs_layout *l, const void *a, const void *b,
	    size_t size, uint64_t mask, FILE *out)
{
	const uint8_t *pa = a, *pb = b;
	struct xs_diff_acc acc = { 0 };
	int owner, ndiff = 0;
	size_t off;

	for (off = 0; off < size; off++) {
		if (pa[off] == pb[off])
			continue;
		owner = xs_owner(l, off);
		if (owner < 0 ? mask != ~0ULL : !(mask & XS_BIT(owner)))
			continue;
		if (acc.n[owner + 2] < XS_DIFF_SHOWN)
			acc.offs[owner + 2][acc.n[owner + 2]] = off;
		acc.n[owner + 2]++;
	}
	for (owner = XS_OWNER_NONE; owner < XS_NCOMP; owner++) {
		if (!acc.n[owner + 2])
			continue;
		ndiff++;
		if (out)
			diff_report(out, l, owner, pa, pb, &acc);
	}
	return ndiff;
}
