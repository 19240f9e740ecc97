// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMs and vCPUs set up as a VMM sets them up for a guest that uses XSAVE,
 * and the guest payload's run loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/internal.h"

int __vmm_vcpu_ioctl(struct vmm_vcpu *v, unsigned long cmd, const char *name,
		     void *arg)
{
	if (ioctl(v->vcpu->fd, cmd, arg))
		return vmm_fail(name, errno);
	return 0;
}

/* CR4.OSXSAVE/PKE and XCR0, as far as KVM offers them (SDM Vol. 3, 2.5). */
static int enable_xsave(struct vmm_vcpu *v)
{
	const struct vmm_host *h = vmm_host();
	struct kvm_sregs sregs;
	int rc;

	if (!h->guest_xsave)
		return 0;
	rc = vmm_vcpu_ioctl(v, KVM_GET_SREGS, &sregs);
	if (rc)
		return rc;
	sregs.cr4 |= X86_CR4_OSXSAVE;
	if (h->guest_pku)
		sregs.cr4 |= X86_CR4_PKE;
	rc = vmm_vcpu_ioctl(v, KVM_SET_SREGS, &sregs);
	if (rc)
		return rc;
	return vmm_set_xcr0(v, vmm_vcpu_xcr0(h));
}

static int setup_vcpu(struct vmm_vm *vm, unsigned int i, struct kvm_vcpu *vcpu)
{
	struct vmm_vcpu *v = &vm->v[i];
	vm_vaddr_t gva;

	v->vm = vm;
	v->vcpu = vcpu;
	if (vcpu_init_descriptor_tables)
		vcpu_init_descriptor_tables(vcpu);
	gva = vm_vaddr_alloc(vm->vm, sizeof(struct guest_mbox),
			     KVM_UTIL_MIN_VADDR);
	v->mbox = addr_gva2hva(vm->vm, gva);
	vcpu_args_set(vcpu, 1, gva);
	return enable_xsave(v);
}

struct vmm_vm *vmm_vm_create(unsigned int nr_vcpus)
{
	struct kvm_vcpu *vcpus[VMM_MAX_VCPUS];
	bool elf_fds[KCOMPAT_MAX_FD] = { 0 };
	struct vmm_vm *vm;
	unsigned int i;

	if (!nr_vcpus || nr_vcpus > VMM_MAX_VCPUS) {
		vmm_failf(EINVAL, "vmm_vm_create: %u vCPUs (1 to %d)", nr_vcpus,
			  VMM_MAX_VCPUS);
		return NULL;
	}
	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		vmm_fail("calloc", ENOMEM);
		return NULL;
	}
	vm->nr = nr_vcpus;
	kcompat_elf_fds(elf_fds, false);
	vm->vm = vm_create_with_vcpus(nr_vcpus, guest_main, vcpus);
	kcompat_elf_fds(elf_fds, true);
	if (vm_init_descriptor_tables)
		vm_init_descriptor_tables(vm->vm);
	for (i = 0; i < nr_vcpus; i++) {
		if (setup_vcpu(vm, i, vcpus[i])) {
			vmm_vm_free(vm);
			return NULL;
		}
	}
	return vm;
}

void vmm_vm_free(struct vmm_vm *vm)
{
	if (!vm)
		return;
	kvm_vm_free(vm->vm);
	free(vm);
}

struct vmm_vcpu *vmm_vcpu(struct vmm_vm *vm, unsigned int i)
{
	return i < vm->nr ? &vm->v[i] : NULL;
}

uint64_t vmm_guest_xcr0(const struct vmm_vcpu *v)
{
	return v->xcr0;
}

/* One KVM_RUN that must end at the guest's next UCALL_SYNC. */
static int run_to_sync(struct vmm_vcpu *v)
{
	struct kvm_run *run = v->vcpu->run;
	struct ucall uc;
	uint64_t cmd;

	while (ioctl(v->vcpu->fd, KVM_RUN, NULL))
		if (errno != EINTR)
			return vmm_fail("KVM_RUN", errno);
	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		return vmm_failf(EIO, "KVM_RUN: KVM_EXIT_INTERNAL_ERROR, suberror %u "
				 "(KVM could not run the guest's instructions)",
				 run->internal.suberror);
	if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
		return vmm_failf(EIO, "KVM_RUN: KVM_EXIT_FAIL_ENTRY, hardware entry "
				 "failure reason 0x%llx (the CPU refused the VM entry)",
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	if (run->exit_reason != KVM_EXIT_IO)
		return vmm_failf(EIO, "KVM_RUN: unexpected exit %s (%u)",
				 exit_reason_str(run->exit_reason),
				 run->exit_reason);
	cmd = get_ucall(v->vcpu, &uc);
	if (cmd != UCALL_SYNC)
		return vmm_failf(EIO, "KVM_RUN: guest stopped with ucall %lu, "
				 "args 0x%lx 0x%lx (UCALL_SYNC expected)",
				 (unsigned long)cmd, (unsigned long)uc.args[0],
				 (unsigned long)uc.args[1]);
	return 0;
}

int vmm_start(struct vmm_vcpu *v)
{
	int rc = run_to_sync(v);

	v->started = !rc;
	return rc;
}

static const char *const op_names[GUEST_NR_OPS] = {
	[GUEST_OP_NOP] = "NOP", [GUEST_OP_RDPKRU] = "RDPKRU",
	[GUEST_OP_WRPKRU] = "WRPKRU", [GUEST_OP_XSAVE] = "XSAVE",
	[GUEST_OP_XRSTOR] = "XRSTOR", [GUEST_OP_XGETBV] = "XGETBV",
	[GUEST_OP_XSETBV] = "XSETBV", [GUEST_OP_CR4_SET] = "MOV CR4",
	[GUEST_OP_FILL_XMM] = "MOVDQU to XMM0-15",
	[GUEST_OP_READ_XMM] = "MOVDQU from XMM0-15",
	[GUEST_OP_FILL_YMM] = "VMOVDQU to YMM0-15",
	[GUEST_OP_READ_YMM] = "VMOVDQU from YMM0-15",
	[GUEST_OP_SEQ] = "sequence",
};

/* The guest trusts what it is given: area offsets stay inside the area. */
static int check_op(int op, uint64_t arg)
{
	uint64_t span = 0;

	if (op < 0 || op >= GUEST_NR_OPS)
		return vmm_failf(EINVAL, "guest operation %d unknown", op);
	if (op == GUEST_OP_FILL_XMM || op == GUEST_OP_READ_XMM)
		span = 256;
	if (op == GUEST_OP_FILL_YMM || op == GUEST_OP_READ_YMM)
		span = 512;
	if (span && (arg > GUEST_AREA_SIZE || GUEST_AREA_SIZE - arg < span))
		return vmm_failf(EINVAL, "guest %s: area offset %llu + %llu "
				 "beyond its %d bytes", op_names[op],
				 (unsigned long long)arg,
				 (unsigned long long)span, GUEST_AREA_SIZE);
	return 0;
}

/* One KVM_RUN for what the mailbox holds; the vector it raised, if any. */
static int run_op(struct vmm_vcpu *v, int op, uint64_t arg)
{
	struct guest_mbox *mb = v->mbox;
	int rc;

	if (!v->started)
		return vmm_failf(EINVAL, "guest %s: vCPU not started (vmm_start)",
				 op_names[op]);
	mb->op = op;
	mb->arg = arg;
	mb->vector = 0;
	rc = run_to_sync(v);
	return rc ? rc : (int)mb->vector;
}

/*
 * Have the guest perform op. Returns 0, a negative errno when the vCPU
 * could not run it, or the positive vector of the exception it raised.
 */
int vmm_guest_op(struct vmm_vcpu *v, int op, uint64_t arg, uint64_t *ret)
{
	int rc = check_op(op, arg);

	if (!rc && op == GUEST_OP_SEQ)
		rc = vmm_failf(EINVAL, "guest sequence: use vmm_guest_seq()");
	rc = rc ?: run_op(v, op, arg);
	if (rc > 0)
		vmm_failf(EFAULT, "guest %s: exception vector %d", op_names[op], rc);
	if (!rc && ret)
		*ret = v->mbox->ret;
	return rc;
}

int vmm_guest_seq(struct vmm_vcpu *v, struct vmm_step *steps, unsigned int n,
		  void *area, size_t size)
{
	struct guest_mbox *mb = v->mbox;
	unsigned int i;
	int rc = 0;

	if (!n || n > GUEST_SEQ_MAX || size > GUEST_AREA_SIZE)
		return vmm_failf(EINVAL, "guest sequence: %u steps (1 to %d), "
				 "area %zu bytes (at most %d)", n, GUEST_SEQ_MAX,
				 size, GUEST_AREA_SIZE);
	for (i = 0; i < n && !rc; i++) {
		rc = check_op(steps[i].op, steps[i].arg);
		if (!rc && steps[i].op == GUEST_OP_SEQ)
			rc = vmm_failf(EINVAL, "guest sequence: step %u is a sequence", i);
		mb->seq[i] = (struct guest_step){ .op = steps[i].op,
						  .arg = steps[i].arg };
	}
	if (rc)
		return rc;
	memset(mb->area, 0, sizeof(mb->area));
	if (area)
		memcpy(mb->area, area, size);
	rc = run_op(v, GUEST_OP_SEQ, n);
	for (i = 0; i < mb->ret && i < n; i++)
		steps[i].ret = mb->seq[i].ret;
	if (rc > 0) {
		vmm_failf(EFAULT, "guest sequence: step %llu (%s): exception "
			  "vector %d", (unsigned long long)mb->ret - 1,
			  op_names[steps[mb->ret - 1].op], rc);
		return rc;
	}
	if (!rc && area)
		memcpy(area, mb->area, size);
	return rc;
}

int vmm_guest_rdpkru(struct vmm_vcpu *v, uint32_t *pkru)
{
	uint64_t r = 0;
	int rc = vmm_guest_op(v, GUEST_OP_RDPKRU, 0, &r);

	*pkru = (uint32_t)r;
	return rc;
}

int vmm_guest_wrpkru(struct vmm_vcpu *v, uint32_t pkru)
{
	return vmm_guest_op(v, GUEST_OP_WRPKRU, pkru, NULL);
}

/* The guest XSAVEs into its mailbox; the area starts zeroed. */
int vmm_guest_xgetbv(struct vmm_vcpu *v, uint32_t index, uint64_t *val)
{
	return vmm_guest_op(v, GUEST_OP_XGETBV, index, val);
}

int vmm_guest_xsave(struct vmm_vcpu *v, uint64_t rfbm, void *out, size_t size)
{
	int rc;

	if (size > GUEST_AREA_SIZE)
		return vmm_failf(EINVAL, "guest XSAVE: %zu bytes > area of %d",
				 size, GUEST_AREA_SIZE);
	memset(v->mbox->area, 0, sizeof(v->mbox->area));
	rc = vmm_guest_op(v, GUEST_OP_XSAVE, rfbm, NULL);
	if (!rc)
		memcpy(out, v->mbox->area, size);
	return rc;
}

int vmm_guest_xrstor(struct vmm_vcpu *v, uint64_t rfbm, const void *in,
		     size_t size)
{
	if (size > GUEST_AREA_SIZE)
		return vmm_failf(EINVAL, "guest XRSTOR: %zu bytes > area of %d",
				 size, GUEST_AREA_SIZE);
	memset(v->mbox->area, 0, sizeof(v->mbox->area));
	memcpy(v->mbox->area, in, size);
	return vmm_guest_op(v, GUEST_OP_XRSTOR, rfbm, NULL);
}

int vmm_guest_xsetbv(struct vmm_vcpu *v, uint64_t xcr0)
{
	return vmm_guest_op(v, GUEST_OP_XSETBV, xcr0, NULL);
}

int vmm_guest_cr4_set(struct vmm_vcpu *v, uint64_t bits, uint64_t *cr4)
{
	return vmm_guest_op(v, GUEST_OP_CR4_SET, bits, cr4);
}
