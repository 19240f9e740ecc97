/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A QEMU process running the L2 guest (l2/), driven over QMP: boot it,
 * have it check its own x87, SSE, AVX and PKRU state, save it to a file
 * with migrate and restore it in a second process with -incoming. The same
 * code runs with -accel kvm -cpu host in the emulated machine and with
 * -accel tcg -cpu max anywhere.
 *
 * Nothing here exits. Every call returns 0 or a negative errno and leaves
 * "STEP: what happened" in qemu_strerror(), with QEMU's exit status and
 * last stderr line once it has exited. Every wait is bounded by the
 * options' timeout_ms, per call. One VM is not to be shared by threads.
 */
#ifndef QEMU_H
#define QEMU_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

struct qemu_opts {
	const char *binary;	/* qemu-system-x86_64 */
	const char *payload;	/* l2.elf */
	const char *accel;	/* "kvm" or "tcg" */
	const char *cpu;	/* "host" or "max" */
	const char *machine;	/* NULL: "microvm"; or e.g. "pc" */
	const char *bios;	/* NULL: the machine's own; or qboot.rom */
	/*
	 * Work folder, for each VM's sockets, console and stderr (vmN.*);
	 * short enough for a socket path (100 bytes with the names).
	 */
	const char *dir;
	unsigned int timeout_ms;	/* each wait */
};

/*
 * The guest changes PKRU and XMM3 after its first check has reported, so
 * the next check fails with fail=sse,pkru (unless a snapshot from before
 * it is loaded: that brings back the state and the count).
 */
#define QEMU_BOOT_CLOBBER	(1U << 0)

struct qemu_vm;

/* Start the guest with this seed and wait for its "l2: ready" line. */
int qemu_boot(const struct qemu_opts *o, uint64_t seed, unsigned int flags,
	      struct qemu_vm **vm);
/* A new QEMU loaded from file (see qemu_migrate_file), paused until qemu_cont. */
int qemu_incoming(const struct qemu_opts *o, const char *file,
		  struct qemu_vm **vm);
/*
 * Save the VM into file (created or truncated) with QMP migrate over an fd
 * passed with getfd, and wait for "completed". The source stays paused.
 */
int qemu_migrate_file(struct qemu_vm *vm, const char *file);
int qemu_cont(struct qemu_vm *vm);

struct qemu_check {
	bool ok;
	unsigned int n;			/* the guest's check count */
	uint32_t pkru, pkru_want;	/* RDPKRU and the seed's; 0 without PKU */
	char failed[64];		/* "sse,pkru"; "" when ok */
	char text[1024];		/* the check's lines */
};

/*
 * Internal snapshots (QEMU's savevm/loadvm, as QMP jobs) need a qcow2
 * node: the first qemu_savevm creates image (on tmpfs, ideally) with
 * blockdev-create, no qemu-img, and adds it as the VM's only snapshot
 * device. The VM keeps its run state across both calls.
 */
int qemu_savevm(struct qemu_vm *vm, const char *image, const char *tag);
int qemu_loadvm(struct qemu_vm *vm, const char *tag);

/* QMP inject-nmi, then the guest's "l2: check N ... done" lines, parsed. */
int qemu_check(struct qemu_vm *vm, struct qemu_check *c);

/*
 * Any QMP command, e.g. "{\"execute\": \"query-status\"}"; *reply (if not
 * NULL) gets its "return" as JSON text, to free().
 */
int qemu_qmp(struct qemu_vm *vm, const char *cmd, char **reply);

/* The "l2: ready" line (qemu_boot only) and everything the guest printed. */
const char *qemu_ready_line(const struct qemu_vm *vm);
const char *qemu_console(const struct qemu_vm *vm);
pid_t qemu_pid(const struct qemu_vm *vm);

/*
 * QMP quit, a bounded wait, then SIGKILL; reaps QEMU and frees vm. Safe on
 * a QEMU that has already died, and on NULL.
 */
void qemu_stop(struct qemu_vm *vm);

const char *qemu_strerror(void);

#define QEMU_DEFAULT_BINARY	"/usr/bin/qemu-system-x86_64"
#define QEMU_DEFAULT_TIMEOUT_MS	30000

/* Options and a work folder of their own (setup.c). */
struct qemu_setup {
	struct qemu_opts o;
	char payload[PATH_MAX];
	char dir[64];
};

/*
 * QEMU from XSAVE_ABI_QEMU (default QEMU_DEFAULT_BINARY), the payload from
 * XSAVE_ABI_L2 (default: payload, or if NULL l2/l2.elf in the running
 * program's folder), -machine and -bios from XSAVE_ABI_QEMU_MACHINE and
 * XSAVE_ABI_QEMU_BIOS, a fresh work folder in $TMPDIR or /tmp. -ENOENT
 * when QEMU or the payload is missing, qemu_strerror() naming it.
 */
int qemu_setup(struct qemu_setup *s, const char *accel, const char *cpu,
	       const char *payload);
/* The work folder and everything in it removed; again is harmless. */
void qemu_teardown(struct qemu_setup *s);
/* DIR/name into out. */
int qemu_setup_path(const struct qemu_setup *s, const char *name, char *out,
		    size_t size);

/*
 * One KTAP line per component the check compared ("ok 1 x87", "not ok 4
 * pkru" with the guest's line as a comment), numbered from *n on; the
 * number that differ.
 */
int qemu_check_ktap(const struct qemu_check *c, FILE *f, unsigned int *n);

#endif
