// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checked state lives in the registers; the expected values are
 * recomputed from the seed at each check, in an XSAVE-format image laid
 * out as CPUID leaf 0xD says, so that a check is a byte comparison.
 * Nothing here but the asm touches x87, SSE or AVX registers (the payload
 * is built with -mgeneral-regs-only), and XSAVE changes none of them.
 */
#include "l2/io.h"
#include "l2/state.h"

#define CR0_MP		(1ULL << 1)
#define CR0_EM		(1ULL << 2)
#define CR0_TS		(1ULL << 3)
#define CR0_NE		(1ULL << 5)
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)
#define CR4_OSXSAVE	(1ULL << 18)
#define CR4_PKE		(1ULL << 22)

#define XS_X87		0
#define XS_SSE		1
#define XS_AVX		2
#define XS_PKRU		9
#define XS_BIT(c)	(1ULL << (c))

/* Legacy-region offsets (SDM vol. 1, 10.5.1) and the XSAVE header. */
#define FX_FCW		0
#define FX_FSW		2
#define FX_FTW		4
#define FX_MXCSR	24
#define FX_ST		32
#define FX_XMM		160
#define XS_HDR		512
#define AREA_MAX	4096

/* Pattern indices: one 64-bit value each. */
#define P_PKRU		0
#define P_MXCSR		1
#define P_ST		2	/* 8 mantissas, then 8 sign/exponents */
#define P_XMM		20	/* 32 */
#define P_YMMH		60	/* 32 */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

typedef struct { uint64_t q[2]; } u128;

static bool has_avx, has_pku;
static uint64_t xcr0;
static uint32_t area_size, avx_off, pkru_off;
static uint8_t got[AREA_MAX] __attribute__((aligned(64)));
static uint8_t want[AREA_MAX] __attribute__((aligned(64)));

/* splitmix64 of seed and index: any seed gives well-mixed values. */
static uint64_t pattern(uint64_t seed, unsigned int i)
{
	uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t xgetbv(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t read_cr(int n)
{
	uint64_t v;

	if (n == 0)
		asm volatile("mov %%cr0, %0" : "=r"(v));
	else
		asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void xsave(void *buf, uint64_t rfbm)
{
	asm volatile("xsave %0"
		     : "+m"(*(uint8_t (*)[AREA_MAX])buf)
		     : "a"((uint32_t)rfbm), "d"((uint32_t)(rfbm >> 32)));
}

static uint32_t rdpkru(void)
{
	uint32_t v;

	asm volatile("rdpkru" : "=a"(v) : "c"(0) : "rdx");
	return v;
}

static void wrpkru(uint32_t v)
{
	asm volatile("wrpkru" : : "a"(v), "c"(0), "d"(0));
}

/* a, then v in hex, then b. */
static void put_val(const char *a, uint64_t v, const char *b)
{
	put_str(a);
	put_hex(v);
	put_str(b);
}

/*
 * Nested under QEMU TCG's SVM, XSETBV does not exit (target/i386/tcg/
 * fpu_helper.c, helper_xsetbv, has no intercept check), so KVM never
 * learns our XCR0 and puts back its own, x87 only, at every exit: a VEX
 * instruction then raises #UD and XSAVE stores x87 alone. So XCR0 is set
 * again before each XSAVE, which is repeated until no exit came between,
 * and on such a #UD. Where XSETBV exits, as on hardware, none of this
 * happens; each time it does is counted in the check's first line.
 */
static unsigned int xcr0_resets;

static void xcr0_set(void)
{
	asm volatile("xsetbv" : : "c"(0), "a"((uint32_t)xcr0), "d"(0));
}

bool state_xcr0_fixed(void)
{
	/* Before state_init() has set CR4.OSXSAVE, XGETBV itself is a #UD. */
	if (!(read_cr(4) & CR4_OSXSAVE) || xgetbv() == xcr0)
		return false;
	xcr0_resets++;
	xcr0_set();
	return true;
}

/* XSAVE of every enabled component into got, with our XCR0 throughout. */
static void xsave_all(void)
{
	for (;;) {
		memset(got, 0, sizeof(got));
		state_xcr0_fixed();
		xsave(got, xcr0);
		if (xgetbv() == xcr0)
			return;
		xcr0_resets++;
	}
}

static void probe(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	has_avx = r[2] & (1U << 28);
	cpuid(7, 0, r);
	has_pku = r[2] & (1U << 3);
	cpuid(0xd, 0, r);
	xcr0 = XS_BIT(XS_X87) | XS_BIT(XS_SSE);
	has_avx = has_avx && (r[0] & XS_BIT(XS_AVX));
	has_pku = has_pku && (r[0] & XS_BIT(XS_PKRU));
	if (has_avx) {
		xcr0 |= XS_BIT(XS_AVX);
		cpuid(0xd, XS_AVX, r);
		avx_off = r[1];
	}
	if (has_pku) {
		xcr0 |= XS_BIT(XS_PKRU);
		cpuid(0xd, XS_PKRU, r);
		pkru_off = r[1];
	}
}

bool state_init(void)
{
	uint64_t cr0, cr4;
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!(r[2] & (1U << 26))) {
		put_str("l2: error: no XSAVE (CPUID.1:ECX[26] clear)\n");
		return false;
	}
	probe();
	cr0 = (read_cr(0) & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
	asm volatile("mov %0, %%cr0" : : "r"(cr0));
	cr4 = read_cr(4) | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE;
	if (has_pku)
		cr4 |= CR4_PKE;
	asm volatile("mov %0, %%cr4" : : "r"(cr4));
	xcr0_set();
	cpuid(0xd, 0, r);
	area_size = r[1];
	if (area_size > AREA_MAX) {
		put_val("l2: error: XSAVE area of ", area_size, " bytes\n");
		return false;
	}
	return true;
}

/* The seed's image: what XSAVE must store after state_fill(seed). */
static void expect(uint64_t seed)
{
	unsigned int i;

	memset(want, 0, sizeof(want));
	*(uint16_t *)(want + FX_FCW) = 0x037f;	/* FNINIT's */
	want[FX_FTW] = 0xff;	/* 8 loads: all valid, TOP = 0, FSW = 0 */
	/* Normal numbers: integer bit set, exponent near the bias. */
	for (i = 0; i < 8; i++) {
		uint64_t se = pattern(seed, P_ST + 8 + i);

		*(uint64_t *)(want + FX_ST + 16 * i) =
			pattern(seed, P_ST + i) | 1ULL << 63;
		*(uint16_t *)(want + FX_ST + 16 * i + 8) =
			(se & 0x8000) | (0x3fff - 32 + (se & 63));
	}
	/* All exceptions masked, no DAZ, no reserved bit: never a #GP. */
	*(uint32_t *)(want + FX_MXCSR) =
		(pattern(seed, P_MXCSR) & 0xffbf) | 0x1f80;
	for (i = 0; i < 32; i++)
		*(uint64_t *)(want + FX_XMM + 8 * i) = pattern(seed, P_XMM + i);
	for (i = 0; has_avx && i < 32; i++)
		*(uint64_t *)(want + avx_off + 8 * i) = pattern(seed, P_YMMH + i);
	if (has_pku)
		*(uint32_t *)(want + pkru_off) =
			(uint32_t)pattern(seed, P_PKRU) | 0x80000000;
}

#define LOAD_XMM(n) \
	asm volatile("movdqu %0, %%xmm" #n : : "m"(*(const u128 *)(want + FX_XMM + 16 * n)))
#define LOAD_YMMH(n) \
	asm volatile("vinsertf128 $1, %0, %%ymm" #n ", %%ymm" #n \
		     : : "m"(*(const u128 *)(want + avx_off + 16 * n)))

static void load_xmm(void)
{
	LOAD_XMM(0); LOAD_XMM(1); LOAD_XMM(2); LOAD_XMM(3);
	LOAD_XMM(4); LOAD_XMM(5); LOAD_XMM(6); LOAD_XMM(7);
	LOAD_XMM(8); LOAD_XMM(9); LOAD_XMM(10); LOAD_XMM(11);
	LOAD_XMM(12); LOAD_XMM(13); LOAD_XMM(14); LOAD_XMM(15);
}

/* After load_xmm(): legacy SSE writes leave the upper halves alone. */
static void load_ymmh(void)
{
	LOAD_YMMH(0); LOAD_YMMH(1); LOAD_YMMH(2); LOAD_YMMH(3);
	LOAD_YMMH(4); LOAD_YMMH(5); LOAD_YMMH(6); LOAD_YMMH(7);
	LOAD_YMMH(8); LOAD_YMMH(9); LOAD_YMMH(10); LOAD_YMMH(11);
	LOAD_YMMH(12); LOAD_YMMH(13); LOAD_YMMH(14); LOAD_YMMH(15);
}

void state_fill(uint64_t seed)
{
	int i;

	expect(seed);
	state_xcr0_fixed();
	asm volatile("fninit");
	/* The last one loaded is ST(0). */
	for (i = 7; i >= 0; i--)
		asm volatile("fldt %0" : : "m"(*(const char (*)[10])(want + FX_ST + 16 * i)));
	asm volatile("ldmxcsr %0" : : "m"(*(const uint32_t *)(want + FX_MXCSR)));
	load_xmm();
	if (has_avx)
		load_ymmh();
	if (has_pku)
		wrpkru(*(const uint32_t *)(want + pkru_off));
}

void state_ready(uint64_t seed)
{
	xsave_all();
	put_val("l2: ready seed=", seed, "");
	put_val(" xcr0=", xcr0, "");
	put_val(" xstate_bv=", *(uint64_t *)(got + XS_HDR), "");
	put_val(" pkru=", has_pku ? rdpkru() : 0, "");
	put_val(" xcr0_resets=", xcr0_resets, "\n");
}

struct range {
	uint32_t off, len;
};

/*
 * got against want over ranges; prints the component's line. x87 leaves
 * out FOP, FIP and FDP: the last instruction's address, not register state.
 */
static bool compare(unsigned int n, const char *name, const struct range *r,
		    unsigned int nr)
{
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		for (j = r[i].off; j < r[i].off + r[i].len; j++) {
			if (got[j] == want[j])
				continue;
			put_check(n);
			put_str("component ");
			put_str(name);
			put_val(" differs at ", j, "");
			put_val(" got ", got[j], "");
			put_val(" want ", want[j], "\n");
			return false;
		}
	}
	put_check(n);
	put_str("component ");
	put_str(name);
	put_str(" ok\n");
	return true;
}

static bool check_pkru(unsigned int n)
{
	uint32_t now = rdpkru(), w = *(const uint32_t *)(want + pkru_off);
	const struct range r = { pkru_off, 4 };
	bool ok;

	put_check(n);
	put_val("pkru=", now, "");
	put_val(" want=", w, now == w ? " ok\n" : " differs\n");
	ok = compare(n, "pkru", &r, 1);
	return ok && now == w;
}

static void add_fail(char *list, const char *name)
{
	while (*list)
		list++;
	if (list[-1] != '=')
		*list++ = ',';
	while (*name)
		*list++ = *name++;
	*list = 0;
}

bool state_check(unsigned int n, uint64_t seed)
{
	const struct range x87[] = {
		{ FX_FCW, 2 }, { FX_FSW, 2 }, { FX_FTW, 1 },
		{ FX_ST, 10 }, { FX_ST + 16, 10 }, { FX_ST + 32, 10 },
		{ FX_ST + 48, 10 }, { FX_ST + 64, 10 }, { FX_ST + 80, 10 },
		{ FX_ST + 96, 10 }, { FX_ST + 112, 10 },
	};
	const struct range sse[] = { { FX_MXCSR, 4 }, { FX_XMM, 256 } };
	const struct range avx = { avx_off, 256 };
	char fail[32] = "fail=";

	xsave_all();
	expect(seed);
	put_check(n);
	put_val("xstate_bv=", *(uint64_t *)(got + XS_HDR), "");
	put_val(" xcr0_resets=", xcr0_resets, "\n");
	if (!compare(n, "x87", x87, ARRAY_SIZE(x87)))
		add_fail(fail, "x87");
	if (!compare(n, "sse", sse, ARRAY_SIZE(sse)))
		add_fail(fail, "sse");
	if (has_avx && !compare(n, "avx", &avx, 1))
		add_fail(fail, "avx");
	if (has_pku && !check_pkru(n))
		add_fail(fail, "pkru");
	put_check(n);
	put_str("done ");
	put_str(fail[5] ? fail : "ok");
	put_str("\n");
	return !fail[5];
}

void state_put_regs(void)
{
	uint64_t cr4 = read_cr(4);

	put_val(" cr0=", read_cr(0), "");
	put_val(" cr4=", cr4, "");
	if (cr4 & CR4_OSXSAVE)
		put_val(" xcr0=", xgetbv(), "");
}

void state_clobber(void)
{
	if (has_pku)
		wrpkru(rdpkru() ^ 0xff);
	asm volatile("pcmpeqb %xmm3, %xmm3");
}
