// SPDX-License-Identifier: GPL-2.0-only
/*
 * XRSTOR as the reference model. For a valid standard-format buffer, the
 * state the guest sees after KVM_SET_XSAVE is the state it sees after
 * XRSTORing the same buffer itself with RFBM = XCR0 (a component whose
 * XSTATE_BV bit is set is loaded, one whose bit is clear goes to its init
 * state), component by component. Buffers come from xs_gen() seeded by
 * the run's seed, so --seed N replays a failure. Two exceptions, each
 * checked on its own:
 * - PKRU with XSTATE_BV[9] clear: the legacy KVM ABI leaves the vCPU's
 *   PKRU untouched where XRSTOR loads 0.
 * - MXCSR with none of x87, SSE, AVX in XSTATE_BV: XRSTOR loads it (RFBM
 *   has SSE), KVM_SET_XSAVE does not; a known hazard, below.
 * - MXCSR with SSE's bit clear on a host with XSAVES: the kernel's XRSTORS
 *   takes MXCSR with SSE's bit only; the second hazard, below.
 */
#include <stdio.h>

#include "cases/cases.h"

/*
 * Each buffer costs four guest round trips. Measured in the emulated
 * machine (run.sh --vm): 32 buffers in 57 to 87 ms, far inside the case's
 * timeout even on a much slower host.
 */
#define ORACLE_BUFFERS 32

/* The XSTATE_BV bits with which copy_uabi_to_xstate() takes MXCSR. */
#define MXCSR_BITS (XS_BIT(XS_X87) | XS_BIT(XS_SSE) | XS_BIT(XS_YMM))

/*
 * The bits with which MXCSR reaches the vCPU: compacted XRSTORS loads it
 * only with XSTATE_BV[1] (SDM Vol. 1, 13.12), standard XRSTOR with any.
 */
static uint64_t mxcsr_carried(void)
{
	return vmm_host()->host_xsaves ? XS_BIT(XS_SSE) : MXCSR_BITS;
}

struct oracle {
	struct vmm_vm *vm;
	struct vmm_vcpu *set;		/* path A: KVM_SET_XSAVE */
	struct vmm_vcpu *xrstor;	/* path B: the guest's own XRSTOR */
	uint64_t xcr0;			/* both guests' XCR0, RFBM of both paths */
	uint64_t rng;			/* xs_rand() state, from run_seed() */
	struct xs_state buf;		/* the buffer under test */
	uint32_t pkru_before;		/* path A's PKRU before KVM_SET_XSAVE */
	char what[192];			/* how a failure names the buffer */
};

/* Two started vCPUs of one VM, one per path. */
static void oracle_init(struct oracle *o)
{
	o->vm = case_vm(2, true);
	o->set = vmm_vcpu(o->vm, 0);
	o->xrstor = vmm_vcpu(o->vm, 1);
	o->xcr0 = vmm_guest_xcr0(o->set);
	o->rng = run_seed();
}

static bool has_pkru(const struct oracle *o)
{
	return o->xcr0 & XS_BIT(XS_PKRU);
}

/*
 * The next buffer, its XSTATE_BV limited to keep, and the label that names
 * it in a failure so that it can be replayed.
 */
static void next_buffer(struct oracle *o, int index, uint64_t keep)
{
	uint64_t bv;

	SETUP(xs_gen(case_layout(), o->buf.b, sizeof(o->buf.b), o->xcr0,
		     xs_rand(&o->rng)));
	bv = xs_xstate_bv(o->buf.b) & keep;
	xs_set_xstate_bv(o->buf.b, bv);
	o->pkru_before = xs_pkru_pattern(xs_rand(&o->rng));
	snprintf(o->what, sizeof(o->what),
		 "buffer %d, XSTATE_BV 0x%llx (--seed %llu -g oracle replays it)",
		 index, (unsigned long long)bv, (unsigned long long)run_seed());
}

/* Path A: a known PKRU, KVM_SET_XSAVE, then what the guest's XSAVE sees. */
static void via_set_xsave(struct oracle *o, struct xs_state *seen)
{
	if (has_pkru(o))
		SETUP(vmm_guest_wrpkru(o->set, o->pkru_before));
	if (vmm_set_xsave(o->set, o->buf.b))
		run_fail("%s: KVM_SET_XSAVE refused a valid buffer: %s", o->what,
			 vmm_strerror());
	case_guest_xsave(o->set, seen);
	xs_expand_init(case_layout(), seen->b, sizeof(seen->b), o->xcr0);
}

/* Path B: the guest XRSTORs the buffer, then XSAVEs. */
static void via_xrstor(struct oracle *o, struct xs_state *seen)
{
	/* A fault here means xs_gen() made an invalid buffer. */
	if (vmm_guest_xrstor(o->xrstor, o->xcr0, o->buf.b, sizeof(o->buf.b)))
		run_error("%s: %s", o->what, vmm_strerror());
	case_guest_xsave(o->xrstor, seen);
	xs_expand_init(case_layout(), seen->b, sizeof(seen->b), o->xcr0);
}

/*
 * With XSTATE_BV[9] clear the paths differ on purpose: KVM keeps the
 * vCPU's PKRU, XRSTOR loads the init value 0. Check that instead, and
 * leave PKRU out of the comparison.
 */
static uint64_t check_pkru_bit_clear(const struct oracle *o,
				     const struct xs_state *a,
				     const struct xs_state *b)
{
	const struct xs_layout *l = case_layout();
	uint32_t pa = xs_pkru(l, a->b, sizeof(a->b));
	uint32_t pb = xs_pkru(l, b->b, sizeof(b->b));

	if (!has_pkru(o) || (xs_xstate_bv(o->buf.b) & XS_BIT(XS_PKRU)))
		return o->xcr0;
	CHECK(pa == o->pkru_before, "%s: PKRU after KVM_SET_XSAVE is 0x%x, "
	      "expected 0x%x (legacy ABI: untouched)", o->what, pa,
	      o->pkru_before);
	CHECK(pb == XS_PKRU_INIT, "%s: PKRU after the guest's XRSTOR is 0x%x, "
	      "expected 0 (init)", o->what, pb);
	return o->xcr0 & ~XS_BIT(XS_PKRU);
}

/* Both paths for o->buf: what the guest sees after each. */
static void run_paths(struct oracle *o, struct xs_state *a, struct xs_state *b)
{
	via_set_xsave(o, a);
	via_xrstor(o, b);
}

/*
 * Component by component. MXCSR counts only where it reaches the vCPU
 * (mxcsr_carried()): the rest is for the two mxcsr cases to measure.
 */
static void expect_same_state(struct oracle *o, struct xs_state *a,
			      const struct xs_state *b)
{
	char what[256];

	if (!(xs_xstate_bv(o->buf.b) & mxcsr_carried()))
		xs_set_mxcsr(a->b, xs_mxcsr(b->b));
	snprintf(what, sizeof(what),
		 "%s: guest XSAVE after its own XRSTOR vs after KVM_SET_XSAVE",
		 o->what);
	case_expect_components(b, a, check_pkru_bit_clear(o, a, b), what);
}

CASE(oracle, set_xsave_is_guest_xrstor,
     SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"), SDM(1, "13.8.1"),
	     KCOMMIT("d7e5aceace51", "x86/fpu: Emulate XRSTOR's behavior if the xfeatures PKRU bit is not set")),
     .needs = NEED_GUEST)
{
	struct xs_state a, b;
	struct oracle o;
	int i;

	oracle_init(&o);
	for (i = 0; i < ORACLE_BUFFERS; i++) {
		next_buffer(&o, i, ~0ULL);
		run_paths(&o, &a, &b);
		expect_same_state(&o, &a, &b);
		run_note("%s: same state", o.what);
	}
	vmm_vm_free(o.vm);
}

/*
 * The buffer (given another MXCSR than the vCPU's, rounding control flipped
 * if need be, or keeping it would go unseen) through both paths: the
 * guest's XRSTOR must load its MXCSR, and KVM_SET_XSAVE is checked to.
 */
static void expect_mxcsr_loaded(struct oracle *o)
{
	struct xs_state before, a, b;
	uint32_t old, want;

	case_guest_xsave(o->set, &before);
	old = xs_mxcsr(before.b);
	if (xs_mxcsr(o->buf.b) == old)
		xs_set_mxcsr(o->buf.b, old ^ 0x6000);
	want = xs_mxcsr(o->buf.b);
	run_paths(o, &a, &b);
	/* The reference itself: not a verdict on KVM_SET_XSAVE. */
	if (xs_mxcsr(b.b) != want)
		run_error("%s: MXCSR after the guest's XRSTOR is 0x%x, not the "
			  "buffer's 0x%x", o->what, xs_mxcsr(b.b), want);
	CHECK(xs_mxcsr(a.b) == want, "%s: MXCSR after KVM_SET_XSAVE is 0x%x "
	      "(0x%x before it), XRSTOR loads the buffer's 0x%x", o->what,
	      xs_mxcsr(a.b), old, want);
}

/*
 * XRSTOR loads MXCSR whenever RFBM has SSE or AVX, whatever XSTATE_BV says;
 * KVM_SET_XSAVE takes it only with x87, SSE or AVX in XSTATE_BV: with none
 * of them the vCPU keeps its MXCSR (the hazard, measured). XSAVE stores
 * MXCSR whatever XINUSE says, so an image with SSE's bit clear can still
 * carry a non-default MXCSR.
 */
CASE(oracle, mxcsr_without_x87_sse_avx,
     SOURCES(SDM(1, "13.8.1"), SDM(1, "13.7"),
	     KCODE("arch/x86/kernel/fpu/xstate.c", "copy_uabi_to_xstate()"),
	     MEASURED("6.1 and 6.12")),
     .needs = NEED_GUEST,
     .expect = RUN_EXPECT_XFAIL,
     .hazard = "KVM_SET_XSAVE ignores MXCSR when XSTATE_BV has none of x87, "
	       "SSE, AVX, where XRSTOR loads it: a VMM restoring a buffer it "
	       "did not get from KVM_GET_XSAVE must set SSE's bit (XMM area "
	       "included) to keep MXCSR")
{
	struct oracle o;

	oracle_init(&o);
	next_buffer(&o, 0, ~MXCSR_BITS);
	expect_mxcsr_loaded(&o);
	vmm_vm_free(o.vm);
}

/*
 * On a host with XSAVES the kernel keeps guest state compacted and loads it
 * with XRSTORS, which takes MXCSR only with XSTATE_BV[1] and otherwise sets
 * it to 1F80H (SDM Vol. 1, 13.12 and 13.8.2). copy_uabi_to_xstate() copies
 * MXCSR with x87's or AVX's bit too, but sets no SSE bit: with x87 or AVX
 * and no SSE, the guest's XRSTOR (standard form) loads MXCSR and
 * KVM_SET_XSAVE does not. Measured in the Intel machine (Bochs, 6.12 and
 * 7.2): MXCSR kept.
 */
CASE(oracle, mxcsr_with_x87_or_avx_without_sse,
     SOURCES(SDM(1, "13.12"), SDM(1, "13.8.2"),
	     KCODE("arch/x86/kernel/fpu/xstate.c", "copy_uabi_to_xstate()"),
	     MEASURED("6.12 and 7.2 on the Intel machine")),
     .needs = NEED_GUEST,
     .expect = RUN_EXPECT_XFAIL,
     .hazard = "on a host with XSAVES, KVM_SET_XSAVE drops MXCSR when "
	       "XSTATE_BV has x87 or AVX but not SSE, where XRSTOR loads it: a "
	       "VMM restoring a buffer it did not get from KVM_GET_XSAVE must set "
	       "SSE's bit (XMM area included) to keep MXCSR")
{
	struct oracle o;
	int i;

	if (!vmm_host()->host_xsaves)
		run_skip("host CPU has no XSAVES (CPUID.(EAX=0xD,ECX=1):EAX[3] "
			 "clear): the kernel restores guest state with XRSTOR");
	oracle_init(&o);
	for (i = 0; i < ORACLE_BUFFERS; i++) {
		next_buffer(&o, i, ~XS_BIT(XS_SSE));
		if (xs_xstate_bv(o.buf.b) & MXCSR_BITS)
			break;
	}
	if (i == ORACLE_BUFFERS)
		run_error("no buffer with x87 or AVX in %d", ORACLE_BUFFERS);
	expect_mxcsr_loaded(&o);
	vmm_vm_free(o.vm);
}
