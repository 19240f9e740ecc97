// SPDX-License-Identifier: GPL-2.0-only
/*
 * PKRU through signal delivery and rt_sigreturn: a signal handler edits
 * the XSAVE state of its own frame and the kernel XRSTORs it on return.
 * XSTATE_BV[9] set loads the frame's PKRU, clear resets PKRU to 0, as
 * XRSTOR does. The handler runs with the kernel's default PKRU; the frame
 * holds the interrupted one. Seeded test values are never 0 or
 * 0x55555554. The 6.12 x86/pkeys series made delivery and return work
 * where the interrupted PKRU denies the alternate stack's protection key.
 */
#include <signal.h>

#include "cases/cases.h"

/* 70044df250d0: every key open while the kernel writes the frame (6.12). */
static const struct vmm_kchange frame_written_with_keys_open = {
	.mainline = VMM_KV(6, 12, 0),
};

/* d10b554919d4: sigreturn reads the altstack before it XRSTORs PKRU (6.12;
 * 6.11.3 took it without 70044df250d0). */
static const struct vmm_kchange altstack_restored_first = {
	.mainline = VMM_KV(6, 12, 0), .stable = { VMM_KV(6, 11, 3) },
};

/* ae6012d72fa6: the frame's XSTATE_BV[9] is always set (6.13; 6.12.5). */
static const struct vmm_kchange frame_bit9_forced = {
	.mainline = VMM_KV(6, 13, 0), .stable = { VMM_KV(6, 12, 5) },
};

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

/*
 * fpu__clear_user_states() gives every handler the default PKRU,
 * init_pkru_value (0x55555554 unless changed through debugfs
 * x86/init_pkru), on every kernel from 5.10 to 7.2, whatever PKRU the
 * signal interrupted.
 */
CASE(sigreturn, handler_runs_with_init_pkru,
     SOURCES(KCODE("arch/x86/kernel/fpu/core.c", "fpu__clear_user_states()"),
	     KCODE("arch/x86/mm/pkeys.c", "init_pkru_value")),
     .needs = RUN_NEED_HOST_PKU)
{
	struct task_sigframe f = { .bit9 = true };

	case_pkru_values(&f.pkru, 1);
	SETUP(task_wrpkru(f.pkru));
	EXPECT_OK(task_sigreturn_edit(&f));
	run_observe("handler PKRU 0x%x", f.handler_pkru);
	CHECK_EQ(f.handler_pkru, XS_PKRU_HOST_DEFAULT,
		 "RDPKRU in the handler (the default init_pkru_value)");
}

/*
 * PKRU 0 is XSAVE's init state, so XSAVE itself may leave XSTATE_BV[9]
 * clear in the frame (SDM Vol. 1, 13.6: XINUSE); ae6012d72fa6 sets it
 * after XSAVE. Before it the bit is whatever the CPU's XSAVE wrote (QEMU
 * TCG always sets it), and sigreturn gives PKRU 0 either way.
 */
CASE(sigreturn, frame_bit9_set_for_pkru_zero,
     SOURCES(KCOMMIT("ae6012d72fa6", "x86/pkeys: Ensure updated PKRU value is XRSTOR'd"),
	     KCOMMIT("d1e420772cd1", "x86/pkeys: Simplify PKRU update in signal frame"),
	     SDM(1, "13.6")),
     .needs = RUN_NEED_HOST_PKU)
{
	struct task_sigframe f = { .bit9 = true, .pkru = 0 };
	bool forced = vmm_kernel_has(vmm_host(), &frame_bit9_forced);
	uint32_t after;

	SETUP(task_wrpkru(0));
	EXPECT_OK(task_sigreturn_edit(&f));
	SETUP(task_rdpkru(&after));
	run_observe("frame XSTATE_BV[9] %d, slot 0x%x",
		    !!(f.frame_bv & XS_BIT(XS_PKRU)), f.frame_pkru);
	CHECK_EQ(f.frame_pkru, 0, "the frame's PKRU slot for an interrupted PKRU 0");
	CHECK(!forced || (f.frame_bv & XS_BIT(XS_PKRU)),
	      "frame XSTATE_BV 0x%llx has bit 9 clear (ae6012d72fa6 sets it)",
	      (unsigned long long)f.frame_bv);
	CHECK_EQ(after, 0, "RDPKRU after sigreturn");
}

/* The outcome in a few words, for the multi-kernel report. */
static void observe_altstack(const struct task_altstack *a)
{
	if (!a->handled)
		run_observe("killed by signal %d before the handler", a->killed_by);
	else if (!a->resumed)
		run_observe("handler ran, killed by signal %d on return", a->killed_by);
	else
		run_observe("handler PKRU 0x%x, returned with PKRU 0x%x",
			    a->handler_pkru, a->resumed_pkru);
}

static void expect_resumed(const struct task_altstack *a, uint32_t pkru)
{
	CHECK(a->resumed && !a->killed_by, "the process did not run on after "
	      "sigreturn (killed by signal %d)", a->killed_by);
	CHECK_EQ(a->resumed_pkru, pkru, "RDPKRU after sigreturn");
}

/*
 * The interrupted PKRU denies the alternate stack's key. Since
 * 70044df250d0 (6.12) the kernel opens every key while it writes the
 * frame, so the handler runs there with the default PKRU and the frame
 * holds the interrupted one; before, writing the frame faults and the
 * process is killed with SIGSEGV (5.10, 6.1, and 6.11.3 with only part of
 * the series).
 */
CASE(sigreturn, altstack_denied_at_signal_delivers,
     SOURCES(KCOMMIT("70044df250d0", "x86/pkeys: Update PKRU to enable all pkeys before XSAVE"),
	     KCOMMIT("d10b554919d4", "x86/pkeys: Restore altstack access in sigreturn()"),
	     KCODE("tools/testing/selftests/mm/pkey_sighandler_tests.c",
		   "test_pkru_sigreturn()")),
     .needs = RUN_NEED_HOST_PKU)
{
	struct task_altstack a = { .deny_at_signal = true };

	EXPECT_OK(task_altstack_signal(&a));
	run_note("key %d, interrupted PKRU 0x%x, handler %s, killed by %d", a.pkey,
		 a.interrupted_pkru, a.handled ? "ran" : "did not run", a.killed_by);
	observe_altstack(&a);
	if (!vmm_kernel_has(vmm_host(), &frame_written_with_keys_open)) {
		CHECK(!a.handled && a.killed_by == SIGSEGV, "the signal was %s, "
		      "expected SIGSEGV before 70044df250d0",
		      a.handled ? "delivered" : "not delivered, but no SIGSEGV");
		return;
	}
	CHECK(a.handled && a.on_altstack, "the handler %s",
	      a.handled ? "ran off the alternate stack" : "did not run");
	CHECK_EQ(a.handler_pkru, XS_PKRU_HOST_DEFAULT, "RDPKRU at the handler's entry");
	CHECK((a.frame_bv & XS_BIT(XS_PKRU)) && a.frame_pkru == a.interrupted_pkru,
	      "frame XSTATE_BV[9] %d, PKRU slot 0x%x; expected the interrupted "
	      "0x%x, bit 9 set", !!(a.frame_bv & XS_BIT(XS_PKRU)), a.frame_pkru,
	      a.interrupted_pkru);
	expect_resumed(&a, a.interrupted_pkru);
}

/*
 * The handler returns a frame whose PKRU denies the alternate stack's key
 * (delivery itself needs no fix: the key is open when the signal comes).
 * Since d10b554919d4 (6.12, 6.11.3) rt_sigreturn reads uc_stack from the
 * altstack before XRSTOR loads that PKRU, so the process runs on with it;
 * before, that read faults and the process is killed with SIGSEGV.
 */
CASE(sigreturn, altstack_denied_by_frame_returns,
     SOURCES(KCOMMIT("d10b554919d4", "x86/pkeys: Restore altstack access in sigreturn()"),
	     KCODE("arch/x86/kernel/signal_64.c", "rt_sigreturn")),
     .needs = RUN_NEED_HOST_PKU)
{
	struct task_altstack a = { .deny_on_return = true };

	EXPECT_OK(task_altstack_signal(&a));
	run_note("key %d, interrupted PKRU 0x%x, frame PKRU on return 0x%x, "
		 "killed by %d", a.pkey, a.interrupted_pkru, a.returned_pkru,
		 a.killed_by);
	CHECK(a.handled && a.on_altstack, "the handler %s",
	      a.handled ? "ran off the alternate stack" : "did not run");
	observe_altstack(&a);
	if (vmm_kernel_has(vmm_host(), &altstack_restored_first)) {
		expect_resumed(&a, a.returned_pkru);
		return;
	}
	CHECK(!a.resumed && a.killed_by == SIGSEGV, "sigreturn %s, expected "
	      "SIGSEGV before d10b554919d4", a.resumed ? "returned" : "failed, but "
	      "no SIGSEGV");
}
