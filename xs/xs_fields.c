// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XSAVE buffer a VMM that keeps guest state as its own fields writes
 * back: QEMU's x86_cpu_xrstor_all_areas() parses KVM_GET_XSAVE(2) into
 * CPUX86State, x86_cpu_xsave_all_areas() rebuilds the buffer from it
 * (qemu/qemu target/i386/xsave_helper.c).
 */
#include <string.h>

#include "xs/xs.h"

/* The legacy area's fields QEMU keeps: FCW, FSW, abridged FTW, FOP, FIP,
 * FDP, MXCSR, ST0-7 and XMM0-15; byte 5, MXCSR_MASK and 416-511 it does not. */
static const struct { uint16_t off, len; } legacy_fields[] = {
	{ 0, 5 }, { 6, 18 }, { XS_MXCSR_OFF, 4 }, { 32, 384 },
};

/*
 * out (size bytes) from in: zeros, the legacy fields, XSTATE_BV as saved
 * (XCOMP_BV and the header's reserved bytes zero) and each component of
 * comps that the layout places, whatever its XSTATE_BV bit says: the PKRU
 * slot is written even when bit 9 is clear.
 */
int xs_rebuild_fields(const struct xs_layout *l, const void *in, void *out,
		      size_t size, uint64_t comps)
{
	const uint8_t *src = in;
	uint8_t *dst = out;
	unsigned int i;

	if (size < XS_EXT_OFF)
		return -1;
	memset(dst, 0, size);
	for (i = 0; i < sizeof(legacy_fields) / sizeof(legacy_fields[0]); i++)
		memcpy(dst + legacy_fields[i].off, src + legacy_fields[i].off,
		       legacy_fields[i].len);
	xs_set_xstate_bv(dst, xs_xstate_bv(src));
	for (i = XS_YMM; i < XS_NCOMP; i++) {
		const struct xs_comp *c = &l->comp[i];

		if (!(comps & XS_BIT(i)) || !(l->xfeatures & XS_BIT(i)))
			continue;
		if (c->offset + c->size > size)
			return -1;
		memcpy(dst + c->offset, src + c->offset, c->size);
	}
	return 0;
}
