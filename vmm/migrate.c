// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live migration as the KVM selftests' own state_test does it: the whole
 * vCPU state (vcpu_save_state(): regs, sregs, XSAVE, XCRS, MSRs, events,
 * debug registers, nested state) is saved, the VM file descriptor released,
 * a new KVM VM created over the same guest memory, a new vCPU given the
 * saved state. What the guest then sees is what a VMM's destination sees.
 */
#include <errno.h>

#include "vmm/internal.h"

int vmm_vm_migrate(struct vmm_vm *vm)
{
	struct vmm_vcpu *v = &vm->v[0];
	struct kvm_x86_state *state;

	if (vm->nr != 1)
		return vmm_failf(EINVAL, "vmm_vm_migrate: %u vCPUs (one only)", vm->nr);
	kcompat_saveable_msrs(v);
	state = vcpu_save_state(v->vcpu);
	kvm_vm_release(vm->vm);
	v->vcpu = vm_recreate_with_one_vcpu(vm->vm);
	vcpu_load_state(v->vcpu, state);
	kvm_x86_state_cleanup(state);
	return 0;
}
