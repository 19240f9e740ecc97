// SPDX-License-Identifier: GPL-2.0-only
/*
 * What KVM tells a VMM about XSAVE before any vCPU exists: the buffer size
 * to allocate and the components a guest may have. A VMM sizes migration
 * buffers and checks destination hosts from exactly these answers.
 */
#include "cases/cases.h"

/*
 * KVM_CAP_XSAVE2 is the KVM_GET_XSAVE2 buffer size: the standard-format
 * size of KVM's supported xfeatures, never below 4096.
 */
CASE(host, xsave2_size_matches_cpuid,
     SOURCES(KVMDOC("4.134", "KVM_GET_XSAVE2"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_vm_ioctl_check_extension()")),
     .needs = RUN_NEED_KVM | RUN_NEED_XSAVE2)
{
	const struct vmm_host *h = vmm_host();
	uint32_t want = xs_std_size(&h->layout, h->kvm_xcr0);

	if (want < XS_KVM_SIZE)
		want = XS_KVM_SIZE;
	CHECK(h->xsave2_size >= XS_KVM_SIZE, "KVM_CAP_XSAVE2 is %d, below 4096",
	      h->xsave2_size);
	CHECK_EQ(h->xsave2_size, want,
		 "KVM_CAP_XSAVE2 (expected: CPUID 0xD size of supported XCR0)");
}

/*
 * KVM_X86_XCOMP_GUEST_SUPP lists the xfeatures KVM supports; supported
 * CPUID 0xD.0 reports the same set, less AMX until the process asked for
 * it with ARCH_REQ_XCOMP_GUEST_PERM.
 */
CASE(host, xcomp_guest_supp_matches_cpuid,
     SOURCES(KVMDOC("4.80", "KVM_GET_DEVICE_ATTR"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_x86_dev_get_attr()"),
	     KCODE("arch/x86/kvm/cpuid.c", "__do_cpuid_func()")),
     .needs = RUN_NEED_KVM | RUN_NEED_XCOMP_SUPP)
{
	const struct vmm_host *h = vmm_host();
	const uint64_t amx = XS_BIT(XS_TILECFG) | XS_BIT(XS_TILEDATA);

	CHECK(!(h->kvm_xcr0 & ~h->xcomp_guest_supp),
	      "supported CPUID 0xD.0 has 0x%llx, beyond KVM_X86_XCOMP_GUEST_SUPP 0x%llx",
	      (unsigned long long)h->kvm_xcr0,
	      (unsigned long long)h->xcomp_guest_supp);
	CHECK(!((h->xcomp_guest_supp & ~h->kvm_xcr0) & ~amx),
	      "KVM_X86_XCOMP_GUEST_SUPP 0x%llx has non-AMX bits that supported "
	      "CPUID 0xD.0 (0x%llx) lacks", (unsigned long long)h->xcomp_guest_supp,
	      (unsigned long long)h->kvm_xcr0);
}

/*
 * KVM passes the host's XSAVE layout through to guests: supported CPUID
 * 0xD.i for each supported component equals host CPUID 0xD.i (the host
 * subleaves are copied). A VMM restoring a buffer relies on it.
 */
CASE(host, supported_layout_is_host_layout,
     SOURCES(KCODE("arch/x86/kvm/cpuid.c", "__do_cpuid_func()")),
     .needs = RUN_NEED_KVM)
{
	const struct vmm_host *h = vmm_host();
	int i;

	if (!(h->kvm_xcr0 & ~(XS_BIT(XS_X87) | XS_BIT(XS_SSE))))
		run_skip("KVM supports no XSAVE component beyond x87 and SSE "
			 "(KVM_GET_SUPPORTED_CPUID 0xD.0 EAX = 0x%llx)",
			 (unsigned long long)h->kvm_xcr0);
	for (i = 2; i < XS_NCOMP; i++) {
		const struct xs_comp *k = &h->kvm_layout.comp[i];
		const struct xs_comp *c = &h->layout.comp[i];

		if (!(h->kvm_xcr0 & XS_BIT(i)))
			continue;
		CHECK(h->kvm_layout.xfeatures & XS_BIT(i),
		      "KVM supports component %d (%s) but has no CPUID 0xD.%d", i,
		      xs_name(i), i);
		CHECK(k->offset == c->offset && k->size == c->size,
		      "component %d (%s): KVM says offset 0x%x size 0x%x, host CPUID "
		      "offset 0x%x size 0x%x", i, xs_name(i), k->offset, k->size,
		      c->offset, c->size);
	}
}
