/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest payload's mailbox: the host writes an operation, runs the vCPU,
 * and the guest performs it and stops at its next ucall. Shared by the host
 * (vmm/) and the code that runs in the guest (guest/).
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

enum guest_op {
	GUEST_OP_NOP,
	GUEST_OP_RDPKRU,	/* ret = PKRU */
	GUEST_OP_WRPKRU,	/* PKRU = arg */
	GUEST_OP_XSAVE,		/* XSAVE area, RFBM = arg */
	GUEST_OP_XRSTOR,	/* XRSTOR area, RFBM = arg */
	GUEST_OP_XGETBV,	/* ret = XCR[arg] */
	GUEST_OP_XSETBV,	/* XCR0 = arg */
	GUEST_OP_CR4_SET,	/* CR4 |= arg; ret = the new CR4 */
};

/* Large enough for every standard-format XSAVE area without AMX tiles. */
#define GUEST_AREA_SIZE	(12 * 1024)

struct guest_mbox {
	uint64_t op;
	uint64_t arg;
	uint64_t ret;
	uint64_t vector;	/* exception the operation raised, 0 if none */
	uint64_t count;		/* operations performed */
	uint8_t area[GUEST_AREA_SIZE] __attribute__((aligned(64)));
};

void guest_main(struct guest_mbox *mb);

#endif
