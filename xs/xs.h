/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xs/: the XSAVE buffer model and the state-file format (xs_file.h), in
 * plain C with no kernel headers, so that their tests and fuzzers build
 * without a kernel tree. The buffer model: the standard (uncompacted) format that
 * KVM_GET_XSAVE/KVM_SET_XSAVE use, laid out as CPUID 0xD says (SDM Vol. 1,
 * 13.4). Offsets are never hard-coded: PKRU sits at 0xa80 on Intel and at
 * 0x980 on many AMD parts.
 */
#ifndef XS_H
#define XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define XS_NCOMP	64
#define XS_HDR_OFF	512	/* XSAVE header: XSTATE_BV, XCOMP_BV, reserved */
#define XS_RSVD_OFF	(XS_HDR_OFF + 16)
#define XS_RSVD_SIZE	48
#define XS_EXT_OFF	576	/* first extended component */
#define XS_KVM_SIZE	4096	/* struct kvm_xsave */
#define XS_MXCSR_OFF	24
/*
 * The MXCSR bits every SSE CPU accepts (SDM Vol. 1, 11.6.6: the mask an
 * MXCSR_MASK of 0 stands for; DAZ, bit 6, is left out).
 */
#define XS_MXCSR_MASK_DEFAULT	0x0000ffbfu
#define XS_MXCSR_MASK_MAX	0x0000ffffu	/* bits 16-31 reserved everywhere */
#define XS_BIT(i)	(1ULL << (i))
/* AMX's two components, which XCR0 holds both or neither of. */
#define XS_AMX		(XS_BIT(XS_TILECFG) | XS_BIT(XS_TILEDATA))

enum xs_component {
	XS_X87, XS_SSE, XS_YMM, XS_BNDREGS, XS_BNDCSR, XS_OPMASK,
	XS_ZMM_HI256, XS_HI16_ZMM, XS_PT, XS_PKRU, XS_PASID, XS_CET_U,
	XS_CET_S, XS_HDC, XS_UINTR, XS_LBR, XS_HWP, XS_TILECFG, XS_TILEDATA,
	XS_APX,
};

/* Values a missing PKRU switch would leave behind: never use them as data. */
#define XS_PKRU_INIT		0x00000000u
#define XS_PKRU_HOST_DEFAULT	0x55555554u

struct xs_comp {
	uint32_t offset;
	uint32_t size;
	bool align64;
	bool supervisor;
};

struct xs_layout {
	uint64_t xfeatures;	/* components described here */
	uint32_t size;		/* standard-format size covering all of them */
	struct xs_comp comp[XS_NCOMP];
};

/* Owners of buffer bytes that belong to no component (see xs_owner()). */
#define XS_OWNER_HEADER	(-1)
#define XS_OWNER_NONE	(-2)

void xs_layout_init(struct xs_layout *l);
int xs_layout_add(struct xs_layout *l, int i, uint32_t eax, uint32_t ebx,
		  uint32_t ecx);
const char *xs_name(int i);
uint32_t xs_std_size(const struct xs_layout *l, uint64_t xfeatures);
int xs_owner(const struct xs_layout *l, size_t off);

uint64_t xs_xstate_bv(const void *buf);
void xs_set_xstate_bv(void *buf, uint64_t bv);
uint64_t xs_xcomp_bv(const void *buf);
void xs_set_xcomp_bv(void *buf, uint64_t v);
uint32_t xs_mxcsr(const void *buf);
void xs_set_mxcsr(void *buf, uint32_t v);
bool xs_reserved_clear(const void *buf);

void *xs_comp(const struct xs_layout *l, void *buf, size_t size, int i);
int xs_comp_get(const struct xs_layout *l, const void *buf, size_t size,
		int i, void *out, size_t n);
int xs_comp_set(const struct xs_layout *l, void *buf, size_t size, int i,
		const void *in, size_t n);
uint32_t xs_pkru(const struct xs_layout *l, const void *buf, size_t size);
int xs_set_pkru(const struct xs_layout *l, void *buf, size_t size,
		uint32_t pkru);
int xs_put_pkru(const struct xs_layout *l, void *buf, size_t size, bool bit9,
		uint32_t pkru);

uint64_t xs_rand(uint64_t *state);
uint32_t xs_pkru_pattern(uint64_t seed);
int xs_fill(const struct xs_layout *l, void *buf, size_t size, int i,
	    uint64_t seed);
bool xs_comp_is_init(const struct xs_layout *l, const void *buf,
		     size_t size, int i);
int xs_gen(const struct xs_layout *l, void *buf, size_t size, uint64_t xcr0,
	   uint64_t seed);
int xs_gen_full(const struct xs_layout *l, void *buf, size_t size,
		uint64_t xcr0, uint64_t seed);
void xs_expand_init(const struct xs_layout *l, void *buf, size_t size,
		    uint64_t mask);
/* QEMU's field-by-field rebuild of a KVM_GET_XSAVE buffer (xs_fields.c). */
int xs_rebuild_fields(const struct xs_layout *l, const void *in, void *out,
		      size_t size, uint64_t comps);
int xs_diff(const struct xs_layout *l, const void *a, const void *b,
	    size_t size, uint64_t mask, FILE *out);

#endif
