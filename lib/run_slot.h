/* SPDX-License-Identifier: GPL-2.0-only */
/* Where a case's child leaves its verdict: memory shared with the runner. */
#ifndef RUN_SLOT_H
#define RUN_SLOT_H

#include "lib/run.h"

#define RUN_SLOT_NONE (-1)

struct run_slot {
	int result;		/* enum run_result, or RUN_SLOT_NONE */
	char reason[1024];
	char observed[RUN_OBSERVED_MAX];	/* run_observe(), "" if none */
};

extern struct run_slot *run_slot;

#endif
