// SPDX-License-Identifier: GPL-2.0-only
/*
 * XS_AMX: TILECFG (17) and TILEDATA (18) make a vCPU's XSAVE state larger
 * than the 4096 bytes of struct kvm_xsave. A VMM must ask for the dynamic
 * component before it creates a vCPU, size its buffer by KVM_CAP_XSAVE2
 * and save with KVM_GET_XSAVE2. Where KVM offers no AMX these cases skip,
 * naming what is missing.
 */
#include <stdlib.h>

#include "cases/cases.h"

/* Permission is per process and locked by its first vCPU: without it
 * KVM_SET_CPUID2 cannot give the guest TILEDATA, and asking afterwards is
 * too late. */
CASE(amx, guest_perm_before_first_vcpu,
     SOURCES(KCODE("arch/x86/kernel/fpu/xstate.c", "xstate_request_perm()"),
	     KCODE("arch/x86/kvm/cpuid.c", "kvm_check_cpuid()")),
     .needs = RUN_NEED_KVM | RUN_NEED_XCOMP_SUPP)
{
	struct vmm_vm *vm;
	uint64_t perm;
	int rc;

	case_need_amx();
	SETUP(vmm_guest_perm_get(&perm));
	CHECK(!(perm & XS_BIT(XS_TILEDATA)), "ARCH_GET_XCOMP_GUEST_PERM 0x%llx "
	      "has TILEDATA before any request", (unsigned long long)perm);
	vm = case_vm(1, false);
	rc = vmm_vcpu_set_xfeatures(vmm_vcpu(vm, 0), vmm_host()->kvm_xcr0 | XS_AMX);
	run_observe("%s", rc ? vmm_errname(rc) : "accepted");
	CHECK(rc == -EPERM, "KVM_SET_CPUID2 with AMX and no guest permission: "
	      "%s, expected EPERM", rc ? vmm_strerror() : "accepted");
	rc = vmm_guest_perm(XS_TILEDATA);
	CHECK(rc == -EBUSY, "ARCH_REQ_XCOMP_GUEST_PERM after the first vCPU: "
	      "%s, expected EBUSY", rc ? vmm_strerror() : "granted");
	vmm_vm_free(vm);
}

/* be50b2065dfa: with more than 4096 bytes of state KVM_GET_XSAVE would
 * truncate it, so it refuses; KVM_CAP_XSAVE2 gives the size that holds
 * TILEDATA. */
CASE(amx, get_xsave_refused_above_4096,
     SOURCES(KCOMMIT("be50b2065dfa", "kvm: x86: Add support for getting/setting expanded xstate buffer"),
	     KVMDOC("4.134", "KVM_GET_XSAVE2")),
     .needs = RUN_NEED_KVM | RUN_NEED_XSAVE2 | RUN_NEED_XCOMP_SUPP)
{
	const struct xs_comp *td = &case_layout()->comp[XS_TILEDATA];
	struct vmm_vm *vm;
	uint8_t *buf;
	int size, rc;

	case_need_amx();
	vm = case_vm_amx(&size, &buf);
	CHECK(size >= (int)(td->offset + td->size), "KVM_CAP_XSAVE2 %d with AMX "
	      "enabled, expected at least %u (TILEDATA ends there)", size,
	      td->offset + td->size);
	rc = vmm_get_xsave(vmm_vcpu(vm, 0), buf);
	run_observe("%s", rc ? vmm_errname(rc) : "accepted");
	CHECK(rc == -EINVAL, "KVM_GET_XSAVE with %d bytes of state: %s, "
	      "expected EINVAL", size, rc ? vmm_strerror() : "accepted");
	EXPECT_OK(vmm_get_xsave2(vmm_vcpu(vm, 0), buf));
	free(buf);
	vmm_vm_free(vm);
}

/* Tiles written with KVM_SET_XSAVE are what the guest's XSAVE reads and
 * what KVM_GET_XSAVE2 returns; with TILEDATA's bit clear the tiles are in
 * their init state, as XRSTOR leaves them. */
CASE(amx, tiles_reach_guest,
     SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"), KVMDOC("4.134", "KVM_GET_XSAVE2"),
	     SDM(1, "13.8")),
     .needs = NEED_GUEST | RUN_NEED_XSAVE2 | RUN_NEED_XCOMP_SUPP)
{
	struct vmm_vcpu *v;
	struct vmm_vm *vm;
	uint8_t *buf, *seen;
	int size;

	case_need_amx();
	vm = case_vm_amx(&size, &buf);
	v = vmm_vcpu(vm, 0);
	seen = calloc(1, size);
	if (!seen)
		run_error("calloc(%d): %s", size, strerror(errno));
	SETUP(vmm_start(v));
	EXPECT_OK(vmm_get_xsave2(v, buf));
	SETUP(xs_fill(case_layout(), buf, size, XS_TILECFG, run_seed()));
	SETUP(xs_fill(case_layout(), buf, size, XS_TILEDATA, run_seed()));
	xs_set_xstate_bv(buf, xs_xstate_bv(buf) | XS_AMX);
	EXPECT_OK(vmm_set_xsave(v, buf));
	SETUP(vmm_guest_xsave(v, vmm_guest_xcr0(v), seen, size));
	CHECK((xs_xstate_bv(seen) & XS_AMX) == XS_AMX, "guest XSAVE XSTATE_BV 0x%llx "
	      "lacks a tile component KVM_SET_XSAVE set",
	      (unsigned long long)xs_xstate_bv(seen));
	case_expect_buf(buf, seen, size, XS_AMX, "guest XSAVE vs the KVM_SET_XSAVE buffer");
	EXPECT_OK(vmm_get_xsave2(v, seen));
	case_expect_buf(buf, seen, size, XS_AMX, "KVM_GET_XSAVE2 vs the KVM_SET_XSAVE buffer");

	SETUP(xs_fill(case_layout(), buf, size, XS_TILEDATA, run_seed() + 1));
	xs_set_xstate_bv(buf, xs_xstate_bv(buf) & ~XS_BIT(XS_TILEDATA));
	EXPECT_OK(vmm_set_xsave(v, buf));
	SETUP(vmm_guest_xsave(v, vmm_guest_xcr0(v), seen, size));
	CHECK(!(xs_xstate_bv(seen) & XS_BIT(XS_TILEDATA)) ||
	      xs_comp_is_init(case_layout(), seen, size, XS_TILEDATA),
	      "TILEDATA is not in its init state after KVM_SET_XSAVE with "
	      "XSTATE_BV[18] clear");
	free(seen);
	free(buf);
	vmm_vm_free(vm);
}
