// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VMM's vCPU save and restore as that VMM orders its ioctls (vmm/order.h).
 * The snapshot holds what each KVM_GET_* returned; a restore issues the
 * matching KVM_SET_* calls in the restore order, nothing in between.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/internal.h"
#include "vmm/order.h"

struct vmm_snap {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_xcrs xcrs;
	struct kvm_vcpu_events events;
	struct kvm_mp_state mp;
	struct kvm_debugregs dregs;
	struct kvm_lapic_state lapic;
	struct kvm_cpuid2 *cpuid;
	struct kvm_msrs *msrs;
	uint8_t *xsave;		/* as the VMM writes it back */
	size_t xsave_size;
};

static const char *const io_names[VMM_IO_NR][2] = {
	[VMM_IO_CPUID2] = { "KVM_GET_CPUID2", "KVM_SET_CPUID2" },
	[VMM_IO_REGS] = { "KVM_GET_REGS", "KVM_SET_REGS" },
	[VMM_IO_SREGS] = { "KVM_GET_SREGS", "KVM_SET_SREGS" },
	[VMM_IO_FPU] = { "KVM_GET_FPU", "KVM_SET_FPU" },
	[VMM_IO_XSAVE] = { "KVM_GET_XSAVE", "KVM_SET_XSAVE" },
	[VMM_IO_XCRS] = { "KVM_GET_XCRS", "KVM_SET_XCRS" },
	[VMM_IO_MSRS] = { "KVM_GET_MSRS", "KVM_SET_MSRS" },
	[VMM_IO_EVENTS] = { "KVM_GET_VCPU_EVENTS", "KVM_SET_VCPU_EVENTS" },
	[VMM_IO_MP_STATE] = { "KVM_GET_MP_STATE", "KVM_SET_MP_STATE" },
	[VMM_IO_DEBUGREGS] = { "KVM_GET_DEBUGREGS", "KVM_SET_DEBUGREGS" },
	[VMM_IO_LAPIC] = { "KVM_GET_LAPIC", "KVM_SET_LAPIC" },
};

const char *vmm_io_name(enum vmm_io io, bool set)
{
	return io > VMM_IO_END && io < VMM_IO_NR ? io_names[io][set] : "?";
}

/* Every MSR KVM_GET_MSR_INDEX_LIST names that this vCPU lets one read. */
static int save_msrs(struct vmm_vcpu *v, struct vmm_snap *s)
{
	const struct kvm_msr_list *list;
	uint32_t i, n;
	int r;

	kcompat_saveable_msrs(v);
	list = kvm_get_msr_index_list();
	n = list->nmsrs;
	s->msrs = calloc(1, sizeof(*s->msrs) + n * sizeof(s->msrs->entries[0]));
	if (!s->msrs)
		return vmm_fail("calloc", ENOMEM);
	s->msrs->nmsrs = n;
	for (i = 0; i < n; i++)
		s->msrs->entries[i].index = list->indices[i];
	r = ioctl(v->vcpu->fd, KVM_GET_MSRS, s->msrs);
	if (r < 0)
		return vmm_fail("KVM_GET_MSRS", errno);
	if ((uint32_t)r != n)
		return vmm_failf(EIO, "KVM_GET_MSRS: %d of %u MSRs (stopped at 0x%x)",
				 r, n, s->msrs->entries[r].index);
	return 0;
}

static int set_msrs(struct vmm_vcpu *v, const struct vmm_snap *s)
{
	int r = ioctl(v->vcpu->fd, KVM_SET_MSRS, s->msrs);

	if (r < 0)
		return vmm_fail("KVM_SET_MSRS", errno);
	if ((uint32_t)r != s->msrs->nmsrs)
		return vmm_failf(EIO, "KVM_SET_MSRS: %d of %u MSRs (stopped at 0x%x)",
				 r, s->msrs->nmsrs, s->msrs->entries[r].index);
	return 0;
}

/* KVM_GET_XSAVE2 where the VMM uses it and KVM has it, else KVM_GET_XSAVE;
 * for QEMU, the buffer its fields rebuild (xs_rebuild_fields()) from the
 * components its CPU model gives the vCPU: here, the vCPU's XCR0. */
static int save_xsave(struct vmm_vcpu *v, const struct vmm_order *o,
		      struct vmm_snap *s)
{
	bool two = o->xsave != VMM_XSAVE_BLOB && vmm_host()->xsave2_size;
	uint8_t *raw;
	int rc;

	s->xsave_size = two ? (size_t)vmm_vcpu_xsave2_size(v) : XS_KVM_SIZE;
	raw = aligned_alloc(64, s->xsave_size);
	s->xsave = aligned_alloc(64, s->xsave_size);
	if (!raw || !s->xsave) {
		free(raw);
		return vmm_fail("aligned_alloc", ENOMEM);
	}
	memset(raw, 0, s->xsave_size);
	rc = two ? vmm_get_xsave2(v, raw) : vmm_get_xsave(v, raw);
	if (!rc && o->xsave == VMM_XSAVE2_FIELDS &&
	    xs_rebuild_fields(&vmm_host()->layout, raw, s->xsave, s->xsave_size,
			      vmm_guest_xcr0(v)))
		rc = vmm_failf(EINVAL, "xs_rebuild_fields: the layout does not fit "
			       "%zu bytes", s->xsave_size);
	else if (!rc && o->xsave != VMM_XSAVE2_FIELDS)
		memcpy(s->xsave, raw, s->xsave_size);
	free(raw);
	return rc;
}

/* Firecracker's get_cpuid(): entries of function 0, index 0, flags 0 and
 * EAX 0 dropped (only a zero entry is, leaf 0's EAX being its top leaf). */
static int save_cpuid(struct vmm_vcpu *v, const struct vmm_order *o,
		      struct vmm_snap *s)
{
	struct kvm_cpuid_entry2 *e;
	uint32_t i, n = 0;
	int rc = vmm_vcpu_cpuid(v, &s->cpuid);

	if (rc || !o->cpuid_drop_zero)
		return rc;
	for (i = 0; i < s->cpuid->nent; i++) {
		e = &s->cpuid->entries[i];
		if (e->function || e->index || e->flags || e->eax)
			s->cpuid->entries[n++] = *e;
	}
	s->cpuid->nent = n;
	return 0;
}

static int save_one(struct vmm_vcpu *v, const struct vmm_order *o,
		    struct vmm_snap *s, enum vmm_io io)
{
	switch (io) {
	case VMM_IO_CPUID2: return save_cpuid(v, o, s);
	case VMM_IO_REGS: return vmm_vcpu_ioctl(v, KVM_GET_REGS, &s->regs);
	case VMM_IO_SREGS: return vmm_vcpu_ioctl(v, KVM_GET_SREGS, &s->sregs);
	case VMM_IO_FPU: return vmm_vcpu_ioctl(v, KVM_GET_FPU, &s->fpu);
	case VMM_IO_XSAVE: return save_xsave(v, o, s);
	case VMM_IO_XCRS: return vmm_vcpu_ioctl(v, KVM_GET_XCRS, &s->xcrs);
	case VMM_IO_MSRS: return save_msrs(v, s);
	case VMM_IO_EVENTS: return vmm_vcpu_ioctl(v, KVM_GET_VCPU_EVENTS, &s->events);
	case VMM_IO_MP_STATE: return vmm_vcpu_ioctl(v, KVM_GET_MP_STATE, &s->mp);
	case VMM_IO_DEBUGREGS: return vmm_vcpu_ioctl(v, KVM_GET_DEBUGREGS, &s->dregs);
	case VMM_IO_LAPIC: return vmm_vcpu_ioctl(v, KVM_GET_LAPIC, &s->lapic);
	default: return vmm_failf(EINVAL, "vmm_snap_save: unknown step %d", io);
	}
}

/* A step restored that was never saved is the order table's mistake. */
static int restore_one(struct vmm_vcpu *v, const struct vmm_snap *s,
		       enum vmm_io io)
{
	switch (io) {
	case VMM_IO_CPUID2:
		return s->cpuid ? vmm_vcpu_ioctl(v, KVM_SET_CPUID2, s->cpuid) :
			vmm_failf(EINVAL, "KVM_SET_CPUID2: no CPUID saved");
	case VMM_IO_REGS: return vmm_vcpu_ioctl(v, KVM_SET_REGS, (void *)&s->regs);
	case VMM_IO_SREGS: return vmm_vcpu_ioctl(v, KVM_SET_SREGS, (void *)&s->sregs);
	case VMM_IO_FPU: return vmm_vcpu_ioctl(v, KVM_SET_FPU, (void *)&s->fpu);
	case VMM_IO_XSAVE:
		return s->xsave ? vmm_set_xsave(v, s->xsave) :
			vmm_failf(EINVAL, "KVM_SET_XSAVE: no XSAVE saved");
	case VMM_IO_XCRS: return vmm_vcpu_ioctl(v, KVM_SET_XCRS, (void *)&s->xcrs);
	case VMM_IO_MSRS:
		return s->msrs ? set_msrs(v, s) :
			vmm_failf(EINVAL, "KVM_SET_MSRS: no MSRs saved");
	case VMM_IO_EVENTS: return vmm_vcpu_ioctl(v, KVM_SET_VCPU_EVENTS, (void *)&s->events);
	case VMM_IO_MP_STATE: return vmm_vcpu_ioctl(v, KVM_SET_MP_STATE, (void *)&s->mp);
	case VMM_IO_DEBUGREGS: return vmm_vcpu_ioctl(v, KVM_SET_DEBUGREGS, (void *)&s->dregs);
	case VMM_IO_LAPIC: return vmm_vcpu_ioctl(v, KVM_SET_LAPIC, (void *)&s->lapic);
	default: return vmm_failf(EINVAL, "vmm_snap_restore: unknown step %d", io);
	}
}

int vmm_snap_save(struct vmm_vcpu *v, const struct vmm_order *o,
		  struct vmm_snap **out)
{
	struct vmm_snap *s = calloc(1, sizeof(*s));
	unsigned int i;
	int rc = 0;

	if (!s)
		return vmm_fail("calloc", ENOMEM);
	for (i = 0; !rc && i < VMM_ORDER_MAX && o->save[i] != VMM_IO_END; i++)
		rc = save_one(v, o, s, o->save[i]);
	if (rc) {
		vmm_snap_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int vmm_snap_restore(struct vmm_vcpu *v, const struct vmm_order *o,
		     const struct vmm_snap *s)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; !rc && i < VMM_ORDER_MAX && o->restore[i] != VMM_IO_END; i++)
		rc = restore_one(v, s, o->restore[i]);
	return rc;
}

void vmm_snap_free(struct vmm_snap *s)
{
	if (!s)
		return;
	free(s->cpuid);
	free(s->msrs);
	free(s->xsave);
	free(s);
}

/* Entries at the end that are all zero: KVM_GET_CPUID2 on 6.1 leaves nent
 * at the caller's size on success, and the buffer's tail as it was. */
static uint32_t zero_tail(const struct kvm_cpuid2 *c)
{
	static const struct kvm_cpuid_entry2 zero;
	uint32_t n = 0;

	while (n < c->nent && !memcmp(&c->entries[c->nent - 1 - n], &zero, sizeof(zero)))
		n++;
	return n;
}

int vmm_snap_cpuid_diff(struct vmm_vcpu *v, const struct vmm_snap *s,
			char *buf, size_t size, unsigned int *zeros)
{
	const struct kvm_cpuid_entry2 *a, *b;
	struct kvm_cpuid2 *now;
	uint32_t i;
	int rc;

	if (!s->cpuid)
		return vmm_failf(EINVAL, "vmm_snap_cpuid_diff: no CPUID saved");
	rc = vmm_vcpu_cpuid(v, &now);
	if (rc)
		return rc;
	*zeros = zero_tail(s->cpuid);
	snprintf(buf, size, "KVM_GET_CPUID2 gave nent %u, the last %u entries all zero; "
		 "nent %u now", s->cpuid->nent, *zeros, now->nent);
	for (i = 0; i < s->cpuid->nent - *zeros && i < now->nent; i++) {
		a = &s->cpuid->entries[i];
		b = &now->entries[i];
		if (memcmp(a, b, offsetof(struct kvm_cpuid_entry2, padding))) {
			snprintf(buf, size, "entry %u (0x%x.%u) saved eax %08x ebx %08x "
				 "ecx %08x edx %08x flags %x, now (0x%x.%u) %08x %08x "
				 "%08x %08x flags %x", i, a->function, a->index, a->eax,
				 a->ebx, a->ecx, a->edx, a->flags, b->function, b->index,
				 b->eax, b->ebx, b->ecx, b->edx, b->flags);
			break;
		}
	}
	free(now);
	return 0;
}

const void *vmm_snap_xsave(const struct vmm_snap *s, size_t *size)
{
	*size = s->xsave_size;
	return s->xsave;
}

int vmm_vm_renew(struct vmm_vm *vm)
{
	struct vmm_vcpu *v = &vm->v[0];
	struct kvm_cpuid2 *cpuid;
	int rc;

	if (vm->nr != 1)
		return vmm_failf(EINVAL, "vmm_vm_renew: %u vCPUs (one only)", vm->nr);
	rc = vmm_vcpu_cpuid(v, &cpuid);
	if (rc)
		return rc;
	kvm_vm_release(vm->vm);
	v->vcpu = vm_recreate_with_one_vcpu(vm->vm);
	rc = vmm_vcpu_ioctl(v, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	return rc;
}
