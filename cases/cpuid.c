// SPDX-License-Identifier: GPL-2.0-only
/*
 * XSAVE state when the guest's CPUID or XCR0 leaves a component out, PKU
 * above all. A VMM restores state before or regardless of the guest's own
 * CPU setup, so what KVM accepts must not depend on it, while what KVM
 * reports follows the guest's CPUID.
 */
#include "cases/cases.h"

/* ad856280ddea: KVM_SET_XSAVE checks XSTATE_BV against the guest's CPUID. */
static const struct vmm_kchange set_checks_guest_cpuid = {
	.mainline = VMM_KV(5, 17, 0),
};

/* 8647c52e9504: it checks against what KVM supports again; GET masks. */
static const struct vmm_kchange get_masks_guest_cpuid = {
	.mainline = VMM_KV(6, 6, 0),
	.stable = { VMM_KV(6, 1, 60), VMM_KV(6, 5, 9) },
};

/* Kernels that reject state the guest's CPUID leaves out: 5.17 to 6.5,
 * 6.1 before 6.1.60 (Debian's 6.1.192 and 5.10.262 accept it). */
static bool set_rejects_unexposed(void)
{
	return vmm_kernel_has(vmm_host(), &set_checks_guest_cpuid) &&
	       !vmm_kernel_has(vmm_host(), &get_masks_guest_cpuid);
}

/* A started vCPU whose CPUID has no PKU (nor OSPKE). */
static struct vmm_vm *vm_without_pku(void)
{
	struct vmm_vm *vm = case_vm(1, false);

	SETUP(vmm_vcpu_hide_pku(vmm_vcpu(vm, 0)));
	SETUP(vmm_start(vmm_vcpu(vm, 0)));
	return vm;
}

/*
 * KVM_SET_XSAVE checks XSTATE_BV against what KVM supports, not against
 * the guest's CPUID (since 6.6, backported to 6.1.60 and 6.5.9). Kernels
 * from 5.17 until then rejected the buffer with -EINVAL, which breaks
 * migration into a guest CPU model without PKU.
 */
CASE(cpuid, no_pku_set_xsave_with_bit_accepted,
     SOURCES(KCOMMIT("8647c52e9504", "KVM: x86: Constrain guest-supported xfeatures only at KVM_GET_XSAVE{2}"),
	     KVMDOC("4.43", "KVM_SET_XSAVE")),
     .needs = NEED_PKU)
{
	struct vmm_vm *vm = vm_without_pku();
	struct xs_state s;
	uint32_t v[1];
	int rc;

	case_pkru_values(v, 1);
	case_get(vmm_vcpu(vm, 0), &s);
	SETUP(xs_put_pkru(case_layout(), s.b, sizeof(s.b), true, v[0]));
	rc = vmm_set_xsave(vmm_vcpu(vm, 0), s.b);
	if (rc == -EINVAL && set_rejects_unexposed())
		run_xfail("KVM_SET_XSAVE with XSTATE_BV[9] into a vCPU whose CPUID lacks "
			  "PKU: EINVAL, as on 5.17 to 6.5 without \"KVM: x86: Constrain "
			  "guest-supported xfeatures only at KVM_GET_XSAVE{2}\"; a VMM must "
			  "clear bit 9 when the destination CPU model has no PKU");
	CHECK(rc == 0, "KVM_SET_XSAVE with XSTATE_BV[9], guest CPUID without PKU: %s",
	      vmm_strerror());
	vmm_vm_free(vm);
}

/*
 * KVM_GET_XSAVE reports only what the guest's CPUID allows ("Only copy
 * state for features that are enabled for the guest"), so bit 9 is clear
 * there.
 */
CASE(cpuid, no_pku_get_xsave_hides_bit,
     SOURCES(KCOMMIT("8647c52e9504", "KVM: x86: Constrain guest-supported xfeatures only at KVM_GET_XSAVE{2}"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_vcpu_ioctl_x86_get_xsave2()")),
     .needs = NEED_PKU)
{
	struct vmm_vm *vm = vm_without_pku();
	struct xs_state s;

	case_get(vmm_vcpu(vm, 0), &s);
	CHECK(!(xs_xstate_bv(s.b) & XS_BIT(XS_PKRU)),
	      "KVM_GET_XSAVE with guest CPUID without PKU: XSTATE_BV 0x%llx has bit 9",
	      (unsigned long long)xs_xstate_bv(s.b));
	vmm_vm_free(vm);
}

/*
 * Guest CPUID with PKU, but CR4.PKE clear and XCR0 without PKRU, as at boot
 * before the guest kernel enables them: KVM keeps a PKRU restored by
 * KVM_SET_XSAVE in vcpu->arch.pkru without loading it (it switches PKRU
 * only with CR4.PKE or XCR0[9] set), and the guest reads it once it sets
 * both.
 */
CASE(cpuid, pke_off_value_survives_until_enabled,
     SOURCES(KCODE("arch/x86/kvm/x86.c", "kvm_load_guest_xsave_state()"),
	     SDM(3, "2.5"), SDM(3, "4.6.2")),
     .needs = NEED_PKU)
{
	struct vmm_vm *vm = case_vm(1, false);
	struct vmm_vcpu *vc = vmm_vcpu(vm, 0);
	uint64_t xcr0, cr4, seen;
	uint32_t v[1];

	case_pkru_values(v, 1);
	SETUP(vmm_vcpu_pke_off(vc));
	SETUP(vmm_start(vc));
	xcr0 = vmm_guest_xcr0(vc);
	case_set_pkru(vc, true, v[0]);
	/* A KVM_RUN with PKU still off: the guest's XCR0 has no PKRU. */
	SETUP(vmm_guest_xgetbv(vc, 0, &seen));
	CHECK(!(seen & XS_BIT(XS_PKRU)), "guest XGETBV(0) 0x%llx has PKRU",
	      (unsigned long long)seen);
	SETUP(vmm_guest_xsetbv(vc, xcr0 | XS_BIT(XS_PKRU)));
	SETUP(vmm_guest_cr4_set(vc, VMM_CR4_PKE, &cr4));
	CHECK(cr4 & VMM_CR4_PKE, "guest CR4 0x%llx: PKE did not stick",
	      (unsigned long long)cr4);
	CHECK_EQ(case_guest_pkru(vc), v[0],
		 "guest RDPKRU after enabling CR4.PKE and XCR0[9]");
	vmm_vm_free(vm);
}

/*
 * A guest CPU model without AVX (CPUID 0xD.0 narrowed to x87, SSE and
 * PKRU), then KVM_SET_XSAVE of a buffer with AVX state, as from a source
 * whose guest had AVX: -EINVAL on kernels with ad856280ddea but not
 * 8647c52e9504, accepted before and after, and from 8647c52e9504 on (and
 * on 5.10, whose fill_xsave() masks the same way) KVM_GET_XSAVE then
 * leaves AVX out.
 */
CASE(cpuid, narrow_xfeatures_set_xsave_with_avx,
     SOURCES(KCOMMIT("ad856280ddea", "x86/kvm/fpu: Limit guest user_xfeatures to supported bits of XCR0"),
	     KCOMMIT("8647c52e9504", "KVM: x86: Constrain guest-supported xfeatures only at KVM_GET_XSAVE{2}"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_vcpu_ioctl_x86_set_xsave()")),
     .needs = RUN_NEED_KVM)
{
	const uint64_t narrow = XS_BIT(XS_X87) | XS_BIT(XS_SSE) | XS_BIT(XS_PKRU);
	const struct vmm_host *h = vmm_host();
	bool rejects = set_rejects_unexposed(), masked;
	struct vmm_vm *vm;
	struct vmm_vcpu *vc;
	struct xs_state s;
	int rc;

	if (!(h->kvm_xcr0 & XS_BIT(XS_YMM)))
		run_skip("KVM does not support AVX (KVM_GET_SUPPORTED_CPUID 0xD.0 "
			 "EAX = 0x%llx, bit 2 clear)", (unsigned long long)h->kvm_xcr0);
	vm = case_vm(1, false);
	vc = vmm_vcpu(vm, 0);
	case_get(vc, &s);
	SETUP(xs_fill(case_layout(), s.b, sizeof(s.b), XS_YMM, run_seed()));
	xs_set_xstate_bv(s.b, xs_xstate_bv(s.b) | XS_BIT(XS_YMM));
	case_set_xfeatures(vc, h->kvm_xcr0 & narrow);
	rc = vmm_set_xsave(vc, s.b);
	if (rc) {
		run_observe("%s", vmm_errname(rc));
		CHECK(rejects && rc == -EINVAL, "KVM_SET_XSAVE with AVX, guest CPUID "
		      "without it: %s, expected success on this kernel", vmm_strerror());
		vmm_vm_free(vm);
		return;
	}
	case_get(vc, &s);
	masked = !(xs_xstate_bv(s.b) & XS_BIT(XS_YMM));
	run_observe("accepted, GET %s AVX", masked ? "hides" : "shows");
	CHECK(!rejects, "KVM_SET_XSAVE with AVX, guest CPUID without it: accepted, "
	      "expected EINVAL (ad856280ddea without 8647c52e9504)");
	CHECK(masked || !(vmm_kernel_has(h, &get_masks_guest_cpuid) ||
			  vmm_kernel_before(h, 5, 11, 0)),
	      "KVM_GET_XSAVE XSTATE_BV 0x%llx has AVX, which the guest's CPUID lacks",
	      (unsigned long long)xs_xstate_bv(s.b));
	vmm_vm_free(vm);
}
