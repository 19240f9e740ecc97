// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's life: boot, check, migrate to a file, restore from one.
 * Migration goes over an fd we pass with getfd, not exec:cat: QEMU 7.2 has
 * no file: URI, and with exec: "completed" can come before cat has
 * written the last bytes (QEMU reaps the child only in its cleanup).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu/internal.h"

#define GUEST_MEMORY	"32M"
#define MIGRATE_POLL_MS	5

static unsigned int vm_count;

static struct qemu_vm *vm_new(const struct qemu_opts *o)
{
	struct qemu_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->qmp = vm->con = vm->life = vm->con_log = -1;
	vm->timeout_ms = o->timeout_ms;
	snprintf(vm->base, sizeof(vm->base), "%s/q%d.%u", o->dir, (int)getpid(),
		 __atomic_add_fetch(&vm_count, 1, __ATOMIC_RELAXED));
	return vm;
}

/* Up to 200 bytes of the console's end, its newlines shown as " | ". */
static const char *con_tail(struct qemu_vm *vm, char *out, size_t size)
{
	const char *p = vm->con_in.p;
	size_t len = vm->con_in.len, i, n = 0;

	if (!len)
		return "(empty)";
	p += len > 200 ? len - 200 : 0;
	for (i = 0; p[i] && n + 4 < size; i++) {
		if (p[i] == '\n') {
			if (p[i + 1])
				n += snprintf(out + n, size - n, " | ");
		} else {
			out[n++] = p[i];
		}
	}
	out[n] = 0;
	return out;
}

/*
 * The next whole console line that starts with prefix, into out; an
 * "l2: error" line fails at once.
 */
static int wait_line(struct qemu_vm *vm, const char *step, int64_t deadline,
		     const char *prefix, const char *what, char *out, size_t size)
{
	char tail[256];
	char *line, *nl;
	int r;

	for (;;) {
		while (vm->con_in.p &&
		       (nl = strchr(vm->con_in.p + vm->con_off, '\n'))) {
			line = vm->con_in.p + vm->con_off;
			vm->con_off = nl + 1 - vm->con_in.p;
			if (!strncmp(line, "l2: error", 9))
				return qemu_vm_fail(vm, EIO, step, "the guest failed: %.*s",
						    (int)(nl - line), line);
			if (!strncmp(line, prefix, strlen(prefix))) {
				snprintf(out, size, "%.*s", (int)(nl - line), line);
				return 0;
			}
		}
		r = qemu_pump(vm, deadline);
		if (r == -ETIMEDOUT)
			return qemu_vm_fail(vm, ETIMEDOUT, step,
					    "no '%s' line after %u ms; console: %s",
					    what, vm->timeout_ms,
					    con_tail(vm, tail, sizeof(tail)));
		if (r == -ESRCH)
			return qemu_vm_fail(vm, ESRCH, step, "QEMU exited");
		if (r)
			return qemu_fail(-r, "%s: %s", step, strerror(-r));
	}
}

static int start(const struct qemu_opts *o, struct qemu_vm *vm,
		 const char *append, bool incoming)
{
	char qmp_path[PATH_MAX + 8], con_path[PATH_MAX + 8], log_path[PATH_MAX + 16];
	char qmp_dev[PATH_MAX + 32], con_dev[PATH_MAX + 32];
	const char *argv[40];
	int n = 0, lq = -1, lc = -1, err;

	snprintf(qmp_path, sizeof(qmp_path), "%s.qmp", vm->base);
	snprintf(con_path, sizeof(con_path), "%s.con", vm->base);
	snprintf(log_path, sizeof(log_path), "%s.console", vm->base);
	snprintf(qmp_dev, sizeof(qmp_dev), "socket,id=qmp,path=%s", qmp_path);
	snprintf(con_dev, sizeof(con_dev), "socket,id=dbg,path=%s", con_path);
	vm->con_log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (vm->con_log < 0)
		return qemu_fail(errno, "qemu start: %s: %s", log_path, strerror(errno));

	argv[n++] = o->binary;
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-user-config";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-machine";
	argv[n++] = o->machine ?: "microvm";
	if (o->bios) {
		argv[n++] = "-bios";
		argv[n++] = o->bios;
	}
	argv[n++] = "-accel";
	argv[n++] = o->accel;
	argv[n++] = "-cpu";
	argv[n++] = o->cpu;
	argv[n++] = "-m";
	argv[n++] = GUEST_MEMORY;
	argv[n++] = "-smp";
	argv[n++] = "1";
	argv[n++] = "-kernel";
	argv[n++] = o->payload;
	if (append) {
		argv[n++] = "-append";
		argv[n++] = append;
	}
	argv[n++] = "-chardev";
	argv[n++] = qmp_dev;
	argv[n++] = "-mon";
	argv[n++] = "chardev=qmp,mode=control";
	argv[n++] = "-chardev";
	argv[n++] = con_dev;
	argv[n++] = "-device";
	argv[n++] = "isa-debugcon,iobase=0xe9,chardev=dbg";
	if (incoming) {
		argv[n++] = "-S";
		argv[n++] = "-incoming";
		argv[n++] = "defer";
	}
	argv[n] = NULL;

	/* QEMU connects to us, so there is no socket to wait for. */
	err = qemu_listen(qmp_path, &lq);
	if (!err)
		err = qemu_listen(con_path, &lc);
	if (!err)
		err = qemu_spawn(vm, (char *const *)argv);
	if (!err)
		err = qemu_accept(vm, "qemu start: QMP", lq, &vm->qmp);
	if (!err)
		err = qemu_accept(vm, "qemu start: console", lc, &vm->con);
	if (lq >= 0)
		close(lq);
	if (lc >= 0)
		close(lc);
	unlink(qmp_path);
	unlink(con_path);
	return err ?: qemu_qmp_open(vm);
}

int qemu_boot(const struct qemu_opts *o, uint64_t seed, unsigned int flags,
	      struct qemu_vm **out)
{
	struct qemu_vm *vm = vm_new(o);
	char append[64];
	int err;

	if (!vm)
		return qemu_fail(ENOMEM, "qemu boot: out of memory");
	snprintf(append, sizeof(append), "seed=0x%llx%s", (unsigned long long)seed,
		 flags & QEMU_BOOT_CLOBBER ? " clobber=1" : "");
	err = start(o, vm, append, false);
	if (!err)
		err = wait_line(vm, "qemu ready", qemu_now_ms() + vm->timeout_ms,
				"l2: ready ", "l2: ready", vm->ready, sizeof(vm->ready));
	if (err) {
		qemu_stop(vm);
		return err;
	}
	*out = vm;
	return 0;
}

/* query-migrate until "completed" or "failed", on either side. */
static int wait_migration(struct qemu_vm *vm, const char *step)
{
	int64_t deadline = qemu_now_ms() + vm->timeout_ms;
	const char *status = "none", *desc;
	json_t *info;
	int err, r;

	for (;;) {
		err = qemu_qmp_exec(vm, step, "query-migrate", NULL, &info);
		if (err)
			return err;
		json_unpack(info, "{s?s}", "status", &status);
		if (!strcmp(status, "completed")) {
			json_decref(info);
			return 0;
		}
		if (!strcmp(status, "failed") || !strcmp(status, "cancelled")) {
			desc = json_string_value(json_object_get(info, "error-desc"));
			err = qemu_fail(EIO, "%s: migration %s: %s", step, status,
					desc ?: "(no error-desc)");
			json_decref(info);
			return err;
		}
		json_decref(info);
		if (qemu_now_ms() >= deadline)
			return qemu_fail(ETIMEDOUT, "%s: migration still '%s' after %u ms",
					 step, status, vm->timeout_ms);
		r = qemu_pump(vm, qemu_now_ms() + MIGRATE_POLL_MS);
		if (r == -ESRCH)
			return qemu_vm_fail(vm, ESRCH, step, "QEMU exited");
	}
}

/* Pass file, opened with flags, to QEMU as fd name, then run cmd on fd:name. */
static int migrate_fd(struct qemu_vm *vm, const char *step, const char *file,
		      int flags, const char *name, const char *cmd)
{
	char uri[32];
	int fd, err;

	fd = open(file, flags | O_CLOEXEC, 0644);
	if (fd < 0)
		return qemu_fail(errno, "%s: %s: %s", step, file, strerror(errno));
	err = qemu_qmp_getfd(vm, step, name, fd);
	close(fd);
	if (err)
		return err;
	snprintf(uri, sizeof(uri), "fd:%s", name);
	err = qemu_qmp_exec(vm, step, cmd, json_pack("{s:s}", "uri", uri), NULL);
	return err ?: wait_migration(vm, step);
}

int qemu_incoming(const struct qemu_opts *o, const char *file,
		  struct qemu_vm **out)
{
	struct qemu_vm *vm = vm_new(o);
	int err;

	if (!vm)
		return qemu_fail(ENOMEM, "qemu incoming: out of memory");
	err = start(o, vm, NULL, true);
	if (!err)
		err = migrate_fd(vm, "qemu incoming", file, O_RDONLY, "migin",
				 "migrate-incoming");
	if (err) {
		qemu_stop(vm);
		return err;
	}
	*out = vm;
	return 0;
}

int qemu_migrate_file(struct qemu_vm *vm, const char *file)
{
	return migrate_fd(vm, "qemu migrate", file, O_WRONLY | O_CREAT | O_TRUNC,
			  "migout", "migrate");
}

int qemu_cont(struct qemu_vm *vm)
{
	return qemu_qmp_exec(vm, "qemu cont", "cont", NULL, NULL);
}

/* A qcow2 image at path, created by QEMU itself, as node "snap". */
static int snapshot_node(struct qemu_vm *vm, const char *path)
{
	const char *step = "qemu savevm: image";
	int err;

	err = qemu_qmp_job(vm, step, "blockdev-create", "mkfile",
			   json_pack("{s:{s:s, s:s, s:i}}", "options", "driver", "file",
				     "filename", path, "size", 0));
	if (!err)
		err = qemu_qmp_exec(vm, step, "blockdev-add",
				    json_pack("{s:s, s:s, s:s}", "driver", "file",
					      "node-name", "snapfile", "filename", path),
				    NULL);
	if (!err)
		err = qemu_qmp_job(vm, step, "blockdev-create", "mkqcow2",
				   json_pack("{s:{s:s, s:s, s:i}}", "options", "driver",
					     "qcow2", "file", "snapfile", "size", 1 << 20));
	if (!err)
		err = qemu_qmp_exec(vm, step, "blockdev-add",
				    json_pack("{s:s, s:s, s:s}", "driver", "qcow2",
					      "node-name", "snap", "file", "snapfile"),
				    NULL);
	vm->snap_node = !err;
	return err;
}

static json_t *snapshot_args(const char *tag)
{
	return json_pack("{s:s, s:s, s:[s]}", "tag", tag, "vmstate", "snap",
			 "devices", "snap");
}

int qemu_savevm(struct qemu_vm *vm, const char *image, const char *tag)
{
	int err = vm->snap_node ? 0 : snapshot_node(vm, image);

	return err ?: qemu_qmp_job(vm, "qemu savevm", "snapshot-save", "save",
				   snapshot_args(tag));
}

int qemu_loadvm(struct qemu_vm *vm, const char *tag)
{
	if (!vm->snap_node)
		return qemu_fail(EINVAL, "qemu loadvm: no qemu_savevm on this VM");
	return qemu_qmp_job(vm, "qemu loadvm", "snapshot-load", "load",
			    snapshot_args(tag));
}

/* One line of a check into c. */
static void parse_check(struct qemu_check *c, const char *line)
{
	char word[64];
	unsigned int n;

	if (sscanf(line, "l2: check %u pkru=%x want=%x", &n, &c->pkru,
		   &c->pkru_want) == 3)
		return;
	if (sscanf(line, "l2: check %u done %63s", &n, word) != 2)
		return;
	c->n = n;
	c->ok = !strcmp(word, "ok");
	if (!strncmp(word, "fail=", 5))
		snprintf(c->failed, sizeof(c->failed), "%s", word + 5);
}

int qemu_check(struct qemu_vm *vm, struct qemu_check *c)
{
	int64_t deadline = qemu_now_ms() + vm->timeout_ms;
	char line[256];
	size_t len = 0;
	int err;

	memset(c, 0, sizeof(*c));
	/* Only what this check prints: the guest is silent between checks. */
	vm->con_off = vm->con_in.len;
	err = qemu_qmp_exec(vm, "qemu check", "inject-nmi", NULL, NULL);
	while (!err) {
		err = wait_line(vm, "qemu check", deadline, "l2: check ",
				"l2: check N done", line, sizeof(line));
		if (err)
			break;
		len += snprintf(c->text + len, sizeof(c->text) - len, "%s\n", line);
		len = len < sizeof(c->text) ? len : sizeof(c->text) - 1;
		parse_check(c, line);
		if (c->n)
			return 0;
	}
	return err;
}

const char *qemu_ready_line(const struct qemu_vm *vm)
{
	return vm->ready;
}

const char *qemu_console(const struct qemu_vm *vm)
{
	return vm->con_in.p ?: "";
}

pid_t qemu_pid(const struct qemu_vm *vm)
{
	return vm->pid;
}
