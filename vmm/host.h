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

/* A kernel version major.minor.patch as one number, ordered as releases are. */
#define VMM_KV(major, minor, patch)					\
	(((uint32_t)(major) << 24) | ((uint32_t)(minor) << 16) | (uint32_t)(patch))

/*
 * A kernel change as releases carry it: mainline from one version on, and
 * stable series that took it as a backport from a patch level on (0 ends
 * the list), as confirmed in the trees a case names.
 */
struct vmm_kchange {
	uint32_t mainline;
	uint32_t stable[4];
};

struct vmm_host {
	char release[65];
	char version[65];		/* uname -v */
	uint32_t kv;			/* upstream version: vmm_kv_parse() */
	char vendor[13];
	unsigned int family, model, stepping;
	bool host_xsave, host_pku, host_ospke;
	uint64_t host_xcr0;		/* XGETBV(0) of this process */
	uint32_t mxcsr_mask;		/* the MXCSR bits KVM_SET_XSAVE accepts */
	struct xs_layout layout;	/* host CPUID 0xD */
	bool host_xfd;			/* CPUID.(EAX=0xD,ECX=1):EAX[4] */
	bool host_xsaves;		/* CPUID.(EAX=0xD,ECX=1):EAX[3]: the kernel
					 * restores fpstate with XRSTORS */
	uint64_t xfd_xfeatures;		/* components with CPUID 0xD.i ECX[2] */

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
/*
 * The upstream version of a kernel from uname -r and -v: Debian's release
 * names its ABI (6.1.0-57-amd64), so its version field ("Debian
 * 6.1.192-3") is preferred when it names the same major.minor. 0 if none.
 */
uint32_t vmm_kv_parse(const char *release, const char *version);
/* Whether the running kernel is older than major.minor.patch. */
bool vmm_kernel_before(const struct vmm_host *h, unsigned int major,
		       unsigned int minor, unsigned int patch);
/* Whether the running kernel carries change c. */
bool vmm_kernel_has(const struct vmm_host *h, const struct vmm_kchange *c);
/* The kernel tree whose KVM selftests library this binary was built from. */
const char *vmm_ktree(void);
/* Why that library cannot drive this host's KVM, or NULL. */
const char *vmm_lib_unsupported(const struct vmm_host *h);

#endif
