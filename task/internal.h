/* SPDX-License-Identifier: GPL-2.0-only */
/* What task/'s files share: child processes and signal frames. */
#ifndef TASK_INTERNAL_H
#define TASK_INTERNAL_H

#include <signal.h>
#include <sys/types.h>

#include "task/task.h"

/*
 * waitpid(pid) for its next stop or exit within ms milliseconds: 0 or
 * -errno (-ETIMEDOUT). Polled: a pidfd does not report ptrace stops.
 */
int task_wait(pid_t pid, int *status, long ms);

/*
 * The XSAVE area of a signal handler's frame (ctx: its ucontext), its
 * sw_reserved bytes copied to *sw; NULL with *why set when the frame
 * cannot carry PKRU.
 */
void *task_frame_xstate(void *ctx, struct _fpx_sw_bytes *sw, const char **why);

#endif
