/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The minimal VMM: VMs, vCPUs and the XSAVE ioctls, over libkvm-selftests.
 * Cases include only this header; it exposes no kernel or library types.
 *
 * Nothing here exits. Every call returns 0 or a negative errno and leaves
 * "IOCTL_NAME: message (ENAME)" in vmm_strerror(), so the runner can tell
 * a harness error from a kernel that does not conform; the guest
 * operations (vmm_guest_*) may also return the positive vector of an
 * exception the guest raised.
 */
#ifndef VMM_H
#define VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/guest.h"
#include "vmm/host.h"
#include "xs/xs.h"

#define VMM_MAX_VCPUS 8

struct vmm_vm;
struct vmm_vcpu;

/* Errors */
const char *vmm_strerror(void);
const char *vmm_errname(int err);
int vmm_fail(const char *op, int err);
int vmm_failf(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * VMs. vmm_vm_create() sets every vCPU up as a VMM would for a guest that
 * uses XSAVE: CPUID from KVM_GET_SUPPORTED_CPUID, CR4.OSXSAVE when KVM
 * offers XSAVE, CR4.PKE when it offers PKU, and XCR0 = every component the
 * guest may enable. The vCPUs have not run yet.
 */
struct vmm_vm *vmm_vm_create(unsigned int nr_vcpus);
void vmm_vm_free(struct vmm_vm *vm);
struct vmm_vcpu *vmm_vcpu(struct vmm_vm *vm, unsigned int i);
uint64_t vmm_guest_xcr0(const struct vmm_vcpu *v);

/*
 * Move a one-vCPU VM's whole vCPU state to a new KVM VM over the same guest
 * memory (vmm/migrate.c). The library asserts (exit 254) if an ioctl fails.
 */
int vmm_vm_migrate(struct vmm_vm *vm);

/* The guest payload (guest/guest.h): run to its first stop, then ops. */
int vmm_start(struct vmm_vcpu *v);
int vmm_guest_op(struct vmm_vcpu *v, int op, uint64_t arg, uint64_t *ret);
int vmm_guest_rdpkru(struct vmm_vcpu *v, uint32_t *pkru);
int vmm_guest_wrpkru(struct vmm_vcpu *v, uint32_t pkru);
int vmm_guest_xgetbv(struct vmm_vcpu *v, uint32_t index, uint64_t *val);
int vmm_guest_xsave(struct vmm_vcpu *v, uint64_t rfbm, void *out, size_t size);
int vmm_guest_xrstor(struct vmm_vcpu *v, uint64_t rfbm, const void *in,
		     size_t size);
int vmm_guest_xsetbv(struct vmm_vcpu *v, uint64_t xcr0);
int vmm_guest_cr4_set(struct vmm_vcpu *v, uint64_t bits, uint64_t *cr4);

/*
 * Steps the guest performs in one KVM_RUN, so no VM exit and no PKRU
 * switch of KVM's comes between them: GUEST_OP_* (guest/guest.h) but
 * GUEST_OP_SEQ, with area's size bytes as the guest's area (copied in
 * before, out after; NULL: zeroed). Returns 0, a negative errno, or the
 * vector of the first step that raised one (vmm_strerror() names it);
 * each step's ret is filled in as far as the guest got.
 */
struct vmm_step {
	int op;
	uint64_t arg;
	uint64_t ret;
};

int vmm_guest_seq(struct vmm_vcpu *v, struct vmm_step *steps, unsigned int n,
		  void *area, size_t size);
#define VMM_CR4_PKE (1ULL << 22)

/*
 * PKU off for one vCPU, before vmm_start(): CR4.PKE clear and XCR0 without
 * PKRU; vmm_vcpu_hide_pku() also takes PKU, OSPKE and the PKRU xfeature
 * out of its CPUID (KVM_SET_CPUID2), as a VMM does for a CPU model
 * without PKU.
 */
int vmm_vcpu_pke_off(struct vmm_vcpu *v);
int vmm_vcpu_hide_pku(struct vmm_vcpu *v);
/*
 * The xfeatures of the vCPU's CPUID.(EAX=0xD,ECX=0) set to exactly
 * xfeatures, before vmm_start(), XCR0 first narrowed to fit; KVM derives
 * what KVM_SET_XSAVE and KVM_GET_XSAVE allow from it. Gaining a dynamic
 * component (AMX) needs vmm_guest_perm() before the VM was created.
 * -EOPNOTSUPP when KVM took the call but kept another CPUID.
 */
int vmm_vcpu_set_xfeatures(struct vmm_vcpu *v, uint64_t xfeatures);

/* Guest permission for XSAVE component i (ARCH_REQ_XCOMP_GUEST_PERM), and
 * the components this process may give guests (ARCH_GET_XCOMP_GUEST_PERM). */
int vmm_guest_perm(int i);
int vmm_guest_perm_get(uint64_t *xfeatures);

/* One MSR through KVM_GET_MSRS / KVM_SET_MSRS (host-initiated). */
#define VMM_MSR_IA32_XFD 0x1c4
int vmm_get_msr(struct vmm_vcpu *v, uint32_t index, uint64_t *val);
int vmm_set_msr(struct vmm_vcpu *v, uint32_t index, uint64_t val);

/* XSAVE state of a vCPU, standard format (KVM API doc 4.42, 4.43, 4.137). */
int vmm_get_xsave(struct vmm_vcpu *v, void *buf);	/* XS_KVM_SIZE bytes */
int vmm_set_xsave(struct vmm_vcpu *v, const void *buf);
int vmm_get_xsave2(struct vmm_vcpu *v, void *buf);	/* vmm_xsave2_size() */
int vmm_xsave2_size(void);
/* The KVM_GET_XSAVE2 size for this VM now (after vmm_guest_perm()). */
int vmm_vcpu_xsave2_size(struct vmm_vcpu *v);
int vmm_get_xcr0(struct vmm_vcpu *v, uint64_t *xcr0);
/* KVM_SET_XCRS of XCR0; on success it is vmm_guest_xcr0() from then on. */
int vmm_set_xcr0(struct vmm_vcpu *v, uint64_t xcr0);

#endif
