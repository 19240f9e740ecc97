// SPDX-License-Identifier: GPL-2.0-only
/*
 * The QEMU process: spawned with its stdout on a pipe only it holds, so
 * that EOF there means it has exited, and every wait polls that pipe
 * beside the QMP and console sockets, up to a deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qemu/internal.h"

/* Time QEMU gets to exit on its own, after quit or once its stdout closed. */
#define EXIT_GRACE_MS 2000

int64_t qemu_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int qemu_listen(const char *path, int *fd)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s, err;

	if (strlen(path) >= sizeof(a.sun_path))
		return qemu_fail(ENAMETOOLONG, "socket %s: path longer than %zu bytes",
				 path, sizeof(a.sun_path) - 1);
	strcpy(a.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return qemu_fail(errno, "socket %s: %s", path, strerror(errno));
	unlink(path);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1)) {
		err = errno;
		close(s);
		return qemu_fail(err, "socket %s: %s", path, strerror(err));
	}
	*fd = s;
	return 0;
}

int qemu_spawn(struct qemu_vm *vm, char *const argv[])
{
	char path[PATH_MAX + 8], msg[PATH_MAX + 32];
	int life[2], err_fd, null_fd, err;
	pid_t parent = getpid();

	snprintf(path, sizeof(path), "%s.stderr", vm->base);
	snprintf(msg, sizeof(msg), "cannot execute %s\n", argv[0]);
	err_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (err_fd < 0)
		return qemu_fail(errno, "qemu start: %s: %s", path, strerror(errno));
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0 || pipe2(life, O_CLOEXEC)) {
		err = errno;
		close(err_fd);
		if (null_fd >= 0)
			close(null_fd);
		return qemu_fail(err, "qemu start: %s", strerror(err));
	}
	vm->pid = fork();
	if (vm->pid == 0) {
		/* QEMU dies with us: no VM outlives a crashed harness. */
		if (dup2(null_fd, 0) < 0 || dup2(life[1], 1) < 0 ||
		    dup2(err_fd, 2) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) ||
		    getppid() != parent)
			_exit(126);
		execv(argv[0], argv);
		if (write(2, msg, strlen(msg)) < 0)
			_exit(127);
		_exit(127);
	}
	err = errno;
	close(err_fd);
	close(null_fd);
	close(life[1]);
	if (vm->pid < 0) {
		close(life[0]);
		return qemu_fail(err, "qemu start: fork: %s", strerror(err));
	}
	vm->life = life[0];
	return 0;
}

/* After EOF on its stdout: QEMU is exiting; reap it, bounded. */
static int reap(struct qemu_vm *vm, unsigned int ms)
{
	int64_t end = qemu_now_ms() + ms;
	pid_t r;

	while (!vm->reaped) {
		r = waitpid(vm->pid, &vm->status, WNOHANG);
		if (r == vm->pid || (r < 0 && errno == ECHILD))
			vm->reaped = true;
		else if (qemu_now_ms() >= end)
			return -ETIMEDOUT;
		else
			usleep(1000);
	}
	return 0;
}

static int remaining(int64_t deadline)
{
	int64_t left = deadline - qemu_now_ms();

	return left > 0 ? (int)left : 0;
}

int qemu_accept(struct qemu_vm *vm, const char *step, int lfd, int *fd)
{
	int64_t deadline = qemu_now_ms() + vm->timeout_ms;
	struct pollfd p[2] = { { lfd, POLLIN, 0 }, { vm->life, POLLIN, 0 } };
	char drain[256];
	int n;

	for (;;) {
		n = poll(p, 2, remaining(deadline));
		if (n < 0 && errno != EINTR)
			return qemu_fail(errno, "%s: poll: %s", step, strerror(errno));
		if (n == 0)
			return qemu_vm_fail(vm, ETIMEDOUT, step,
					    "QEMU did not connect within %u ms",
					    vm->timeout_ms);
		if (p[0].revents) {
			*fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (*fd >= 0)
				return 0;
			return qemu_fail(errno, "%s: accept: %s", step, strerror(errno));
		}
		if (p[1].revents && read(vm->life, drain, sizeof(drain)) <= 0) {
			reap(vm, EXIT_GRACE_MS);
			return qemu_vm_fail(vm, ESRCH, step, "QEMU exited");
		}
	}
}

static int buf_read(int fd, struct qemu_buf *b)
{
	ssize_t n;
	char *p;

	if (b->cap - b->len < 4096) {
		p = realloc(b->p, b->cap * 2 + 8192);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = b->cap * 2 + 8192;
	}
	n = read(fd, b->p + b->len, b->cap - b->len - 1);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	b->len += n;
	b->p[b->len] = 0;
	return n ? 0 : -EPIPE;
}

int qemu_pump(struct qemu_vm *vm, int64_t deadline)
{
	struct pollfd p[3] = {
		{ vm->qmp, POLLIN, 0 }, { vm->con, POLLIN, 0 }, { vm->life, POLLIN, 0 },
	};
	size_t old = vm->con_in.len;
	char drain[256];
	int n;

	if (vm->reaped)
		return -ESRCH;
	n = poll(p, 3, remaining(deadline));
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -ETIMEDOUT;
	/* A socket QEMU closed is dropped (poll ignores -1); the pipe tells. */
	if (p[0].revents && buf_read(vm->qmp, &vm->qmp_in) == -EPIPE) {
		close(vm->qmp);
		vm->qmp = -1;
	}
	if (p[1].revents && buf_read(vm->con, &vm->con_in) == -EPIPE) {
		close(vm->con);
		vm->con = -1;
	}
	if (vm->con_in.len > old && vm->con_log >= 0 &&
	    write(vm->con_log, vm->con_in.p + old, vm->con_in.len - old) < 0) {
		close(vm->con_log);
		vm->con_log = -1;
	}
	if (p[2].revents && read(vm->life, drain, sizeof(drain)) <= 0) {
		reap(vm, EXIT_GRACE_MS);
		return -ESRCH;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void qemu_stop(struct qemu_vm *vm)
{
	int64_t deadline = qemu_now_ms() + EXIT_GRACE_MS;
	json_t *quit;

	if (!vm)
		return;
	if (!vm->reaped && vm->qmp >= 0) {
		quit = json_pack("{s:s}", "execute", "quit");
		if (quit && !qemu_qmp_send(vm, NULL, quit, -1))
			while (qemu_pump(vm, deadline) == 0)
				;
		json_decref(quit);
	}
	if (!vm->reaped && vm->pid > 0) {
		kill(vm->pid, SIGKILL);
		/* After SIGKILL only the kernel can hold it up: no zombie left. */
		if (reap(vm, EXIT_GRACE_MS))
			waitpid(vm->pid, &vm->status, 0);
	}
	close_fd(&vm->qmp);
	close_fd(&vm->con);
	close_fd(&vm->life);
	close_fd(&vm->con_log);
	free(vm->con_in.p);
	free(vm->qmp_in.p);
	free(vm);
}
