// SPDX-License-Identifier: GPL-2.0-only
/*
 * One MSR of a vCPU, as a VMM restores it (KVM API doc 4.18, 4.19):
 * KVM_GET_MSRS and KVM_SET_MSRS return how many MSRs they processed, so a
 * refused MSR is a count short, not an errno.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/internal.h"

union one_msr {
	struct kvm_msrs msrs;
	uint8_t bytes[sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)];
};

static int msr_ioctl(struct vmm_vcpu *v, unsigned long cmd, const char *name,
		     uint32_t index, uint64_t *val)
{
	union one_msr m = { .msrs.nmsrs = 1 };
	struct kvm_msr_entry *e = &m.msrs.entries[0];
	int r;

	e->index = index;
	e->data = *val;
	r = ioctl(v->vcpu->fd, cmd, &m);
	if (r < 0)
		return vmm_failf(errno, "%s(0x%x): %s (%s)", name, index,
				 strerror(errno), vmm_errname(errno));
	if (r != 1)
		return vmm_failf(EINVAL, "%s(0x%x = 0x%llx): KVM refused the MSR",
				 name, index, (unsigned long long)*val);
	*val = e->data;
	return 0;
}

int vmm_get_msr(struct vmm_vcpu *v, uint32_t index, uint64_t *val)
{
	*val = 0;
	return msr_ioctl(v, KVM_GET_MSRS, "KVM_GET_MSRS", index, val);
}

int vmm_set_msr(struct vmm_vcpu *v, uint32_t index, uint64_t val)
{
	return msr_ioctl(v, KVM_SET_MSRS, "KVM_SET_MSRS", index, &val);
}
