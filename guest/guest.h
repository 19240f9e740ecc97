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
	GUEST_OP_FILL_XMM,	/* XMM0-15 = area[arg, arg + 256) */
	GUEST_OP_READ_XMM,	/* area[arg, arg + 256) = XMM0-15 */
	GUEST_OP_FILL_YMM,	/* YMM0-15 = area[arg, arg + 512) */
	GUEST_OP_READ_YMM,	/* area[arg, arg + 512) = YMM0-15 */
	GUEST_OP_SEQ,		/* seq[0, arg) in order, in this one run */
	GUEST_NR_OPS
};

/* Large enough for every standard-format XSAVE area without AMX tiles. */
#define GUEST_AREA_SIZE	(12 * 1024)
/* Steps of one GUEST_OP_SEQ: no VM exit, so no PKRU switch, between them. */
#define GUEST_SEQ_MAX	16

struct guest_step {
	uint64_t op;
	uint64_t arg;
	uint64_t ret;
	uint64_t vector;	/* exception the step raised; later steps skipped */
};

struct guest_mbox {
	uint64_t op;
	uint64_t arg;
	uint64_t ret;		/* GUEST_OP_SEQ: the steps performed */
	uint64_t vector;	/* exception the operation raised, 0 if none */
	uint64_t count;		/* operations performed */
	struct guest_step seq[GUEST_SEQ_MAX];
	uint8_t area[GUEST_AREA_SIZE] __attribute__((aligned(64)));
};

void guest_main(struct guest_mbox *mb);

#endif
