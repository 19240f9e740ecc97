/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Subcommands, xsave-abi NAME ARGS...: each gets argv from NAME on and
 * returns the exit status.
 */
#ifndef CMD_H
#define CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/json.h"
#include "vmm/xs.h"

#define CMD_EXIT_USAGE 2	/* usage error or bad input */

int run_cmd_host(int argc, char **argv);
int run_cmd_compat(int argc, char **argv);
int run_cmd_state(int argc, char **argv);

/* The whole file at path, at most max bytes, or NULL with errno set
 * (EFBIG past max). */
void *cmd_read_all(const char *path, size_t max, size_t *len);

/* What compat compares of a host report; strings point into its JSON tree. */
struct compat_host {
	const char *kernel, *vendor, *kvm;
	unsigned int kv;		/* the kernel's major << 16 | minor */
	uint64_t kvm_xcr0;		/* KVM's supported XCR0 */
	uint32_t xsave2_size;		/* 0: no KVM_CAP_XSAVE2 */
	bool host_pku, host_ospke, guest_xsave, guest_pku;
	struct xs_layout layout;	/* host CPUID 0xD */
};

/* A host report object, or a run's --json output holding one as "host". */
int compat_host_read(const struct json *j, struct compat_host *h, char *why,
		     size_t size);
/* How many hazards a migration from src to dst has; one line each on out. */
unsigned int compat_hazards(const struct compat_host *src,
			    const struct compat_host *dst, FILE *out);

#endif
