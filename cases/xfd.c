// SPDX-License-Identifier: GPL-2.0-only
/*
 * XFD (SDM Vol. 1, 13.14): with IA32_XFD[i] set, XRSTOR of state whose
 * XSTATE_BV[i] is set raises #NM, so KVM must not keep such state for a
 * guest that armed XFD. Only Intel CPUs with AMX have an XFD-capable
 * component; everywhere else these cases skip, naming what is missing.
 */
#include <stdlib.h>

#include "cases/cases.h"

/*
 * b45f72177594: KVM_SET_XSAVE clears XSTATE_BV[i] where XFD[i] is set
 * (6.19; stable 6.1.162 and 6.12.67 per Debian's changelogs, present in
 * their 6.1.192 and 6.12.118 trees and in 7.2.13; 6.6.122 per its stable
 * release). Before it, the FPU core refused such a buffer with -EINVAL,
 * after a WARN in fpu_copy_uabi_to_guest_fpstate(). 5.10 has no XFD.
 */
static const struct vmm_kchange set_clears_xfd_bits = {
	.mainline = VMM_KV(6, 19, 0),
	.stable = { VMM_KV(6, 1, 162), VMM_KV(6, 6, 122), VMM_KV(6, 12, 67) },
};

static void need_xfd_tiledata(void)
{
	const struct vmm_host *h = vmm_host();

	if (!h->host_xfd)
		run_skip("host CPU has no XFD (CPUID.(EAX=0xD,ECX=1):EAX[4] clear)");
	if (!(h->xfd_xfeatures & XS_BIT(XS_TILEDATA)))
		run_skip("host CPU has no XFD-capable AMX TILEDATA "
			 "(CPUID.(EAX=0xD,ECX=18):ECX[2] clear)");
	case_need_amx();
}

/* The guest armed XFD for TILEDATA; a VMM restores tile data anyway. */
CASE(xfd, set_xsave_drops_disabled_component,
     SOURCES(KCOMMIT("b45f72177594", "x86/fpu: Clear XSTATE_BV[i] in guest XSAVE state whenever XFD[i]=1"),
	     SDM(1, "13.14"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_vcpu_ioctl_x86_set_xsave()")),
     .needs = RUN_NEED_KVM | RUN_NEED_XSAVE2 | RUN_NEED_XCOMP_SUPP)
{
	bool drops = vmm_kernel_has(vmm_host(), &set_clears_xfd_bits);
	struct vmm_vm *vm;
	struct vmm_vcpu *vc;
	uint64_t xfd;
	uint8_t *buf;
	int size, rc;

	need_xfd_tiledata();
	vm = case_vm_amx(&size, &buf);
	vc = vmm_vcpu(vm, 0);
	SETUP(vmm_get_xsave2(vc, buf));
	SETUP(vmm_set_msr(vc, VMM_MSR_IA32_XFD, XS_BIT(XS_TILEDATA)));
	SETUP(vmm_get_msr(vc, VMM_MSR_IA32_XFD, &xfd));
	CHECK_EQ(xfd, XS_BIT(XS_TILEDATA), "IA32_XFD read back");
	SETUP(xs_fill(case_layout(), buf, size, XS_TILEDATA, run_seed()));
	xs_set_xstate_bv(buf, xs_xstate_bv(buf) | XS_BIT(XS_TILEDATA));
	rc = vmm_set_xsave(vc, buf);
	if (rc) {
		run_observe("%s", vmm_errname(rc));
		CHECK(!drops && rc == -EINVAL, "KVM_SET_XSAVE with XSTATE_BV[18] "
		      "while XFD[18] is set: %s, expected the bit dropped", vmm_strerror());
	} else {
		EXPECT_OK(vmm_get_xsave2(vc, buf));
		run_observe("accepted, bit 18 %s",
			    xs_xstate_bv(buf) & XS_BIT(XS_TILEDATA) ? "kept" : "dropped");
		CHECK(drops, "KVM_SET_XSAVE with XSTATE_BV[18] while XFD[18] is set: "
		      "accepted, expected EINVAL before b45f72177594");
		CHECK(!(xs_xstate_bv(buf) & XS_BIT(XS_TILEDATA)), "KVM_GET_XSAVE2 "
		      "XSTATE_BV 0x%llx keeps TILEDATA while XFD[18] is set",
		      (unsigned long long)xs_xstate_bv(buf));
	}
	free(buf);
	vmm_vm_free(vm);
}
