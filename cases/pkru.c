// SPDX-License-Identifier: GPL-2.0-only
/*
 * PKRU through KVM_GET_XSAVE/KVM_SET_XSAVE, read back by the guest's own
 * RDPKRU. The legacy ABI: XSTATE_BV[9] set loads PKRU from the buffer;
 * clear leaves the guest's PKRU untouched, unlike XRSTOR, ptrace and
 * sigreturn. Test values are never 0 or 0x55555554, which a missing
 * switch would produce.
 */
#include "cases/cases.h"

/* Fresh test values v, and a started vCPU whose guest has WRPKRU'd v[0]. */
static struct vmm_vm *guest_with_pkru(uint32_t v[3])
{
	struct vmm_vm *vm = case_vm(1, true);

	case_pkru_values(v, 3);
	SETUP(vmm_guest_wrpkru(vmm_vcpu(vm, 0), v[0]));
	return vm;
}

static void expect_get_pkru(struct vmm_vcpu *v, uint32_t want, const char *when)
{
	struct xs_state s;

	case_get(v, &s);
	CHECK(xs_xstate_bv(s.b) & XS_BIT(XS_PKRU),
	      "%s: KVM_GET_XSAVE has XSTATE_BV[9] clear (XSTATE_BV 0x%llx)", when,
	      (unsigned long long)xs_xstate_bv(s.b));
	CHECK_EQ(xs_pkru(case_layout(), s.b, sizeof(s.b)), want, when);
}

/* KVM_GET_XSAVE returns the guest's PKRU, bit 9 set. */
CASE(pkru, get_shows_guest_wrpkru,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE")), .needs = NEED_PKU)
{
	uint32_t v[3];
	struct vmm_vm *vm;

	vm = guest_with_pkru(v);
	expect_get_pkru(vmm_vcpu(vm, 0), v[0], "PKRU in KVM_GET_XSAVE after guest WRPKRU");
	vmm_vm_free(vm);
}

/*
 * One KVM_RUN, no exit in between: the guest's XSAVE stores the PKRU it
 * has just written and its XRSTOR loads it back (PKRU is XSAVE component
 * 9); KVM_GET_XSAVE after the run holds what XRSTOR loaded.
 */
CASE(pkru, guest_xrstor_in_one_run,
     SOURCES(SDM(1, "13.5.7"), SDM(1, "13.8"), KVMDOC("4.42", "KVM_GET_XSAVE")),
     .needs = NEED_PKU)
{
	struct vmm_vm *vm = case_vm(1, true);
	struct vmm_vcpu *vc = vmm_vcpu(vm, 0);
	struct xs_state img = { 0 };
	uint32_t v[2];
	struct vmm_step s[] = {
		STEP(WRPKRU, 0), STEP(XSAVE, XS_BIT(XS_PKRU)),
		STEP(WRPKRU, 0), STEP(RDPKRU, 0),
		STEP(XRSTOR, XS_BIT(XS_PKRU)), STEP(RDPKRU, 0),
	};

	case_pkru_values(v, 2);
	s[0].arg = v[0];
	s[2].arg = v[1];
	SETUP(vmm_guest_seq(vc, s, ARRAY_SIZE(s), img.b, sizeof(img.b)));
	CHECK(xs_xstate_bv(img.b) & XS_BIT(XS_PKRU),
	      "the guest's XSAVE of PKRU left XSTATE_BV[9] clear");
	CHECK_EQ(xs_pkru(case_layout(), img.b, sizeof(img.b)), v[0],
		 "PKRU in the guest's XSAVE image right after its WRPKRU");
	CHECK_EQ((uint32_t)s[3].ret, v[1], "guest RDPKRU after the second WRPKRU");
	CHECK_EQ((uint32_t)s[5].ret, v[0], "guest RDPKRU after XRSTOR of the image");
	expect_get_pkru(vc, v[0], "PKRU in KVM_GET_XSAVE after the run");
	vmm_vm_free(vm);
}

/* XSTATE_BV[9] set: the buffer's PKRU is loaded, as by XRSTOR. */
CASE(pkru, set_with_bit_loads_pkru,
     SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"),
	     KCOMMIT("4a804c4f8356", "x86/fpu: Allow PKRU to be (once again) written by ptrace.")),
     .needs = NEED_PKU, .matrix = RUN_MATRIX_KVM_SET_XSAVE_BIT_SET)
{
	struct vmm_vm *vm;
	struct vmm_vcpu *vc;
	uint32_t v[3], got;

	vm = guest_with_pkru(v);
	vc = vmm_vcpu(vm, 0);
	case_set_pkru(vc, true, v[1]);
	got = case_guest_pkru(vc);
	case_observe_pkru(v[0], v[1], got);
	CHECK_EQ(got, v[1], "guest RDPKRU after KVM_SET_XSAVE with bit 9 set");
	expect_get_pkru(vc, v[1], "PKRU in KVM_GET_XSAVE after the guest ran");
	vmm_vm_free(vm);
}

/*
 * XSTATE_BV[9] clear with value c in the slot: the guest keeps a. The same
 * buffer has SSE clear too, and XMM must come back in init state: the
 * contrast that proves the buffer was applied at all.
 */
static void bit_clear_keeps_pkru(uint32_t c)
{
	const struct xs_layout *l = case_layout();
	struct vmm_vm *vm;
	struct vmm_vcpu *vc;
	struct xs_state s, seen;
	uint32_t v[3], got;

	vm = guest_with_pkru(v);
	vc = vmm_vcpu(vm, 0);
	case_get(vc, &s);
	SETUP(xs_fill(l, s.b, sizeof(s.b), XS_SSE, run_seed()));
	xs_set_xstate_bv(s.b, xs_xstate_bv(s.b) | XS_BIT(XS_SSE));
	case_set(vc, &s);

	case_get(vc, &s);
	SETUP(xs_fill(l, s.b, sizeof(s.b), XS_SSE, run_seed() + 1));
	xs_set_xstate_bv(s.b, xs_xstate_bv(s.b) & ~(XS_BIT(XS_PKRU) | XS_BIT(XS_SSE)));
	SETUP(xs_set_pkru(l, s.b, sizeof(s.b), c));
	case_set(vc, &s);

	got = case_guest_pkru(vc);
	case_observe_pkru(v[0], c, got);
	CHECK_EQ(got, v[0],
		 "guest RDPKRU after KVM_SET_XSAVE with bit 9 clear (legacy ABI: untouched)");
	case_guest_xsave(vc, &seen);
	CHECK(!(xs_xstate_bv(seen.b) & XS_BIT(XS_SSE)) ||
	      xs_comp_is_init(l, seen.b, sizeof(seen.b), XS_SSE),
	      "XMM not in init state after the same KVM_SET_XSAVE with SSE clear: "
	      "the buffer was not applied");
	vmm_vm_free(vm);
}

CASE(pkru, set_without_bit_keeps_pkru,
     SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"),
	     KCOMMIT("d7e5aceace51", "x86/fpu: Emulate XRSTOR's behavior if the xfeatures PKRU bit is not set")),
     .needs = NEED_PKU, .matrix = RUN_MATRIX_KVM_SET_XSAVE_BIT_CLEAR)
{
	uint32_t v[3];

	case_pkru_values(v, 3);
	bit_clear_keeps_pkru(v[2]);
}

CASE(pkru, set_without_bit_zero_slot_keeps_pkru,
     SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"),
	     KCOMMIT("d7e5aceace51", "x86/fpu: Emulate XRSTOR's behavior if the xfeatures PKRU bit is not set")),
     .needs = NEED_PKU)
{
	bit_clear_keeps_pkru(0);
}

/*
 * KVM_GET_XSAVE right after a bit-9-clear KVM_SET_XSAVE, before KVM_RUN,
 * reports bit 9 clear and slot 0 while the vCPU keeps its PKRU (the
 * hazard, measured). A VMM expects GET to show the vCPU's PKRU.
 */
CASE(pkru, get_before_run_after_set_without_bit,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE"), MEASURED("6.1 and 6.12")),
     .needs = NEED_PKU,
     .expect = RUN_EXPECT_XFAIL,
     .hazard = "KVM_GET_XSAVE before KVM_RUN hides PKRU after a bit-9-clear "
	       "KVM_SET_XSAVE: a second migration hop before the guest runs "
	       "loses PKRU; a VMM must keep PKRU from the source buffer")
{
	struct vmm_vm *vm;
	struct vmm_vcpu *vc;
	uint32_t v[3];

	vm = guest_with_pkru(v);
	vc = vmm_vcpu(vm, 0);
	case_set_pkru(vc, false, v[2]);
	expect_get_pkru(vc, v[0], "PKRU in KVM_GET_XSAVE before the next KVM_RUN");
	vmm_vm_free(vm);
}

/*
 * The PKRU slot KVM_GET_XSAVE fills while the vCPU's XSTATE_BV[9] is
 * clear (a bit-9-clear KVM_SET_XSAVE, before the next KVM_RUN; KVM keeps
 * its own PKRU). Before b15888840207 (6.3, 6.1.22) the loop of
 * __copy_xstate_to_uabi_buf() ran over user_xfeatures and wrote the
 * vCPU's PKRU whatever the bit (KVM used it from 5.16: inferred, no such
 * tree checked); since, it copies only components whose bit is set, so the
 * slot is 0. 5.10's fill_xsave() copies only those too. Debian's 5.10.262,
 * 6.1.192, 6.12.118 and 7.2.13 all leave it 0.
 */
CASE(pkru, get_slot_with_bit_clear,
     SOURCES(KCOMMIT("b15888840207", "x86/fpu/xstate: Prevent false-positive warning in __copy_xstate_uabi_buf()"),
	     KCODE("arch/x86/kernel/fpu/xstate.c", "__copy_xstate_to_uabi_buf()"),
	     KCODE("arch/x86/kvm/x86.c", "fill_xsave()")),
     .needs = NEED_PKU)
{
	static const struct vmm_kchange slot_follows_bit = {
		.mainline = VMM_KV(6, 3, 0), .stable = { VMM_KV(6, 1, 22) },
	};
	const struct vmm_host *h = vmm_host();
	bool zero = vmm_kernel_has(h, &slot_follows_bit) ||
		    vmm_kernel_before(h, 5, 16, 0);
	struct vmm_vm *vm;
	struct vmm_vcpu *vc;
	struct xs_state s;
	uint32_t v[3], slot;

	vm = guest_with_pkru(v);
	vc = vmm_vcpu(vm, 0);
	case_set_pkru(vc, false, v[2]);
	case_get(vc, &s);
	slot = xs_pkru(case_layout(), s.b, sizeof(s.b));
	if (slot == v[0])
		run_observe("slot = vCPU PKRU");
	else if (!slot)
		run_observe("slot 0");
	else
		run_observe("slot 0x%x", slot);
	CHECK(!(xs_xstate_bv(s.b) & XS_BIT(XS_PKRU)), "KVM_GET_XSAVE right after a "
	      "bit-9-clear KVM_SET_XSAVE has XSTATE_BV[9] set (XSTATE_BV 0x%llx)",
	      (unsigned long long)xs_xstate_bv(s.b));
	CHECK_EQ(slot, zero ? 0 : v[0], zero ? "PKRU slot with XSTATE_BV[9] clear "
		 "(b15888840207: 0)" : "PKRU slot with XSTATE_BV[9] clear (before "
		 "b15888840207: the vCPU's PKRU)");
	CHECK_EQ(case_guest_pkru(vc), v[0], "guest RDPKRU after that KVM_GET_XSAVE");
	vmm_vm_free(vm);
}
