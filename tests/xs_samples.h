/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the state-file tests and fuzzer: standard-format layouts of real CPUs
 * (CPUID 0xD sub-leaf: EAX size, EBX offset, ECX flags; PKRU sits at 0xa80
 * on Intel and at 0x980 on AMD), a way to edit a file and keep its
 * checksum right, so that the checks behind the checksum are reached, and
 * an oracle for conversions.
 */
#ifndef TESTS_XS_SAMPLES_H
#define TESTS_XS_SAMPLES_H

#include <string.h>

#include "xs/xs_file.h"

static inline void put_le(uint8_t *p, size_t n, uint64_t v)
{
	while (n--) {
		*p++ = (uint8_t)v;
		v >>= 8;
	}
}

/* Recompute the checksum in a file's last four bytes. */
static inline void reseal(uint8_t *buf, size_t len)
{
	put_le(buf + len - 4, 4, xs_file_crc32(buf, len - 4));
}

/* A CPUID 0xD sub-leaf: component, EAX size, EBX offset, ECX flags. */
struct cpuid_d {
	int i;
	uint32_t size, offset, flags;
};

/* AMD Zen 3: AVX, PKRU and the supervisor CET_U. */
static const struct cpuid_d zen3_d[] = {
	{ XS_YMM, 256, 0x240, 0 }, { XS_PKRU, 8, 0x980, 0 },
	{ XS_CET_U, 16, 0, 1 }, { 0 },
};

/* Intel Skylake-SP: MPX, AVX-512, the supervisor PT, PKRU. */
static const struct cpuid_d skx_d[] = {
	{ XS_YMM, 256, 0x240, 0 }, { XS_BNDREGS, 64, 0x3c0, 0 },
	{ XS_BNDCSR, 64, 0x400, 0 }, { XS_OPMASK, 64, 0x440, 0 },
	{ XS_ZMM_HI256, 512, 0x480, 0 }, { XS_HI16_ZMM, 1024, 0x680, 0 },
	{ XS_PT, 128, 0, 1 }, { XS_PKRU, 8, 0xa80, 0 }, { 0 },
};

/* What Sapphire Rapids adds to Skylake-SP: AMX, beyond 4096 bytes. */
static const struct cpuid_d amx_d[] = {
	{ XS_TILECFG, 64, 0xac0, 2 }, { XS_TILEDATA, 8192, 0xb00, 6 }, { 0 },
};

static inline void layout_add(struct xs_layout *l, const struct cpuid_d *d)
{
	for (; d->i; d++)
		xs_layout_add(l, d->i, d->size, d->offset, d->flags);
}

static inline void layout_zen3(struct xs_layout *l)
{
	xs_layout_init(l);
	layout_add(l, zen3_d);
}

static inline void layout_skx(struct xs_layout *l)
{
	xs_layout_init(l);
	layout_add(l, skx_d);
}

static inline void layout_spr(struct xs_layout *l)
{
	layout_skx(l);
	layout_add(l, amx_d);
}

/*
 * How many bytes of out, f's blob converted to dst, are not where they
 * belong: the header and the components of XSTATE_BV from f, each at its
 * place in dst, 0 everywhere else. Byte by byte, through xs_owner().
 */
static inline size_t misplaced(const struct xs_file *f,
			       const struct xs_layout *dst, const uint8_t *out,
			       size_t size)
{
	uint64_t bv = xs_xstate_bv(f->blob);
	size_t off, bad = memcmp(out, f->blob, XS_EXT_OFF) != 0;
	int i;

	for (off = XS_EXT_OFF; off < size; off++) {
		i = xs_owner(dst, off);
		if (i >= 0 && (bv & XS_BIT(i)))
			bad += out[off] != f->blob[f->layout.comp[i].offset +
						   off - dst->comp[i].offset];
		else
			bad += out[off] != 0;
	}
	return bad;
}

#endif
