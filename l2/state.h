/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's x87, SSE, AVX and PKRU state: set up, filled from a seed,
 * and checked against that seed's pattern.
 */
#ifndef L2_STATE_H
#define L2_STATE_H

#include <stdbool.h>
#include <stdint.h>

/* CPUID probes, CR0/CR4, XCR0; false (and an "l2: error" line) if no XSAVE. */
bool state_init(void);
/* Every checked register from the seed's pattern. */
void state_fill(uint64_t seed);
/* The "l2: ready" line: XCR0, XSTATE_BV of one XSAVE, PKRU. */
void state_ready(uint64_t seed);
/* The "l2: check N" lines; true when every component matches. */
bool state_check(unsigned int n, uint64_t seed);
/* For a #UD: true if XCR0 had lost our bits and now has them again. */
bool state_xcr0_fixed(void);
/* " cr0=... cr4=... xcr0=...", for an exception's line. */
void state_put_regs(void);
/* Test only: change PKRU and XMM3, so that a check reports sse and pkru. */
void state_clobber(void);

#endif
