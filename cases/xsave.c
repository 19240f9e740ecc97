// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every user component KVM supports, seen from inside the guest: what
 * KVM_SET_XSAVE writes with the component's XSTATE_BV bit set is what the
 * guest's own XSAVE reads; with the bit clear the component is back in its
 * init state, as XRSTOR would leave it (SDM Vol. 1, 13.8; KVM API doc
 * 4.43). PKRU's bit-clear half is the legacy exception: see cases/pkru.c.
 */
#include <stdio.h>
#include <stdlib.h>

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
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		run_error("open_memstream: %s", strerror(errno));
	CHECK(xs_xstate_bv(seen->b) & XS_BIT(i),
	      "guest XSAVE reports component %d (%s) in init state after "
	      "KVM_SET_XSAVE wrote a pattern with its bit set", i, xs_name(i));
	if (xs_diff(case_layout(), set->b, seen->b, sizeof(set->b), XS_BIT(i), f)) {
		fclose(f);
		run_fail("guest reads other values than KVM_SET_XSAVE wrote: %s", text);
	}
	fclose(f);
	free(text);
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
	CASE(xsave, name, .needs = NEED_GUEST)				\
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
