/* SPDX-License-Identifier: GPL-2.0-only */
/* One vCPU's XSAVE state into and out of a state file (vmm/state.c). */
#ifndef VMM_STATE_H
#define VMM_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "xs/xs.h"
#include "xs/xs_file.h"

struct vmm_state_view {
	bool by_guest;				/* guest[] was filled */
	uint8_t host[XS_KVM_SIZE] __attribute__((aligned(64)));	/* KVM_GET_XSAVE */
	uint8_t guest[XS_KVM_SIZE] __attribute__((aligned(64)));	/* guest XSAVE */
};

/* A new vCPU, its XCR0 limited to xcr0_mask, filled with the pattern of
 * seed, described into f. */
int vmm_state_capture(struct xs_file *f, uint64_t seed, uint64_t xcr0_mask,
		      bool *by_guest);
/* A new vCPU with XCR0 xcr0 given buf (this host's layout) by
 * KVM_SET_XSAVE; what it then shows. */
int vmm_state_restore(const void *buf, uint64_t xcr0, struct vmm_state_view *out);

#endif
