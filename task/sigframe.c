// SPDX-License-Identifier: GPL-2.0-only
/*
 * A signal whose handler edits the XSAVE state of its own frame, which
 * rt_sigreturn restores (arch/x86/kernel/fpu/signal.c). uc_mcontext.fpregs
 * points at the frame's FXSAVE area; when its sw_reserved bytes carry
 * FP_XSTATE_MAGIC1, the XSAVE header follows at +512 and the components
 * sit where host CPUID 0xD says (uapi asm/sigcontext.h, _fpx_sw_bytes).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "task/internal.h"
#include "vmm/vmm.h"

#define FX_SW_OFF	464	/* struct fxregs_state.sw_reserved */

static struct task_sigframe *sigframe;
static struct _fpx_sw_bytes sigframe_sw;
static const char *sigframe_err;
static volatile sig_atomic_t sigframe_ran;

/* Why the frame's xstate cannot carry PKRU, or NULL. */
static const char *frame_problem(void *fx, const struct _fpx_sw_bytes *sw)
{
	if (sw->magic1 != FP_XSTATE_MAGIC1)
		return "no FP_XSTATE_MAGIC1 in fpregs sw_reserved: the frame holds no XSAVE state";
	if (!(sw->xstate_bv & XS_BIT(XS_PKRU)))
		return "PKRU (bit 9) missing from the frame's sw_reserved xfeatures";
	if (!xs_comp(&vmm_host()->layout, fx, sw->xstate_size, XS_PKRU))
		return "PKRU's CPUID 0xD offset lies beyond the frame's xstate_size";
	return NULL;
}

void *task_frame_xstate(void *ctx, struct _fpx_sw_bytes *sw, const char **why)
{
	uint8_t *fx = (uint8_t *)((ucontext_t *)ctx)->uc_mcontext.fpregs;

	memcpy(sw, fx + FX_SW_OFF, sizeof(*sw));
	*why = frame_problem(fx, sw);
	return *why ? NULL : fx;
}

static void edit_frame(int sig, siginfo_t *si, void *ctx)
{
	const struct xs_layout *l = &vmm_host()->layout;
	struct task_sigframe *f = sigframe;
	uint8_t *fx;
	size_t size;

	sigframe_ran = 1;
	task_rdpkru(&f->handler_pkru);
	fx = task_frame_xstate(ctx, &sigframe_sw, &sigframe_err);
	if (!fx)
		return;
	size = sigframe_sw.xstate_size;
	f->frame_bv = xs_xstate_bv(fx);
	f->frame_pkru = xs_pkru(l, fx, size);
	xs_put_pkru(l, fx, size, f->bit9, f->pkru);
}

int task_sigreturn_edit(struct task_sigframe *f)
{
	struct sigaction sa = { .sa_sigaction = edit_frame, .sa_flags = SA_SIGINFO };
	struct sigaction old;

	sigframe = f;
	sigframe_err = NULL;
	sigframe_ran = 0;
	if (sigaction(SIGUSR1, &sa, &old))
		return vmm_fail("sigaction(SIGUSR1)", errno);
	raise(SIGUSR1);
	sigaction(SIGUSR1, &old, NULL);
	if (!sigframe_ran)
		return vmm_failf(EIO, "raise(SIGUSR1): the handler did not run");
	if (sigframe_err)
		return vmm_failf(ENODATA, "signal frame: %s "
				 "(magic1 0x%x, xfeatures 0x%llx, xstate_size %u)",
				 sigframe_err, sigframe_sw.magic1,
				 (unsigned long long)sigframe_sw.xstate_bv,
				 sigframe_sw.xstate_size);
	return 0;
}
