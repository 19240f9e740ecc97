/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A VMM's save and restore of one vCPU, replayed ioctl by ioctl in the
 * order that VMM uses (vmm/order.c; the orders are in cases/vmm_order.c).
 */
#ifndef VMM_ORDER_H
#define VMM_ORDER_H

#include "vmm/vmm.h"

enum vmm_io {
	VMM_IO_END,
	VMM_IO_CPUID2,
	VMM_IO_REGS,
	VMM_IO_SREGS,
	VMM_IO_FPU,
	VMM_IO_XSAVE,
	VMM_IO_XCRS,
	VMM_IO_MSRS,
	VMM_IO_EVENTS,
	VMM_IO_MP_STATE,
	VMM_IO_DEBUGREGS,
	VMM_IO_LAPIC,
	VMM_IO_NR
};

enum vmm_xsave_how {
	VMM_XSAVE_BLOB,		/* KVM_GET_XSAVE's 4096 bytes, replayed as they are */
	VMM_XSAVE2_BLOB,	/* KVM_GET_XSAVE2 where KVM_CAP_XSAVE2 is, replayed */
	VMM_XSAVE2_FIELDS,	/* KVM_GET_XSAVE2, kept as fields, rebuilt (QEMU) */
};

#define VMM_ORDER_MAX 16

struct vmm_order {
	const char *vmm;
	enum vmm_io save[VMM_ORDER_MAX];	/* up to the first VMM_IO_END */
	enum vmm_io restore[VMM_ORDER_MAX];
	enum vmm_xsave_how xsave;
	bool cpuid_drop_zero;	/* KVM_GET_CPUID2's zero entries left out */
};

struct vmm_snap;

const char *vmm_io_name(enum vmm_io io, bool set);
/* The ioctls of o->save, in order, into a new snapshot. */
int vmm_snap_save(struct vmm_vcpu *v, const struct vmm_order *o,
		  struct vmm_snap **out);
/* The ioctls of o->restore, in order, from the snapshot. */
int vmm_snap_restore(struct vmm_vcpu *v, const struct vmm_order *o,
		     const struct vmm_snap *s);
void vmm_snap_free(struct vmm_snap *s);
/* The first CPUID entry where the snapshot and the vCPU now differ, as
 * text (the entry counts when none does); *zeros: the saved entries at the
 * end that are all zero. */
int vmm_snap_cpuid_diff(struct vmm_vcpu *v, const struct vmm_snap *s,
			char *buf, size_t size, unsigned int *zeros);
/* The XSAVE buffer a snapshot holds, as the VMM would write it back. */
const void *vmm_snap_xsave(const struct vmm_snap *s, size_t *size);

/*
 * A one-vCPU VM's vCPU replaced by a new KVM VM's over the same guest
 * memory, as a destination host has it: CPUID set at creation (from
 * KVM_GET_SUPPORTED_CPUID), nothing else restored.
 */
int vmm_vm_renew(struct vmm_vm *vm);

#endif
