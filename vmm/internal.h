/* SPDX-License-Identifier: GPL-2.0-only */
/* vmm/'s own view of its objects: library types are visible only here. */
#ifndef VMM_INTERNAL_H
#define VMM_INTERNAL_H

#include "kvm_util.h"
#include "processor.h"

#include "vmm/kcompat.h"
#include "vmm/vmm.h"
#include "guest/guest.h"

struct vmm_vcpu {
	struct vmm_vm *vm;
	struct kvm_vcpu *vcpu;
	struct guest_mbox *mbox;	/* host view of the guest's mailbox */
	uint64_t xcr0;			/* what vmm_vm_create() gave the guest */
	bool started;
};

struct vmm_vm {
	struct kvm_vm *vm;
	unsigned int nr;
	struct vmm_vcpu v[VMM_MAX_VCPUS];
};

/* An ioctl on a vCPU, with vmm_fail() naming it on error (as the
 * selftests' __vcpu_ioctl() names #cmd). */
int __vmm_vcpu_ioctl(struct vmm_vcpu *v, unsigned long cmd, const char *name,
		     void *arg);
#define vmm_vcpu_ioctl(v, cmd, arg) __vmm_vcpu_ioctl(v, cmd, #cmd, arg)

/* The vCPU's CPUID (KVM_GET_CPUID2) in *c, to free() on success. */
int vmm_vcpu_cpuid(struct vmm_vcpu *v, struct kvm_cpuid2 **c);

#endif
