// SPDX-License-Identifier: GPL-2.0-only
/*
 * The last driver error, "STEP: what happened". Once QEMU has exited, that
 * is what happened, with its status and the last line of its stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/internal.h"

static __thread char qemu_last[2048];

const char *qemu_strerror(void)
{
	return qemu_last[0] ? qemu_last : "no error";
}

int qemu_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(qemu_last, sizeof(qemu_last), fmt, ap);
	va_end(ap);
	return -err;
}

/* The last non-empty line of path (its last 4 KiB), or "(no stderr)". */
static void last_line(const char *path, char *out, size_t size)
{
	char b[4096], *p, *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t len;
	ssize_t n = 0;

	snprintf(out, size, "(nothing on stderr)");
	if (fd < 0)
		return;
	len = lseek(fd, 0, SEEK_END);
	if (len > 0)
		n = pread(fd, b, sizeof(b) - 1, len > (off_t)sizeof(b) - 1 ?
			  len - (off_t)sizeof(b) + 1 : 0);
	close(fd);
	if (n <= 0)
		return;
	end = b + n;
	while (end > b && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	*end = 0;
	p = memrchr(b, '\n', end - b);
	p = p ? p + 1 : b;
	if (end > b) {
		n = end - p < (ssize_t)size ? end - p : (ssize_t)size - 1;
		memcpy(out, p, n);
		out[n] = 0;
	}
}

int qemu_vm_fail(struct qemu_vm *vm, int err, const char *step,
		 const char *fmt, ...)
{
	char path[PATH_MAX + 8], line[512];
	va_list ap;
	int n;

	if (!vm->reaped) {
		n = snprintf(qemu_last, sizeof(qemu_last), "%s: ", step);
		va_start(ap, fmt);
		vsnprintf(qemu_last + n, sizeof(qemu_last) - n, fmt, ap);
		va_end(ap);
		return -err;
	}
	snprintf(path, sizeof(path), "%s.stderr", vm->base);
	last_line(path, line, sizeof(line));
	if (WIFSIGNALED(vm->status))
		return qemu_fail(ESRCH, "%s: QEMU was killed by signal %d (%s): %s",
				 step, WTERMSIG(vm->status),
				 sigabbrev_np(WTERMSIG(vm->status)) ?: "?", line);
	return qemu_fail(ESRCH, "%s: QEMU exited with status %d: %s", step,
			 WEXITSTATUS(vm->status), line);
}
