/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The report of several runs side by side: one per kernel booted in the
 * emulated machine, each with the harness's run and the kernel's own
 * selftests, and the cross-kernel state moves between them. Written as
 * KTAP (a subtest per kernel), JSON and JUnit by lib/report_multi.c with
 * the one-run writers of lib/report.h; read by cli/cmd_compose.c.
 */
#ifndef REPORT_MULTI_H
#define REPORT_MULTI_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/run.h"

#define REPORT_KERNELS_MAX 16

struct report_kernel {
	char *label;		/* "6.12", what --vm was given */
	char *machine, *package, *release, *tree;
	char *cpu;		/* "amd" or "intel": the emulated machine's */
	char *kvm_module, *kvm_params;	/* "kvm_amd" or "kvm_intel", its parameters */
	double wall_ms;
	char *error;		/* why it never reported; NULL when it did */
	char *skip;		/* why it was not booted (a known machine limit) */
	char *console;		/* the console's last lines, with error */
	struct run_report harness;	/* the harness's run, its --json */
	int harness_rc;
	char *harness_stderr;
	bool has_upstream;
	struct run_report upstream;	/* group "upstream", one per selftest */
};

struct report_multi {
	struct report_kernel k[REPORT_KERNELS_MAX];
	unsigned int nk;
	/* migration.cross_kernel.A_to_B, saved under k[from], loaded under k[to] */
	struct run_report moves;
	unsigned int from[REPORT_KERNELS_MAX * REPORT_KERNELS_MAX];
	unsigned int to[REPORT_KERNELS_MAX * REPORT_KERNELS_MAX];
};

/* Whether a kernel's run passed (a skipped one does); if not, why. */
bool report_kernel_passed(const struct report_kernel *k, char *why,
			  size_t size);
void report_multi_ktap(FILE *f, const struct report_multi *m);
int report_multi_json(FILE *f, const struct report_multi *m);
int report_multi_junit(FILE *f, const struct report_multi *m);
/* 0 every kernel's run and every move passed, else 1. */
int report_multi_exit(const struct report_multi *m);

#endif
