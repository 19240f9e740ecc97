// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vCPU's CPUID narrowed or widened as a VMM's CPU model does it: PKU
 * absent, or the xfeatures of CPUID.(EAX=0xD,ECX=0) changed. KVM checks
 * CR4 and XCR0 against the vCPU's CPUID (kvm_is_valid_cr4(),
 * __kvm_set_xcr()), so CR4.PKE and XCR0 go first, the CPUID bits last.
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
	return vmm_set_xcr0(v, v->xcr0 & ~XS_BIT(XS_PKRU));
}

int vmm_vcpu_cpuid(struct vmm_vcpu *v, struct kvm_cpuid2 **c)
{
	int rc;

	*c = calloc(1, sizeof(**c) + CPUID_MAX_ENTRIES * sizeof((*c)->entries[0]));
	if (!*c)
		return vmm_fail("calloc", ENOMEM);
	(*c)->nent = CPUID_MAX_ENTRIES;
	rc = vmm_vcpu_ioctl(v, KVM_GET_CPUID2, *c);
	if (rc)
		free(*c);
	return rc;
}

/* KVM_GET_CPUID2, edit(c, arg), KVM_SET_CPUID2: before the first KVM_RUN
 * (KVM refuses a different CPUID after it). */
static int edit_cpuid(struct vmm_vcpu *v, int (*edit)(struct kvm_cpuid2 *c,
						      uint64_t arg),
		      uint64_t arg)
{
	struct kvm_cpuid2 *c;
	int rc;

	if (v->started)
		return vmm_failf(EBUSY, "KVM_SET_CPUID2: vCPU already ran");
	rc = vmm_vcpu_cpuid(v, &c);
	if (rc)
		return rc;
	rc = edit(c, arg);
	if (!rc)
		rc = vmm_vcpu_ioctl(v, KVM_SET_CPUID2, c);
	free(c);
	return rc;
}

static struct kvm_cpuid_entry2 *entry(struct kvm_cpuid2 *c, uint32_t fn,
				      uint32_t idx)
{
	unsigned int i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn && c->entries[i].index == idx)
			return &c->entries[i];
	return NULL;
}

static void clear_feature(struct kvm_cpuid2 *c, struct kvm_x86_cpu_feature f)
{
	struct kvm_cpuid_entry2 *e = entry(c, f.function, f.index);

	/* eax..edx in the order of f.reg, as in kvm_cpuid_has(). */
	if (e)
		(&e->eax)[f.reg] &= ~(1u << f.bit);
}

/*
 * CPUID.(EAX=7,ECX=0):ECX bit 3 PKU and bit 4 OSPKE, and PKRU (bit 9) in
 * the XCR0 bits of CPUID.(EAX=0xD,ECX=0):EAX: KVM derives the guest's
 * xfeatures from leaf 0xD alone (guest_supported_xcr0).
 */
static int clear_pku_bits(struct kvm_cpuid2 *c, uint64_t unused)
{
	clear_feature(c, X86_FEATURE_PKU);
	clear_feature(c, X86_FEATURE_OSPKE);
	clear_feature(c, (struct kvm_x86_cpu_feature)
		      KVM_X86_CPU_FEATURE(0xd, 0, EAX, XS_PKRU));
	return 0;
}

int vmm_vcpu_hide_pku(struct vmm_vcpu *v)
{
	int rc = vmm_vcpu_pke_off(v);

	return rc ? rc : edit_cpuid(v, clear_pku_bits, 0);
}

static int set_xfeatures(struct kvm_cpuid2 *c, uint64_t xfeatures)
{
	struct kvm_cpuid_entry2 *e = entry(c, 0xd, 0);

	if (!e)
		return vmm_failf(ENOENT, "KVM_GET_CPUID2: the vCPU has no leaf 0xD");
	e->eax = (uint32_t)xfeatures;
	e->edx = (uint32_t)(xfeatures >> 32);
	return 0;
}

/* -EOPNOTSUPP if KVM_GET_CPUID2 does not show what KVM_SET_CPUID2 took. */
static int check_xfeatures(struct vmm_vcpu *v, uint64_t xfeatures)
{
	struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid2 *c;
	uint64_t now = 0;
	int rc = vmm_vcpu_cpuid(v, &c);

	if (rc)
		return rc;
	e = entry(c, 0xd, 0);
	if (e)
		now = e->eax | ((uint64_t)e->edx << 32);
	free(c);
	if (now != xfeatures)
		return vmm_failf(EOPNOTSUPP, "KVM_SET_CPUID2 accepted xfeatures 0x%llx "
				 "in CPUID.(EAX=0xD,ECX=0), but KVM_GET_CPUID2 shows "
				 "0x%llx: this KVM keeps its own CPUID",
				 (unsigned long long)xfeatures,
				 (unsigned long long)now);
	return 0;
}

/* XCR0 loses what the new set lacks first; KVM_SET_CPUID2 then resizes the
 * vCPU's XSAVE state for dynamic (AMX) components it gains. */
int vmm_vcpu_set_xfeatures(struct vmm_vcpu *v, uint64_t xfeatures)
{
	int rc;

	if (v->xcr0 & ~xfeatures) {
		rc = vmm_set_xcr0(v, v->xcr0 & xfeatures);
		if (rc)
			return rc;
	}
	rc = edit_cpuid(v, set_xfeatures, xfeatures);
	return rc ? rc : check_xfeatures(v, xfeatures);
}
