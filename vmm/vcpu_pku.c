// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vCPU whose guest has PKU disabled or absent. KVM checks CR4 and XCR0
 * against the vCPU's CPUID (kvm_is_valid_cr4(), __kvm_set_xcr()), so
 * CR4.PKE and XCR0[9] go first, the CPUID bits last.
 */
#include <errno.h>
#include <stdlib.h>

#include "vmm/internal.h"

#define CPUID_MAX_ENTRIES 256

int vmm_vcpu_pke_off(struct vmm_vcpu *v)
{
	struct kvm_sregs sregs;
	int rc;

	if (v->started)
		return vmm_failf(EBUSY, "vmm_vcpu_pke_off: vCPU already ran");
	rc = vmm_vcpu_ioctl(v, KVM_GET_SREGS, &sregs);
	if (rc)
		return rc;
	sregs.cr4 &= ~X86_CR4_PKE;
	rc = vmm_vcpu_ioctl(v, KVM_SET_SREGS, &sregs);
	if (rc)
		return rc;
	v->xcr0 &= ~XS_BIT(XS_PKRU);
	return vmm_set_xcr0(v, v->xcr0);
}

/*
 * CPUID.(EAX=7,ECX=0):ECX bit 3 PKU and bit 4 OSPKE, and PKRU (bit 9) in
 * the XCR0 bits of CPUID.(EAX=0xD,ECX=0):EAX: KVM derives the guest's
 * xfeatures from leaf 0xD alone (guest_supported_xcr0), as a VMM's CPU
 * model without PKU does.
 */
static void clear_feature(struct kvm_cpuid2 *c, struct kvm_x86_cpu_feature f)
{
	struct kvm_cpuid_entry2 *e;
	unsigned int i;

	for (i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		/* eax..edx in the order of f.reg, as in kvm_cpuid_has(). */
		if (e->function == f.function && e->index == f.index)
			(&e->eax)[f.reg] &= ~(1u << f.bit);
	}
}

static void clear_pku_bits(struct kvm_cpuid2 *c)
{
	clear_feature(c, X86_FEATURE_PKU);
	clear_feature(c, X86_FEATURE_OSPKE);
	clear_feature(c, (struct kvm_x86_cpu_feature)
		      KVM_X86_CPU_FEATURE(0xd, 0, EAX, XS_PKRU));
}

int vmm_vcpu_hide_pku(struct vmm_vcpu *v)
{
	struct kvm_cpuid2 *c;
	int rc = vmm_vcpu_pke_off(v);

	if (rc)
		return rc;
	c = calloc(1, sizeof(*c) + CPUID_MAX_ENTRIES * sizeof(c->entries[0]));
	if (!c)
		return vmm_fail("calloc", ENOMEM);
	c->nent = CPUID_MAX_ENTRIES;
	rc = vmm_vcpu_ioctl(v, KVM_GET_CPUID2, c);
	if (!rc) {
		clear_pku_bits(c);
		rc = vmm_vcpu_ioctl(v, KVM_SET_CPUID2, c);
	}
	free(c);
	return rc;
}
