// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every user component KVM supports, seen from inside the guest: what
 * KVM_SET_XSAVE writes with the component's XSTATE_BV bit set is what the
 * guest's own XSAVE reads; with the bit clear the component is back in its
 * init state, as XRSTOR would leave it. PKRU's bit-clear half is the
 * legacy exception: see cases/pkru.c.
 */
#include "cases/cases.h"

static void require_component(struct vmm_vcpu *v, int i)
{
	const struct vmm_host *h = vmm_host();

	if (!(h->kvm_xcr0 & XS_BIT(i)))
		run_skip("KVM does not support component %d (%s): "
			 "KVM_GET_SUPPORTED_CPUID 0xD.0 bit %d clear", i, xs_name(i), i);
	if (!(vmm_guest_xcr0(v) & XS_BIT(i)))
		run_error("component %d (%s) is supported but not in the guest's "
			  "XCR0 0x%llx", i, xs_name(i),
			  (unsigned long long)vmm_guest_xcr0(v));
}

static void expect_guest_sees(const struct xs_state *set,
			      const struct xs_state *seen, int i)
{
	CHECK(xs_xstate_bv(seen->b) & XS_BIT(i),
	      "guest XSAVE reports component %d (%s) in init state after "
	      "KVM_SET_XSAVE wrote a pattern with its bit set", i, xs_name(i));
	case_expect_components(set, seen, XS_BIT(i),
			       "guest XSAVE vs the KVM_SET_XSAVE buffer");
}

static void component_roundtrip(int i)
{
	struct vmm_vm *vm = case_vm(1, true);
	struct vmm_vcpu *v = vmm_vcpu(vm, 0);
	struct xs_state s, seen;

	require_component(v, i);
	/* Bit set: the guest reads the pattern. */
	case_get(v, &s);
	SETUP(xs_fill(case_layout(), s.b, sizeof(s.b), i, run_seed()));
	xs_set_xstate_bv(s.b, xs_xstate_bv(s.b) | XS_BIT(i));
	case_set(v, &s);
	case_guest_xsave(v, &seen);
	expect_guest_sees(&s, &seen, i);
	if (i == XS_PKRU)
		goto out;

	/* Bit clear: another pattern in the buffer, init state in the guest. */
	case_get(v, &s);
	SETUP(xs_fill(case_layout(), s.b, sizeof(s.b), i, run_seed() + 1));
	xs_set_xstate_bv(s.b, xs_xstate_bv(s.b) & ~XS_BIT(i));
	case_set(v, &s);
	case_guest_xsave(v, &seen);
	CHECK(!(xs_xstate_bv(seen.b) & XS_BIT(i)) ||
	      xs_comp_is_init(case_layout(), seen.b, sizeof(seen.b), i),
	      "component %d (%s) is not in its init state after KVM_SET_XSAVE "
	      "with its XSTATE_BV bit clear", i, xs_name(i));
out:
	vmm_vm_free(vm);
}

#define COMPONENT_CASE(name, i)						\
	CASE(xsave, name,						\
	     SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"), SDM(1, "13.8")),	\
	     .needs = NEED_GUEST)					\
	{								\
		component_roundtrip(i);					\
	}

COMPONENT_CASE(x87, XS_X87)
COMPONENT_CASE(sse, XS_SSE)
COMPONENT_CASE(avx_ymm_hi128, XS_YMM)
COMPONENT_CASE(mpx_bndregs, XS_BNDREGS)
COMPONENT_CASE(mpx_bndcsr, XS_BNDCSR)
COMPONENT_CASE(avx512_opmask, XS_OPMASK)
COMPONENT_CASE(avx512_zmm_hi256, XS_ZMM_HI256)
COMPONENT_CASE(avx512_hi16_zmm, XS_HI16_ZMM)
COMPONENT_CASE(pkru, XS_PKRU)

/* The XCR0 set with KVM_SET_XCRS is what the guest reads. */
CASE(xsave, guest_xcr0_is_kvm_set_xcrs,
     SOURCES(KVMDOC("4.45", "KVM_SET_XCRS")), .needs = NEED_GUEST)
{
	struct vmm_vm *vm = case_vm(1, true);
	struct vmm_vcpu *v = vmm_vcpu(vm, 0);
	uint64_t guest, kvm;

	SETUP(vmm_guest_xgetbv(v, 0, &guest));
	EXPECT_OK(vmm_get_xcr0(v, &kvm));
	CHECK_EQ(guest, vmm_guest_xcr0(v), "guest XGETBV(0) (expected: KVM_SET_XCRS value)");
	CHECK_EQ(kvm, vmm_guest_xcr0(v), "KVM_GET_XCRS XCR0");
	vmm_vm_free(vm);
}

/*
 * The other direction, which every save relies on: what the guest loads
 * with its own XRSTOR, KVM_GET_XSAVE returns, PKRU included.
 */
CASE(xsave, guest_xrstor_seen_by_get,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE")), .needs = NEED_GUEST)
{
	const struct xs_layout *l = case_layout();
	struct vmm_vm *vm = case_vm(1, true);
	struct vmm_vcpu *v = vmm_vcpu(vm, 0);
	uint64_t xcr0 = vmm_guest_xcr0(v), bv = 0;
	struct xs_state s, got;
	int i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < XS_NCOMP; i++)
		if ((xcr0 & XS_BIT(i)) && !xs_fill(l, s.b, sizeof(s.b), i, run_seed() + i))
			bv |= XS_BIT(i);
	xs_set_xstate_bv(s.b, bv);
	SETUP(vmm_guest_xrstor(v, xcr0, s.b, sizeof(s.b)));
	case_get(v, &got);
	CHECK((xs_xstate_bv(got.b) & bv) == bv,
	      "KVM_GET_XSAVE XSTATE_BV 0x%llx lacks components 0x%llx the guest loaded",
	      (unsigned long long)xs_xstate_bv(got.b),
	      (unsigned long long)(bv & ~xs_xstate_bv(got.b)));
	case_expect_components(&s, &got, bv,
			       "KVM_GET_XSAVE vs the guest's XRSTOR buffer");
	vmm_vm_free(vm);
}

/* In the guest's area: its XSAVE image at 0, the registers' source and copy
 * past the largest image without AMX. */
#define REGS_SRC 8192
#define REGS_DST (REGS_SRC + 1024)

/*
 * The guest loads XMM0-15 (with AVX, YMM0-15) with MOVDQU/VMOVDQU, XSAVEs
 * and reads them back, in one KVM_RUN: its image holds them as SSE and
 * YMM_Hi128 state, and so does KVM_GET_XSAVE after the run.
 */
static void registers_in_one_run(bool avx)
{
	static uint8_t area[GUEST_AREA_SIZE] __attribute__((aligned(64)));
	const struct xs_layout *l = case_layout();
	struct vmm_vm *vm = case_vm(1, true);
	struct vmm_vcpu *v = vmm_vcpu(vm, 0);
	uint64_t mask = XS_BIT(XS_SSE) | (avx ? XS_BIT(XS_YMM) : 0);
	unsigned int i, reg = avx ? 32 : 16;
	struct xs_state want = { 0 }, got;
	struct vmm_step s[] = {
		STEP(FILL_XMM, REGS_SRC), STEP(XSAVE, mask), STEP(READ_XMM, REGS_DST),
	};

	if (avx) {
		require_component(v, XS_YMM);
		s[0].op = GUEST_OP_FILL_YMM;
		s[2].op = GUEST_OP_READ_YMM;
		SETUP(xs_fill(l, want.b, sizeof(want.b), XS_YMM, run_seed() + 1));
	}
	SETUP(xs_fill(l, want.b, sizeof(want.b), XS_SSE, run_seed()));
	xs_set_xstate_bv(want.b, mask);
	memset(area, 0, sizeof(area));
	for (i = 0; i < 16; i++) {
		memcpy(area + REGS_SRC + i * reg,
		       (uint8_t *)xs_comp(l, want.b, sizeof(want.b), XS_SSE) + 16 * i, 16);
		if (avx)
			memcpy(area + REGS_SRC + i * reg + 16,
			       (uint8_t *)xs_comp(l, want.b, sizeof(want.b), XS_YMM) + 16 * i, 16);
	}
	SETUP(vmm_guest_seq(v, s, ARRAY_SIZE(s), area, sizeof(area)));
	CHECK(!memcmp(area + REGS_DST, area + REGS_SRC, 16 * reg),
	      "the registers read back in the same run differ from what was loaded");
	memcpy(got.b, area, sizeof(got.b));
	/* MXCSR, in the SSE component, is the guest's own: no MOVDQU loads it. */
	xs_set_mxcsr(want.b, xs_mxcsr(got.b));
	case_expect_components(&want, &got, mask,
			       "the guest's XSAVE right after loading the registers");
	case_get(v, &got);
	case_expect_components(&want, &got, mask, "KVM_GET_XSAVE after the run");
	vmm_vm_free(vm);
}

CASE(xsave, sse_registers_in_one_run,
     SOURCES(SDM(1, "13.5.2"), KVMDOC("4.42", "KVM_GET_XSAVE")),
     .needs = NEED_GUEST)
{
	registers_in_one_run(false);
}

CASE(xsave, avx_registers_in_one_run,
     SOURCES(SDM(1, "13.5.2"), SDM(1, "13.5.3"),
	     KVMDOC("4.42", "KVM_GET_XSAVE")),
     .needs = NEED_GUEST)
{
	registers_in_one_run(true);
}
