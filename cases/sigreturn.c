// SPDX-License-Identifier: GPL-2.0-only
/*
 * PKRU through rt_sigreturn: a signal handler edits the XSAVE state of its
 * own frame and the kernel XRSTORs it on return. XSTATE_BV[9] set loads
 * the frame's PKRU, clear resets PKRU to 0, as XRSTOR does. The handler
 * runs with the kernel's default PKRU; the frame holds the interrupted one.
 * Test values are never 0 or 0x55555554.
 */
#include "cases/cases.h"

static void sigreturn_pkru(bool bit9)
{
	struct task_sigframe f = { .bit9 = bit9 };
	uint32_t v[2], want, after;	/* v[0] before, v[1] written */

	case_pkru_values(v, 2);
	f.pkru = v[1];
	want = bit9 ? v[1] : XS_PKRU_INIT;
	SETUP(task_wrpkru(v[0]));
	EXPECT_OK(task_sigreturn_edit(&f));
	SETUP(task_rdpkru(&after));
	run_note("handler PKRU 0x%x; frame XSTATE_BV 0x%llx, PKRU slot 0x%x",
		 f.handler_pkru, (unsigned long long)f.frame_bv, f.frame_pkru);

	case_observe_pkru(v[0], v[1], after);
	CHECK_EQ(after, want, bit9 ? "RDPKRU after sigreturn with the frame's bit 9 set"
			    : "RDPKRU after sigreturn with the frame's bit 9 clear (XRSTOR: init)");
	/*
	 * The frame holds the interrupted PKRU, bit 9 set. Kernels with
	 * 70044df250d0 ("x86/pkeys: Update PKRU to enable all pkeys before
	 * XSAVE", 6.12) but not its fix (6.12.5, 6.13) could leave it clear.
	 */
	CHECK((f.frame_bv & XS_BIT(XS_PKRU)) && f.frame_pkru == v[0],
	      "frame as delivered: XSTATE_BV[9] %d, PKRU slot 0x%x; "
	      "expected the interrupted PKRU 0x%x, bit 9 set",
	      !!(f.frame_bv & XS_BIT(XS_PKRU)), f.frame_pkru, v[0]);
}

/* XRSTOR from the frame: PKRU = the frame's slot. */
CASE(sigreturn, frame_with_bit_loads_pkru,
     SOURCES(SDM(1, "13.8"),
	     KCODE("arch/x86/kernel/fpu/signal.c", "restore_fpregs_from_user()"),
	     KCOMMIT("ae6012d72fa6", "x86/pkeys: Ensure updated PKRU value is XRSTOR'd")),
     .needs = RUN_NEED_HOST_PKU, .matrix = RUN_MATRIX_SIGRETURN_BIT_SET)
{
	sigreturn_pkru(true);
}

/* XRSTOR with XSTATE_BV[9] clear puts PKRU in its init state, 0. */
CASE(sigreturn, frame_without_bit_inits_pkru,
     SOURCES(SDM(1, "13.8"),
	     KCODE("arch/x86/kernel/fpu/signal.c", "restore_fpregs_from_user()"),
	     KCOMMIT("ae6012d72fa6", "x86/pkeys: Ensure updated PKRU value is XRSTOR'd")),
     .needs = RUN_NEED_HOST_PKU, .matrix = RUN_MATRIX_SIGRETURN_BIT_CLEAR)
{
	sigreturn_pkru(false);
}
