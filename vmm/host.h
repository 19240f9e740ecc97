/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What this host's CPU and KVM offer, read once by the runner before any
 * case runs: the host report and every case requirement come from here.
 */
#ifndef VMM_HOST_H
#define VMM_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "xs/xs.h"

enum vmm_kvm_state {
	VMM_KVM_OK,
	VMM_KVM_ABSENT,		/* no /dev/kvm */
	VMM_KVM_NO_ACCESS,	/* present but open() fails */
};

struct vmm_host {
	char release[65];
	char vendor[13];
	unsigned int family, model, stepping;
	bool host_xsave, host_pku, host_ospke;
	uint64_t host_xcr0;		/* XGETBV(0) of this process */
	uint32_t mxcsr_mask;		/* the MXCSR bits KVM_SET_XSAVE accepts */
	struct xs_layout layout;	/* host CPUID 0xD */

	enum vmm_kvm_state kvm;
	int kvm_errno;
	mode_t kvm_mode;
	uid_t kvm_uid;
	gid_t kvm_gid;
	char kvm_module[64];		/* vendor module(s) loaded */
	int api_version;
	uint64_t kvm_xcr0;		/* KVM_GET_SUPPORTED_CPUID 0xD.0 EDX:EAX */
	int xsave2_size;		/* KVM_CAP_XSAVE2, 0 if absent */
	int xcomp_err;			/* errno of KVM_GET_DEVICE_ATTR, or 0 */
	uint64_t xcomp_guest_supp;	/* KVM_X86_XCOMP_GUEST_SUPP */
	bool guest_xsave;		/* supported CPUID 1:ECX[26] */
	bool guest_pku;			/* supported CPUID 7.0:ECX[3] */
	struct xs_layout kvm_layout;	/* supported CPUID 0xD subleaves */
	bool user_memory2;		/* KVM_CAP_USER_MEMORY2 (6.8+) */
	char caps[512];			/* capabilities this process holds */
};

void vmm_host_probe(struct vmm_host *h);
const struct vmm_host *vmm_host(void);
/* The XCR0 a new vCPU gets: what KVM supports and its CPUID 0xD describes
 * (supported CPUID leaves AMX out until a process asks for it). */
uint64_t vmm_vcpu_xcr0(const struct vmm_host *h);
/* Whether the running kernel (uname -r) is older than major.minor. */
bool vmm_kernel_before(const struct vmm_host *h, unsigned int major,
		       unsigned int minor);
/* The kernel tree whose KVM selftests library this binary was built from. */
const char *vmm_ktree(void);
/* Why that library cannot drive this host's KVM, or NULL. */
const char *vmm_lib_unsupported(const struct vmm_host *h);

#endif
