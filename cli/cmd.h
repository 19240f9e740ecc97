/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli/: the command line. main.c parses the suite's options and hands the
 * rest to lib/'s runner; the subcommands, xsave-abi NAME ARGS..., each get
 * argv from NAME on and return the exit status. Nothing here talks to KVM
 * but through vmm/.
 */
#ifndef CMD_H
#define CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xs/xs.h"

#define CMD_EXIT_USAGE 2	/* usage error or bad input */

int run_cmd_host(int argc, char **argv);
int run_cmd_compat(int argc, char **argv);
int run_cmd_state(int argc, char **argv);
int run_cmd_compose(int argc, char **argv);
int run_cmd_qemu(int argc, char **argv);

/* The whole file at path, at most max bytes, or NULL with errno set
 * (EFBIG past max). */
void *cmd_read_all(const char *path, size_t max, size_t *len);

#define COMPAT_KERNEL_MAX 64	/* a utsname release */
#define COMPAT_VENDOR_MAX 12	/* the CPUID vendor string */
#define COMPAT_KVM_MAX 15	/* "usable", "not accessible"... */

/* What compat compares of a host report; its strings printable ASCII. */
struct compat_host {
	char kernel[COMPAT_KERNEL_MAX + 1];
	char vendor[COMPAT_VENDOR_MAX + 1];
	char kvm[COMPAT_KVM_MAX + 1];
	unsigned int kv;		/* the kernel's major << 16 | minor */
	uint64_t kvm_xcr0;		/* KVM's supported XCR0 */
	uint32_t xsave2_size;		/* 0: no KVM_CAP_XSAVE2 */
	bool host_pku, host_ospke, guest_xsave, guest_pku;
	struct xs_layout layout;	/* host CPUID 0xD */
};

/* The host report in text[0..len), or a run's --json output holding one
 * as "host": 0, or -1 with the reason in why. */
int compat_host_parse(const char *text, size_t len, struct compat_host *h,
		      char *why, size_t size);
/* How many hazards a migration from src to dst has; one line each on out. */
unsigned int compat_hazards(const struct compat_host *src,
			    const struct compat_host *dst, FILE *out);

#endif
