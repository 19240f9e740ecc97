/* SPDX-License-Identifier: GPL-2.0-only */
/* The driver's own: one QEMU process and its three connections. */
#ifndef QEMU_INTERNAL_H
#define QEMU_INTERNAL_H

#include <jansson.h>
#include <limits.h>
#include <stdint.h>

#include "qemu/qemu.h"

struct qemu_buf {
	char *p;
	size_t len, cap;
};

struct qemu_vm {
	pid_t pid;
	int status;		/* waitpid()'s, once reaped */
	bool reaped;
	/* QMP, the debugcon console, and QEMU's stdout (EOF: it exited) */
	int qmp, con, life;
	int con_log;		/* the console's copy: vmN.console */
	unsigned int timeout_ms;
	char base[PATH_MAX];	/* DIR/vmN */
	struct qemu_buf con_in, qmp_in;
	size_t qmp_off;		/* QMP bytes already parsed */
	size_t con_off;		/* console bytes already looked at */
	char ready[256];
	bool snap_node;		/* the qcow2 node for snapshots exists */
};

/* err.c */
int qemu_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int qemu_vm_fail(struct qemu_vm *vm, int err, const char *step,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* proc.c */
int64_t qemu_now_ms(void);
int qemu_listen(const char *path, int *fd);
int qemu_spawn(struct qemu_vm *vm, char *const argv[]);
int qemu_accept(struct qemu_vm *vm, const char *step, int lfd, int *fd);
/* Wait for input until deadline: 0, -ETIMEDOUT, or -ESRCH once QEMU exited. */
int qemu_pump(struct qemu_vm *vm, int64_t deadline);

/* qmp.c */
/* Start job (its args stolen, job-id added) and wait until it concludes. */
int qemu_qmp_job(struct qemu_vm *vm, const char *step, const char *cmd,
		 const char *id, json_t *args);
int qemu_qmp_open(struct qemu_vm *vm);
/* Run cmd (args stolen, may be NULL); *ret (if not NULL) its "return". */
int qemu_qmp_exec(struct qemu_vm *vm, const char *step, const char *cmd,
		  json_t *args, json_t **ret);
/* getfd: fd (ours, kept) becomes QEMU's fd name. */
int qemu_qmp_getfd(struct qemu_vm *vm, const char *step, const char *name,
		   int fd);
/* msg (kept), with fd (if not -1) as SCM_RIGHTS; step NULL: no message. */
int qemu_qmp_send(struct qemu_vm *vm, const char *step, json_t *msg, int fd);

#endif
