// SPDX-License-Identifier: GPL-2.0-only
/*
 * PKRU through PTRACE_GETREGSET/PTRACE_SETREGSET of NT_X86_XSTATE on a
 * stopped child, read back by the child's own RDPKRU. Unlike KVM_SET_XSAVE
 * this path behaves like XRSTOR: XSTATE_BV[9] set loads the buffer's PKRU,
 * clear resets PKRU to 0 (the tracee's thread.pkru is zeroed when the bit
 * is clear). Test values are never 0 or 0x55555554.
 */
#include "cases/cases.h"

/* PKRU as a PTRACE_GETREGSET buffer gives it: the slot if bit 9 is set. */
struct shown {
	bool bit9;
	uint32_t slot;
};

static struct shown getregset_pkru(struct task_tracee *t)
{
	EXPECT_OK(task_tracee_getregset(t));
	return (struct shown){
		.bit9 = xs_xstate_bv(t->xstate) & XS_BIT(XS_PKRU),
		.slot = xs_pkru(case_layout(), t->xstate, t->size),
	};
}

static void expect_shown(struct shown s, uint32_t want, const char *when)
{
	uint32_t pkru = s.bit9 ? s.slot : XS_PKRU_INIT;

	CHECK(pkru == want, "%s: PTRACE_GETREGSET shows PKRU 0x%x "
	      "(XSTATE_BV[9] %d, slot 0x%x), expected 0x%x",
	      when, pkru, s.bit9, s.slot, want);
}

/* GETREGSET writes the tracee's thread.pkru into the slot, bit 9 set for a
 * non-zero PKRU. */
CASE(ptrace, getregset_shows_wrpkru,
     SOURCES(KCODE("arch/x86/kernel/fpu/xstate.c", "__copy_xstate_to_uabi_buf()")),
     .needs = RUN_NEED_HOST_PKU)
{
	struct task_tracee t;
	struct shown s;
	uint32_t pkru;

	case_pkru_values(&pkru, 1);
	SETUP(task_tracee_start(&t, pkru));
	s = getregset_pkru(&t);
	task_tracee_free(&t);
	expect_shown(s, pkru, "stopped tracee after its WRPKRU");
}

/*
 * PTRACE_SETREGSET of the tracee's own state with PKRU's slot and bit 9
 * changed; the tracee then runs and reads PKRU, and GETREGSET shows it.
 */
static void setregset_pkru(bool bit9)
{
	uint32_t v[2], want, after;	/* v[0] before, v[1] written */
	struct task_tracee t;
	struct shown s;

	case_pkru_values(v, 2);
	want = bit9 ? v[1] : XS_PKRU_INIT;
	SETUP(task_tracee_start(&t, v[0]));
	getregset_pkru(&t);	/* the tracee's whole state, to edit */
	SETUP(xs_put_pkru(case_layout(), t.xstate, t.size, bit9, v[1]));
	EXPECT_OK(task_tracee_setregset(&t));
	EXPECT_OK(task_tracee_cont(&t, &after));
	s = getregset_pkru(&t);
	task_tracee_free(&t);

	case_observe_pkru(v[0], v[1], after);
	CHECK_EQ(after, want, bit9 ? "tracee RDPKRU after PTRACE_SETREGSET with bit 9 set"
			    : "tracee RDPKRU after PTRACE_SETREGSET with bit 9 clear (XRSTOR: init)");
	expect_shown(s, want, "after the tracee ran");
}

/* Guards the regression of kernels 5.14 to 6.0, which silently ignored
 * ptrace writes of PKRU. */
CASE(ptrace, setregset_with_bit_loads_pkru,
     SOURCES(KCOMMIT("4a804c4f8356", "x86/fpu: Allow PKRU to be (once again) written by ptrace.")),
     .needs = RUN_NEED_HOST_PKU, .matrix = RUN_MATRIX_PTRACE_BIT_SET)
{
	setregset_pkru(true);
}

/* Bit 9 clear resets PKRU to 0, as XRSTOR would. */
CASE(ptrace, setregset_without_bit_inits_pkru,
     SOURCES(KCOMMIT("d7e5aceace51", "x86/fpu: Emulate XRSTOR's behavior if the xfeatures PKRU bit is not set")),
     .needs = RUN_NEED_HOST_PKU, .matrix = RUN_MATRIX_PTRACE_BIT_CLEAR)
{
	setregset_pkru(false);
}
