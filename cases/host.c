// SPDX-License-Identifier: GPL-2.0-only
/*
 * What KVM tells a VMM about XSAVE before any vCPU exists: the buffer size
 * to allocate and the components a guest may have. A VMM sizes migration
 * buffers and checks destination hosts from exactly these answers.
 */
#include <stdlib.h>

#include "cases/cases.h"

/* Bytes past the reported size that KVM_GET_XSAVE2 must leave alone. */
#define XSAVE2_GUARD 4096

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

	CHECK(!(h->kvm_xcr0 & ~h->xcomp_guest_supp),
	      "supported CPUID 0xD.0 has 0x%llx, beyond KVM_X86_XCOMP_GUEST_SUPP 0x%llx",
	      (unsigned long long)h->kvm_xcr0,
	      (unsigned long long)h->xcomp_guest_supp);
	CHECK(!((h->xcomp_guest_supp & ~h->kvm_xcr0) & ~XS_AMX),
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

/* Whether KVM_GET_XSAVE2 of a fresh vCPU wrote size bytes and no more. */
static void get_xsave2_stays_in(struct vmm_vcpu *v, int size)
{
	uint8_t *buf = malloc(size + XSAVE2_GUARD);
	int i;

	if (!buf)
		run_error("malloc(%d): %s", size + XSAVE2_GUARD, strerror(errno));
	memset(buf, 0xa5, size + XSAVE2_GUARD);
	EXPECT_OK(vmm_get_xsave2(v, buf));
	for (i = size; i < size + XSAVE2_GUARD && buf[i] == 0xa5; i++)
		;
	CHECK(i == size + XSAVE2_GUARD, "KVM_GET_XSAVE2 wrote byte %d, beyond the "
	      "%d bytes KVM_CAP_XSAVE2 reports", i, size);
	CHECK_EQ(xs_xcomp_bv(buf), 0, "XCOMP_BV of KVM_GET_XSAVE2 (standard format)");
	CHECK(xs_reserved_clear(buf), "KVM_GET_XSAVE2 left reserved header bytes set");
	free(buf);
}

/*
 * KVM_CAP_XSAVE2 and KVM_GET_XSAVE2 came with be50b2065dfa (5.17): absent
 * before (Debian's 5.10.262 has neither), offered from then on. Where
 * offered, the VM reports the size /dev/kvm does, and KVM_GET_XSAVE2
 * fills a buffer of that size and writes nothing beyond it.
 */
CASE(host, xsave2_offered_from_5_17,
     SOURCES(KCOMMIT("be50b2065dfa", "kvm: x86: Add support for getting/setting expanded xstate buffer"),
	     KVMDOC("4.134", "KVM_GET_XSAVE2")),
     .needs = RUN_NEED_KVM)
{
	const struct vmm_host *h = vmm_host();
	bool due = !vmm_kernel_before(h, 5, 17, 0);
	struct vmm_vm *vm;
	int size;

	if (!h->xsave2_size) {
		run_observe("absent");
		CHECK(!due, "KVM_CAP_XSAVE2 absent on kernel %s (added in 5.17)",
		      h->release);
		return;
	}
	run_observe("%d bytes", h->xsave2_size);
	CHECK(due, "KVM_CAP_XSAVE2 offered (%d bytes) on kernel %s, before 5.17",
	      h->xsave2_size, h->release);
	vm = case_vm(1, false);
	size = vmm_vcpu_xsave2_size(vmm_vcpu(vm, 0));
	if (size < 0)
		run_error("%s", vmm_strerror());
	CHECK(size == h->xsave2_size, "KVM_CAP_XSAVE2 is %d on the VM, %d on /dev/kvm",
	      size, h->xsave2_size);
	get_xsave2_stays_in(vmm_vcpu(vm, 0), size);
	vmm_vm_free(vm);
}
