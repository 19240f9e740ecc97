// SPDX-License-Identifier: GPL-2.0-only
/*
 * A traced child of the calling process, for PTRACE_GETREGSET and
 * PTRACE_SETREGSET of NT_X86_XSTATE (arch/x86/kernel/fpu/regset.c). The
 * child sets its PKRU, then stops with SIGSTOP; each time it is resumed it
 * reads PKRU with RDPKRU into a variable the tracer peeks, and stops again.
 */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "task/internal.h"
#include "vmm/vmm.h"

#define TRACEE_WAIT_MS	3000

/* The child's RDPKRU; the same address in both processes after fork(). */
static volatile long tracee_pkru;

/* The tracee's exit codes, for the tracer's message. */
enum { TRACEE_NO_TRACEME = 1, TRACEE_NO_WRPKRU, TRACEE_NO_RDPKRU };

static void __attribute__((noreturn)) tracee_main(uint32_t pkru)
{
	uint32_t now;

	/* Dies with the case if the case ends without task_tracee_free(). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		_exit(TRACEE_NO_TRACEME);
	if (task_wrpkru(pkru))
		_exit(TRACEE_NO_WRPKRU);
	for (;;) {
		if (task_rdpkru(&now))
			_exit(TRACEE_NO_RDPKRU);
		tracee_pkru = now;
		raise(SIGSTOP);
	}
}

/* The tracee's next stop or exit; t->pid is 0 once it is reaped. */
static int wait_tracee(struct task_tracee *t, int *status)
{
	int rc = task_wait(t->pid, status, TRACEE_WAIT_MS);

	if (!rc && !WIFSTOPPED(*status))
		t->pid = 0;
	return rc;
}

static int wait_stop(struct task_tracee *t, const char *after)
{
	static const char *const why[] = {
		[TRACEE_NO_TRACEME] = "PTRACE_TRACEME failed",
		[TRACEE_NO_WRPKRU] = "WRPKRU failed",
		[TRACEE_NO_RDPKRU] = "RDPKRU failed",
	};
	int status, rc = wait_tracee(t, &status);

	if (rc == -ETIMEDOUT)
		return vmm_failf(ETIMEDOUT, "tracee: no stop within %d ms after %s",
				 TRACEE_WAIT_MS, after);
	if (rc)
		return vmm_failf(-rc, "waitpid(tracee) after %s: %s (%s)", after,
				 strerror(-rc), vmm_errname(rc));
	if (WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) >= TRACEE_NO_TRACEME &&
	    WEXITSTATUS(status) <= TRACEE_NO_RDPKRU)
		return vmm_failf(ECHILD, "tracee after %s: %s", after,
				 why[WEXITSTATUS(status)]);
	return vmm_failf(ECHILD, "tracee after %s: wait status 0x%x, not a SIGSTOP stop",
			 after, status);
}

int task_tracee_start(struct task_tracee *t, uint32_t pkru)
{
	const struct vmm_host *h = vmm_host();
	int rc;

	/* CPUID 0xD.0 EBX, the size xstateregs_set() requires exactly. */
	t->size = xs_std_size(&h->layout, h->host_xcr0);
	t->xstate = calloc(1, t->size);
	t->pid = 0;
	if (!t->xstate)
		return vmm_fail("calloc(NT_X86_XSTATE buffer)", ENOMEM);
	t->pid = fork();
	if (!t->pid)
		tracee_main(pkru);
	if (t->pid < 0)
		rc = vmm_fail("fork(tracee)", errno);
	else
		rc = wait_stop(t, "PTRACE_TRACEME and WRPKRU");
	if (rc)
		task_tracee_free(t);
	return rc;
}

static int xstate_regset(struct task_tracee *t, int req, const char *name)
{
	struct iovec iov = { .iov_base = t->xstate, .iov_len = t->size };

	if (ptrace(req, t->pid, (void *)NT_X86_XSTATE, &iov))
		return vmm_failf(errno, "%s(NT_X86_XSTATE, %zu bytes): %s (%s)",
				 name, t->size, strerror(errno), vmm_errname(errno));
	if (iov.iov_len != t->size)
		return vmm_failf(EIO, "%s(NT_X86_XSTATE): %zu bytes, expected %zu",
				 name, iov.iov_len, t->size);
	return 0;
}

int task_tracee_getregset(struct task_tracee *t)
{
	return xstate_regset(t, PTRACE_GETREGSET, "PTRACE_GETREGSET");
}

int task_tracee_setregset(struct task_tracee *t)
{
	return xstate_regset(t, PTRACE_SETREGSET, "PTRACE_SETREGSET");
}

int task_tracee_cont(struct task_tracee *t, uint32_t *pkru)
{
	long v;
	int rc;

	if (ptrace(PTRACE_CONT, t->pid, NULL, NULL))
		return vmm_fail("PTRACE_CONT", errno);
	rc = wait_stop(t, "PTRACE_CONT");
	if (rc)
		return rc;
	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, t->pid, (void *)&tracee_pkru, NULL);
	if (errno)
		return vmm_fail("PTRACE_PEEKDATA(tracee RDPKRU)", errno);
	*pkru = (uint32_t)v;
	return 0;
}

void task_tracee_free(struct task_tracee *t)
{
	int status;

	/* Bounded: a tracee that outlives this is reaped with the case. */
	if (t->pid > 0 && !kill(t->pid, SIGKILL))
		while (t->pid > 0 && !wait_tracee(t, &status))
			;
	free(t->xstate);
	t->pid = 0;
	t->xstate = NULL;
}
