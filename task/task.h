/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * task/: the kernel's two other writers of PKRU, apart from KVM, and the
 * calling thread's own PKRU. PTRACE_SETREGSET(NT_X86_XSTATE) and
 * rt_sigreturn both end in copy_uabi_to_xstate(), as KVM_SET_XSAVE does,
 * but set PKRU to 0 when XSTATE_BV[9] is clear, like XRSTOR, where KVM
 * keeps it. Plain system calls, no KVM and no selftests library; errors
 * come back as vmm/'s do (vmm_strerror()).
 */
#ifndef TASK_H
#define TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The calling host thread's own PKRU; -EOPNOTSUPP without host OSPKE. */
int task_rdpkru(uint32_t *pkru);
int task_wrpkru(uint32_t pkru);

/*
 * PKRU through PTRACE_GETREGSET/PTRACE_SETREGSET of NT_X86_XSTATE
 * (task/ptrace.c): a forked child traced by the caller, which
 * task_tracee_free() kills and reaps. Needs host OSPKE.
 */
struct task_tracee {
	pid_t pid;
	size_t size;	/* NT_X86_XSTATE size: CPUID 0xD.0 EBX */
	void *xstate;	/* what GETREGSET read and SETREGSET writes */
};

/* Fork a tracee that WRPKRUs pkru and stops; nothing to free on failure. */
int task_tracee_start(struct task_tracee *t, uint32_t pkru);
int task_tracee_getregset(struct task_tracee *t);
int task_tracee_setregset(struct task_tracee *t);
/* PTRACE_CONT: the tracee RDPKRUs, stops again, and *pkru is what it read. */
int task_tracee_cont(struct task_tracee *t, uint32_t *pkru);
void task_tracee_free(struct task_tracee *t);

/*
 * PKRU through rt_sigreturn (task/sigframe.c): raise a signal whose handler
 * sets XSTATE_BV[9] to bit9 and the PKRU slot to pkru in its own frame,
 * then returns. Needs host OSPKE.
 */
struct task_sigframe {
	bool bit9;
	uint32_t pkru;
	uint32_t handler_pkru;	/* RDPKRU inside the handler */
	uint64_t frame_bv;	/* the frame's XSTATE_BV as delivered */
	uint32_t frame_pkru;	/* its PKRU slot as delivered */
};

int task_sigreturn_edit(struct task_sigframe *f);

/*
 * A signal delivered on an alternate stack whose pages carry a protection
 * key of their own (task/altstack.c), in a forked child: a kernel that
 * cannot write or read the frame there kills it with SIGSEGV, an outcome
 * here. The interrupted code has every key open (PKRU 0), or with
 * deny_at_signal all but the stack's; the handler opens every key, then
 * returns the frame as delivered, or with deny_on_return its PKRU with the
 * stack's key denied. Needs host OSPKE and a free protection key.
 */
struct task_altstack {
	bool deny_at_signal;
	bool deny_on_return;
	/* What the child saw. */
	int pkey;			/* the stack's key */
	uint32_t interrupted_pkru;	/* PKRU when the signal came */
	bool handled;			/* the handler ran */
	bool on_altstack;		/* ... on the alternate stack */
	uint32_t handler_pkru;		/* PKRU at its first instruction */
	uint64_t frame_bv;		/* the frame's XSTATE_BV as delivered */
	uint32_t frame_pkru;		/* its PKRU slot as delivered */
	uint32_t returned_pkru;		/* the frame's PKRU as the handler left it */
	bool resumed;			/* the interrupted code ran on */
	uint32_t resumed_pkru;		/* its RDPKRU then */
	int killed_by;			/* the signal that ended the child, or 0 */
};

int task_altstack_signal(struct task_altstack *a);

#endif
