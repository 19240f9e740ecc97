// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_SET_XSAVE input validation, host side only: a VMM restoring a
 * corrupt or foreign buffer must get EINVAL and keep the vCPU's state.
 * The checks live in the kernel's FPU code, each case names its function.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cases/cases.h"

#define MXCSR_BAD (0x80000000u | 0x1f80)	/* bit 31: reserved on every CPU */

/* xfeatures KVM accepts in KVM_SET_XSAVE: kvm_caps.supported_xcr0. */
static uint64_t kvm_xfeatures(void)
{
	const struct vmm_host *h = vmm_host();

	return h->xcomp_err ? h->kvm_xcr0 : h->xcomp_guest_supp;
}

/*
 * A vCPU holding a seeded pattern in every component KVM accepts, and its
 * KVM_GET_XSAVE image: rejected calls must leave exactly this.
 */
static struct vmm_vm *patterned_vcpu(struct xs_state *base)
{
	const struct xs_layout *l = case_layout();
	struct vmm_vm *vm = case_vm(1, false);
	struct xs_state s;
	uint64_t bv = 0;
	int i;

	case_get(vmm_vcpu(vm, 0), &s);
	for (i = 0; i < XS_NCOMP; i++)
		if ((kvm_xfeatures() & XS_BIT(i)) &&
		    !xs_fill(l, s.b, sizeof(s.b), i, run_seed() + i))
			bv |= XS_BIT(i);
	xs_set_xstate_bv(s.b, bv);
	case_set(vmm_vcpu(vm, 0), &s);
	case_get(vmm_vcpu(vm, 0), base);
	return vm;
}

/*
 * 5.10's kvm_vcpu_ioctl_x86_set_xsave() checks XSTATE_BV and MXCSR only,
 * MXCSR whatever XSTATE_BV says, and ignores the rest of the header; the
 * FPU core's checks below hold from the kernels whose KVM_SET_XSAVE goes
 * through it (Debian's 6.1.192 on, checked in the trees; 5.10.262 not).
 */
static bool kvm_checks_header(void)
{
	return !vmm_kernel_before(vmm_host(), 5, 11, 0);
}

/* On 5.10: accepted, with the header bytes dropped, so the state is base. */
static void expect_ignored(struct vmm_vcpu *v, const struct xs_state *base,
			   const struct xs_state *bad, const char *what)
{
	struct xs_state now;

	CHECK(!vmm_set_xsave(v, bad->b), "KVM_SET_XSAVE with %s: %s, expected 5.10 "
	      "to ignore it", what, vmm_strerror());
	case_get(v, &now);
	case_expect_same(base, &now, what);
}

static void expect_rejected(struct vmm_vcpu *v, const struct xs_state *base,
			    const struct xs_state *bad, const char *what)
{
	struct xs_state now;
	int rc = vmm_set_xsave(v, bad->b);

	CHECK(rc == -EINVAL, "KVM_SET_XSAVE with %s: %s, expected EINVAL", what,
	      rc ? vmm_strerror() : "accepted");
	case_get(v, &now);
	case_expect_same(base, &now, what);
}

/* Rejected where the FPU core checks the header, ignored on 5.10. */
static void expect_header_checked(struct vmm_vcpu *v, const struct xs_state *base,
				  const struct xs_state *bad, const char *what)
{
	if (kvm_checks_header())
		expect_rejected(v, base, bad, what);
	else
		expect_ignored(v, base, bad, what);
}

/* A vCPU that never ran reports an empty header. */
CASE(validation, fresh_vcpu_header_is_clear,
     SOURCES(MEASURED("6.1 and 6.12")), .needs = RUN_NEED_KVM)
{
	struct vmm_vm *vm = case_vm(1, false);
	struct xs_state s;

	case_get(vmm_vcpu(vm, 0), &s);
	CHECK_EQ(xs_xstate_bv(s.b), 0, "XSTATE_BV of a fresh vCPU");
	CHECK_EQ(xs_xcomp_bv(s.b), 0, "XCOMP_BV of a fresh vCPU");
	CHECK(xs_reserved_clear(s.b), "reserved header bytes of a fresh vCPU are not 0");
	vmm_vm_free(vm);
}

/* What KVM_GET_XSAVE returns, KVM_SET_XSAVE takes back. */
CASE(validation, get_set_get_identical,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE"), KVMDOC("4.43", "KVM_SET_XSAVE")),
     .needs = RUN_NEED_KVM)
{
	struct xs_state base, again;
	struct vmm_vm *vm = case_vm(1, false);
	struct vmm_vcpu *v = vmm_vcpu(vm, 0);

	case_get(v, &base);
	case_set(v, &base);
	case_get(v, &again);
	case_expect_same(&base, &again, "fresh vCPU, GET -> SET -> GET");
	vmm_vm_free(vm);

	vm = patterned_vcpu(&base);
	v = vmm_vcpu(vm, 0);
	case_set(v, &base);
	case_get(v, &again);
	case_expect_same(&base, &again, "patterned vCPU, GET -> SET -> GET");
	vmm_vm_free(vm);
}

/* "if (hdr.xfeatures & ~xcr0) return -EINVAL" */
CASE(validation, rejects_unsupported_xstate_bv,
     SOURCES(KCODE("arch/x86/kernel/fpu/core.c",
		   "fpu_copy_uabi_to_guest_fpstate()")),
     .needs = RUN_NEED_KVM)
{
	/* AMX needs a larger buffer and a permission: not a plain 4096-byte SET. */
	const uint64_t skip = XS_AMX;
	struct xs_state base, bad;
	struct vmm_vm *vm = patterned_vcpu(&base);
	char what[96];
	int i, n = 0;

	for (i = 2; i < 64; i++) {
		if ((kvm_xfeatures() | skip) & XS_BIT(i))
			continue;
		bad = base;
		xs_set_xstate_bv(bad.b, xs_xstate_bv(base.b) | XS_BIT(i));
		snprintf(what, sizeof(what), "XSTATE_BV bit %d (%s), unsupported",
			 i, xs_name(i));
		expect_rejected(vmm_vcpu(vm, 0), &base, &bad, what);
		n++;
	}
	run_note("%d unsupported XSTATE_BV bits rejected", n);
	vmm_vm_free(vm);
}

/* "Userspace must use the uncompacted format"; 5.10 ignores XCOMP_BV. */
CASE(validation, rejects_xcomp_bv,
     SOURCES(KCODE("arch/x86/kernel/fpu/xstate.c",
		   "validate_user_xstate_header()"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_vcpu_ioctl_x86_set_xsave()")),
     .needs = RUN_NEED_KVM)
{
	struct xs_state base, bad;
	struct vmm_vm *vm = patterned_vcpu(&base);
	const uint64_t values[] = {
		1ULL << 63, (1ULL << 63) | xs_xstate_bv(base.b), XS_BIT(XS_X87), 1ULL << 62,
	};
	char what[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		bad = base;
		xs_set_xcomp_bv(bad.b, values[i]);
		snprintf(what, sizeof(what), "XCOMP_BV 0x%llx",
			 (unsigned long long)values[i]);
		expect_header_checked(vmm_vcpu(vm, 0), &base, &bad, what);
	}
	vmm_vm_free(vm);
}

/* "if (memchr_inv(hdr->reserved, 0, ...)) return -EINVAL"; 5.10 ignores them. */
CASE(validation, rejects_reserved_header_bytes,
     SOURCES(KCODE("arch/x86/kernel/fpu/xstate.c",
		   "validate_user_xstate_header()"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_vcpu_ioctl_x86_set_xsave()")),
     .needs = RUN_NEED_KVM)
{
	struct xs_state base, bad;
	struct vmm_vm *vm = patterned_vcpu(&base);
	char what[64];
	int i;

	for (i = 0; i < XS_RSVD_SIZE; i++) {
		bad = base;
		bad.b[XS_RSVD_OFF + i] = 0x80 >> (i % 8);
		snprintf(what, sizeof(what), "reserved header byte %d = 0x%02x", i,
			 bad.b[XS_RSVD_OFF + i]);
		expect_header_checked(vmm_vcpu(vm, 0), &base, &bad, what);
	}
	vmm_vm_free(vm);
}

/*
 * "Validate MXCSR when any of the related features is in use" (x87, SSE
 * or AVX in XSTATE_BV), -EINVAL on a reserved bit.
 */
CASE(validation, rejects_mxcsr_reserved_bit,
     SOURCES(KCODE("arch/x86/kernel/fpu/xstate.c", "copy_uabi_to_xstate()")),
     .needs = RUN_NEED_KVM)
{
	const uint64_t sets[] = {
		XS_BIT(XS_X87), XS_BIT(XS_SSE), XS_BIT(XS_X87) | XS_BIT(XS_SSE),
		XS_BIT(XS_YMM),
	};
	struct xs_state base, bad;
	struct vmm_vm *vm = patterned_vcpu(&base);
	char what[96];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		if (sets[i] & ~kvm_xfeatures())
			continue;
		bad = base;
		xs_set_xstate_bv(bad.b, sets[i]);
		xs_set_mxcsr(bad.b, MXCSR_BAD);
		snprintf(what, sizeof(what), "MXCSR 0x%x and XSTATE_BV 0x%llx",
			 MXCSR_BAD, (unsigned long long)sets[i]);
		expect_rejected(vmm_vcpu(vm, 0), &base, &bad, what);
	}
	vmm_vm_free(vm);
}

/* The same MXCSR is not looked at, nor loaded, when x87, SSE and AVX are
 * clear; 5.10 rejects it all the same. */
CASE(validation, accepts_mxcsr_when_fp_sse_avx_clear,
     SOURCES(KCODE("arch/x86/kernel/fpu/xstate.c", "copy_uabi_to_xstate()"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_vcpu_ioctl_x86_set_xsave()")),
     .needs = RUN_NEED_KVM)
{
	const uint64_t related = XS_BIT(XS_X87) | XS_BIT(XS_SSE) | XS_BIT(XS_YMM);
	struct xs_state base, s, now;
	struct vmm_vm *vm = patterned_vcpu(&base);
	int rc;

	s = base;
	xs_set_xstate_bv(s.b, xs_xstate_bv(base.b) & ~related);
	xs_set_mxcsr(s.b, MXCSR_BAD);
	if (!kvm_checks_header()) {
		expect_rejected(vmm_vcpu(vm, 0), &base, &s, "MXCSR reserved bit, "
				"x87, SSE and AVX clear (5.10 checks MXCSR always)");
		vmm_vm_free(vm);
		return;
	}
	rc = vmm_set_xsave(vmm_vcpu(vm, 0), s.b);
	CHECK(!rc, "KVM_SET_XSAVE with MXCSR 0x%x and XSTATE_BV 0x%llx: %s, "
	      "expected success", MXCSR_BAD,
	      (unsigned long long)xs_xstate_bv(s.b), vmm_strerror());
	case_get(vmm_vcpu(vm, 0), &now);
	CHECK(xs_mxcsr(now.b) != MXCSR_BAD,
	      "the reserved MXCSR 0x%x was loaded although x87, SSE and AVX were clear",
	      MXCSR_BAD);
	vmm_vm_free(vm);
}

/*
 * KVM_GET_XSAVE2 returns the same state as KVM_GET_XSAVE in a buffer of
 * KVM_CAP_XSAVE2 bytes; its first 4096 bytes are the same.
 */
CASE(validation, get_xsave2_matches_get_xsave,
     SOURCES(KVMDOC("4.134", "KVM_GET_XSAVE2"), KVMDOC("4.42", "KVM_GET_XSAVE")),
     .needs = RUN_NEED_KVM | RUN_NEED_XSAVE2)
{
	struct xs_state base, first;
	struct vmm_vm *vm = patterned_vcpu(&base);
	uint8_t *big = calloc(1, vmm_xsave2_size());

	if (!big)
		run_error("calloc(%d): %s", vmm_xsave2_size(), strerror(errno));
	EXPECT_OK(vmm_get_xsave2(vmm_vcpu(vm, 0), big));
	memcpy(first.b, big, sizeof(first.b));
	case_expect_same(&base, &first, "first 4096 bytes of KVM_GET_XSAVE2");
	free(big);
	vmm_vm_free(vm);
}
