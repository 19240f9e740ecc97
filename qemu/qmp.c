// SPDX-License-Identifier: GPL-2.0-only
/*
 * QMP: one JSON object a line. Replies come in order; asynchronous events
 * ("event") may come between them and are skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "qemu/internal.h"

int qemu_qmp_send(struct qemu_vm *vm, const char *step, json_t *msg, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct msghdr mh = { 0 };
	struct cmsghdr *c;
	struct iovec iov;
	char *text = json_dumps(msg, JSON_COMPACT);
	size_t len, off = 0;
	ssize_t n;
	int err = 0;

	if (!text)
		return qemu_fail(ENOMEM, "%s: cannot encode the QMP command", step);
	len = strlen(text);
	text[len++] = '\n';	/* over the terminating NUL: not a C string now */
	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (off < len) {
		iov.iov_base = text + off;
		iov.iov_len = len - off;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		n = vm->qmp < 0 ? -1 : sendmsg(vm->qmp, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = vm->qmp < 0 ? EPIPE : errno;
			break;
		}
		off += n;
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
	}
	free(text);
	if (err && !step)
		return -err;
	if (err)
		return qemu_vm_fail(vm, err, step, "QMP send: %s", strerror(err));
	return 0;
}

/* The next QMP message, by the deadline. */
static int recv_msg(struct qemu_vm *vm, const char *step, int64_t deadline,
		    json_t **msg)
{
	struct qemu_buf *b = &vm->qmp_in;
	json_error_t je;
	char *nl;
	int r;

	for (;;) {
		nl = b->p ? memchr(b->p + vm->qmp_off, '\n', b->len - vm->qmp_off) : NULL;
		if (nl) {
			*msg = json_loadb(b->p + vm->qmp_off, nl - b->p - vm->qmp_off,
					  0, &je);
			vm->qmp_off = nl + 1 - b->p;
			if (*msg && json_is_object(*msg))
				return 0;
			json_decref(*msg);
			*msg = NULL;
			return qemu_fail(EPROTO, "%s: QMP: not a JSON object: %s",
					 step, je.text);
		}
		r = qemu_pump(vm, deadline);
		if (r == -ETIMEDOUT)
			return qemu_vm_fail(vm, ETIMEDOUT, step,
					    "no QMP reply within %u ms", vm->timeout_ms);
		if (r == -ESRCH)
			return qemu_vm_fail(vm, ESRCH, step, "QEMU exited");
		if (r)
			return qemu_fail(-r, "%s: %s", step, strerror(-r));
	}
}

int qemu_qmp_exec(struct qemu_vm *vm, const char *step, const char *cmd,
		  json_t *args, json_t **ret)
{
	int64_t deadline = qemu_now_ms() + vm->timeout_ms;
	json_t *msg = json_pack("{s:s}", "execute", cmd), *r;
	const char *class, *desc;
	int err;

	if (!msg) {
		json_decref(args);
		return qemu_fail(ENOMEM, "%s: out of memory", step);
	}
	if (args)
		json_object_set_new(msg, "arguments", args);
	err = qemu_qmp_send(vm, step, msg, -1);
	json_decref(msg);
	while (!err) {
		msg = NULL;
		err = recv_msg(vm, step, deadline, &msg);
		if (err || json_object_get(msg, "event")) {
			json_decref(msg);
			continue;
		}
		r = json_object_get(msg, "return");
		if (r) {
			if (ret)
				*ret = json_incref(r);
			json_decref(msg);
			return 0;
		}
		if (json_unpack(json_object_get(msg, "error"), "{s:s, s:s}",
				"class", &class, "desc", &desc))
			class = desc = "(no error class and description)";
		err = qemu_fail(EIO, "%s: QMP %s: %s: %s", step, cmd, class, desc);
		json_decref(msg);
	}
	return err;
}

int qemu_qmp_getfd(struct qemu_vm *vm, const char *step, const char *name,
		   int fd)
{
	int64_t deadline = qemu_now_ms() + vm->timeout_ms;
	json_t *msg = json_pack("{s:s, s:{s:s}}", "execute", "getfd",
				"arguments", "fdname", name);
	json_t *e;
	int err;

	if (!msg)
		return qemu_fail(ENOMEM, "%s: out of memory", step);
	err = qemu_qmp_send(vm, step, msg, fd);
	json_decref(msg);
	while (!err) {
		msg = NULL;
		err = recv_msg(vm, step, deadline, &msg);
		if (err || json_object_get(msg, "event")) {
			json_decref(msg);
			continue;
		}
		e = json_object_get(msg, "error");
		if (e)
			err = qemu_fail(EIO, "%s: QMP getfd: %s", step,
					json_string_value(json_object_get(e, "desc")) ?: "error");
		json_decref(msg);
		return err;
	}
	return err;
}

/* The greeting, then capabilities negotiation. */
int qemu_qmp_open(struct qemu_vm *vm)
{
	int64_t deadline = qemu_now_ms() + vm->timeout_ms;
	json_t *msg;
	int err;

	msg = NULL;
	err = recv_msg(vm, "qmp greeting", deadline, &msg);
	if (err)
		return err;
	if (!json_object_get(msg, "QMP")) {
		json_decref(msg);
		return qemu_fail(EPROTO, "qmp greeting: no \"QMP\" object");
	}
	json_decref(msg);
	return qemu_qmp_exec(vm, "qmp_capabilities", "qmp_capabilities", NULL, NULL);
}

int qemu_qmp(struct qemu_vm *vm, const char *cmd, char **reply)
{
	json_error_t je;
	json_t *c = json_loads(cmd, 0, &je), *args, *ret = NULL;
	const char *name;
	int err;

	if (json_unpack(c, "{s:s}", "execute", &name)) {
		json_decref(c);
		return qemu_fail(EINVAL, "qmp: not {\"execute\": ...}: %s", cmd);
	}
	args = json_incref(json_object_get(c, "arguments"));
	err = qemu_qmp_exec(vm, "qmp", name, args, reply ? &ret : NULL);
	json_decref(c);
	if (!err && reply) {
		*reply = json_dumps(ret, JSON_COMPACT | JSON_ENCODE_ANY);
		json_decref(ret);
		if (!*reply)
			return qemu_fail(ENOMEM, "qmp: out of memory");
	}
	return err;
}

/* The job's status ("gone" if not listed) and its error ("" if none). */
static int job_status(struct qemu_vm *vm, const char *step, const char *id,
		      char *status, size_t size, char *error, size_t esize)
{
	json_t *jobs, *j;
	const char *s, *e;
	size_t i;
	int err;

	err = qemu_qmp_exec(vm, step, "query-jobs", NULL, &jobs);
	if (err)
		return err;
	snprintf(status, size, "gone");
	json_array_foreach(jobs, i, j) {
		s = e = NULL;
		if (json_unpack(j, "{s:s, s:s}", "id", &e, "status", &s) ||
		    strcmp(e, id))
			continue;
		snprintf(status, size, "%s", s);
		e = json_string_value(json_object_get(j, "error"));
		snprintf(error, esize, "%s", e ?: "");
	}
	json_decref(jobs);
	return 0;
}

int qemu_qmp_job(struct qemu_vm *vm, const char *step, const char *cmd,
		 const char *id, json_t *args)
{
	int64_t deadline = qemu_now_ms() + vm->timeout_ms;
	char status[32], error[512] = "";
	int err, r;

	if (args)
		json_object_set_new(args, "job-id", json_string(id));
	err = qemu_qmp_exec(vm, step, cmd, args, NULL);
	while (!err) {
		err = job_status(vm, step, id, status, sizeof(status), error,
				 sizeof(error));
		if (err || !strcmp(status, "concluded"))
			break;
		if (!strcmp(status, "gone"))
			return qemu_fail(EIO, "%s: job %s vanished", step, id);
		if (qemu_now_ms() >= deadline)
			return qemu_fail(ETIMEDOUT, "%s: job %s still '%s' after %u ms",
					 step, id, status, vm->timeout_ms);
		r = qemu_pump(vm, qemu_now_ms() + 5);
		if (r == -ESRCH)
			return qemu_vm_fail(vm, ESRCH, step, "QEMU exited");
	}
	if (!err)
		err = qemu_qmp_exec(vm, step, "job-dismiss",
				    json_pack("{s:s}", "id", id), NULL);
	if (!err && error[0])
		return qemu_fail(EIO, "%s: %s: %s", step, cmd, error);
	return err;
}
