// SPDX-License-Identifier: GPL-2.0-only
/*
 * A signal on an alternate stack in pages of their own protection key, as
 * in the kernel's tools/testing/selftests/mm/pkey_sighandler_tests.c: the
 * kernel writes the frame there with the interrupted PKRU in force (or,
 * since 6.12, with every key open), the handler runs there, rt_sigreturn
 * reads the frame back. Only the stack's key is ever denied, so libc's
 * pages (key 0) stay usable and no raw clone() is needed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "task/internal.h"
#include "vmm/vmm.h"

#define ALTSTACK_SIZE	(256 * 1024)	/* any frame, AMX tiles included */
#define ALTSTACK_WAIT_MS 3000
#define PKRU_AD(key)	(1u << (2 * (key)))	/* access disable */

/* What the child shares with the caller: a MAP_SHARED page. */
struct altstack_shared {
	struct task_altstack a;
	uint8_t *stack;
	char err[160];
};

static struct altstack_shared *altstack_sh;

/*
 * The handler's entry. The kernel starts it on the alternate stack with
 * the default PKRU, which denies the stack's key, so nothing may touch the
 * stack before WRPKRU (EAX = 0) opens every key. RDPKRU and WRPKRU take
 * EDX, which holds the ucontext: it waits in R8. The PKRU found goes to
 * the C handler as its fourth argument; the jump leaves the return
 * address to sa_restorer (rt_sigreturn) where the handler returns to it.
 */
void altstack_entry(int sig, siginfo_t *si, void *ctx);
asm(".pushsection .text\n"
    ".type altstack_entry, @function\n"
    "altstack_entry:\n\t"
    "mov %rdx, %r8\n\t"
    "xor %ecx, %ecx\n\t"
    ".byte 0x0f, 0x01, 0xee\n\t"	/* rdpkru */
    "mov %eax, %r9d\n\t"
    "xor %eax, %eax\n\t"
    "xor %edx, %edx\n\t"
    ".byte 0x0f, 0x01, 0xef\n\t"	/* wrpkru */
    "mov %r8, %rdx\n\t"
    "mov %r9d, %ecx\n\t"
    "jmp altstack_handler\n\t"
    ".size altstack_entry, . - altstack_entry\n"
    ".popsection");

static void __attribute__((used)) altstack_handler(int sig, siginfo_t *si,
						   void *ctx, uint32_t entry_pkru)
{
	const struct xs_layout *l = &vmm_host()->layout;
	struct altstack_shared *sh = altstack_sh;
	struct task_altstack *a = &sh->a;
	struct _fpx_sw_bytes sw;
	const char *why;
	uint8_t here, *fx;

	a->handled = true;
	a->handler_pkru = entry_pkru;
	a->on_altstack = &here >= sh->stack && &here < sh->stack + ALTSTACK_SIZE;
	fx = task_frame_xstate(ctx, &sw, &why);
	if (!fx) {
		snprintf(sh->err, sizeof(sh->err), "signal frame: %s", why);
		return;
	}
	a->frame_bv = xs_xstate_bv(fx);
	a->frame_pkru = xs_pkru(l, fx, sw.xstate_size);
	a->returned_pkru = a->frame_pkru;
	if (!a->deny_on_return)
		return;
	a->returned_pkru |= PKRU_AD(a->pkey);
	xs_put_pkru(l, fx, sw.xstate_size, true, a->returned_pkru);
}

/* Ends the child for a setup step that failed: not an outcome. */
static void __attribute__((noreturn)) child_fail(const char *what)
{
	snprintf(altstack_sh->err, sizeof(altstack_sh->err), "%s: %s (%s)", what,
		 strerror(errno), vmm_errname(errno));
	_exit(1);
}

/* The stack's pages under a key of their own, open to the caller. */
static void setup_stack(struct altstack_shared *sh)
{
	stack_t ss = { .ss_size = ALTSTACK_SIZE };
	struct sigaction sa = {
		.sa_sigaction = altstack_entry,
		.sa_flags = SA_SIGINFO | SA_ONSTACK,
	};

	sh->a.pkey = syscall(SYS_pkey_alloc, 0, 0);
	if (sh->a.pkey < 0)
		child_fail("pkey_alloc");
	sh->stack = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh->stack == MAP_FAILED)
		child_fail("mmap(alternate stack)");
	if (syscall(SYS_pkey_mprotect, sh->stack, ALTSTACK_SIZE,
		    PROT_READ | PROT_WRITE, sh->a.pkey))
		child_fail("pkey_mprotect(alternate stack)");
	ss.ss_sp = sh->stack;
	if (sigaltstack(&ss, NULL))
		child_fail("sigaltstack");
	if (sigaction(SIGUSR1, &sa, NULL))
		child_fail("sigaction(SIGUSR1, SA_ONSTACK)");
}

static void __attribute__((noreturn)) altstack_child(struct altstack_shared *sh)
{
	struct task_altstack *a = &sh->a;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* A SIGSEGV kill is expected on some kernels: no core file. */
	prctl(PR_SET_DUMPABLE, 0);
	setup_stack(sh);
	/* Every other key open: unlike the handler's default PKRU. */
	a->interrupted_pkru = a->deny_at_signal ? PKRU_AD(a->pkey) : 0;
	if (task_wrpkru(a->interrupted_pkru))
		child_fail("WRPKRU");
	/* Delivered as the system call returns, to this thread. */
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	task_rdpkru(&a->resumed_pkru);
	a->resumed = true;
	_exit(0);
}

/* The child's end: *killed_by its signal, 0 if it exited. */
static int reap(pid_t pid, int *killed_by)
{
	int status, rc = task_wait(pid, &status, ALTSTACK_WAIT_MS);

	if (rc) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return vmm_failf(-rc, "alternate-stack child: no exit within %d ms: %s",
				 ALTSTACK_WAIT_MS, strerror(-rc));
	}
	if (WIFEXITED(status) && WEXITSTATUS(status))
		return vmm_failf(ECHILD, "alternate-stack child: %s",
				 altstack_sh->err[0] ? altstack_sh->err : "exit status");
	if (altstack_sh->err[0])
		return vmm_failf(ENODATA, "alternate-stack child: %s", altstack_sh->err);
	*killed_by = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	return 0;
}

int task_altstack_signal(struct task_altstack *a)
{
	struct altstack_shared *sh;
	int rc, killed_by = 0;
	pid_t pid;

	if (!vmm_host()->host_ospke)
		return vmm_fail("alternate stack in a protection key (host OSPKE clear)",
				EOPNOTSUPP);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return vmm_fail("mmap(MAP_SHARED)", errno);
	memset(sh, 0, sizeof(*sh));
	sh->a.deny_at_signal = a->deny_at_signal;
	sh->a.deny_on_return = a->deny_on_return;
	altstack_sh = sh;
	pid = fork();
	if (!pid)
		altstack_child(sh);
	rc = pid < 0 ? vmm_fail("fork(alternate-stack child)", errno) :
		       reap(pid, &killed_by);
	if (!rc) {
		*a = sh->a;
		a->killed_by = killed_by;
	}
	munmap(sh, sizeof(*sh));
	altstack_sh = NULL;
	return rc;
}
