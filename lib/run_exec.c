// SPDX-License-Identifier: GPL-2.0-only
/*
 * The parent side: fork one child per case in its own process group,
 * bound it with a timeout, and turn how it ended into a result. The runner
 * never dies with a case.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/report.h"
#include "lib/run_slot.h"

#define RUN_LOG_MAX (64 * 1024)
#define RUN_EXIT_ASSERT 254	/* TEST_ASSERT / GUEST_ASSERT in the library */
#define RUN_EXIT_SKIP 4		/* TEST_REQUIRE (kselftest KSFT_SKIP) */

struct run_slot *run_slot;
/* The running case's process group, for run_stop_child(); 0 when none. */
static volatile pid_t running;

void run_stop_child(void)
{
	if (running > 0)
		kill(-running, SIGKILL);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int slot_init(void)
{
	void *p;

	if (run_slot)
		return 0;
	p = mmap(NULL, sizeof(*run_slot), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	run_slot = p;
	return 0;
}

/* Wait for pid at most timeout_ms; returns false on timeout. */
static bool wait_bounded(pid_t pid, unsigned int timeout_ms, int *status)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0);
	double end = now_ms() + timeout_ms;
	struct pollfd p;

	if (pidfd >= 0) {
		p = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		while (poll(&p, 1, timeout_ms) < 0 && errno == EINTR)
			timeout_ms = end > now_ms() ? end - now_ms() : 0;
		close(pidfd);
		return waitpid(pid, status, WNOHANG) == pid;
	}
	/* Kernels before 5.3 have no pidfd: poll waitpid instead. */
	while (now_ms() < end) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		usleep(1000);
	}
	return false;
}

static char *read_log(int fd)
{
	off_t len = lseek(fd, 0, SEEK_END);
	size_t n = len > RUN_LOG_MAX ? RUN_LOG_MAX : (size_t)(len > 0 ? len : 0);
	char *buf;
	ssize_t got;

	if (!n)
		return NULL;
	buf = malloc(n + 1);
	if (!buf)
		return NULL;
	got = pread(fd, buf, n, 0);
	buf[got > 0 ? got : 0] = '\0';
	return buf;
}

/* The line after marker in log, trimmed, or "" */
static void line_after(const char *log, const char *marker, char *out,
		       size_t size)
{
	const char *p = log ? strstr(log, marker) : NULL;
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(marker);
	while (*p == ' ' || *p == '\n' || *p == '=' || *p == '-')
		p++;
	n = strcspn(p, "\n");
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

static void classify(struct run_outcome *out, int status, bool done,
		     unsigned int timeout_s)
{
	char text[512];
	int code;

	if (!done) {
		out->result = RUN_ERROR;
		snprintf(out->reason, sizeof(out->reason),
			 "timeout: no verdict after %u s, process group killed",
			 timeout_s);
		return;
	}
	if (WIFSIGNALED(status)) {
		out->result = RUN_ERROR;
		snprintf(out->reason, sizeof(out->reason), "crashed: signal %d (SIG%s)",
			 WTERMSIG(status), sigabbrev_np(WTERMSIG(status)) ?: "?");
		return;
	}
	code = WEXITSTATUS(status);
	if (code == 0 && run_slot->result != RUN_SLOT_NONE) {
		out->result = run_slot->result;
		snprintf(out->reason, sizeof(out->reason), "%s", run_slot->reason);
	} else if (code == 0) {
		out->result = RUN_PASS;
	} else if (code == RUN_EXIT_ASSERT) {
		line_after(out->log, "Test Assertion Failure", text, sizeof(text));
		out->result = RUN_ERROR;
		snprintf(out->reason, sizeof(out->reason),
			 "library assertion (exit 254): %s", text);
	} else if (code == RUN_EXIT_SKIP) {
		line_after(out->log, "SKIP", text, sizeof(text));
		out->result = RUN_SKIP;
		snprintf(out->reason, sizeof(out->reason), "%s",
			 text[0] ? text : "library requirement not met (exit 4)");
	} else {
		out->result = RUN_ERROR;
		snprintf(out->reason, sizeof(out->reason), "exited with status %d",
			 code);
	}
}

/* A known hazard: failing is what is observed; passing means it is fixed. */
static void apply_expectation(const struct run_case *c, struct run_outcome *out)
{
	char was[sizeof(out->reason)];

	if (c->expect != RUN_EXPECT_XFAIL)
		return;
	snprintf(was, sizeof(was), "%s", out->reason);
	if (out->result == RUN_FAIL) {
		out->result = RUN_XFAIL;
		snprintf(out->reason, sizeof(out->reason), "%s [observed: %.700s]",
			 c->hazard, was);
	} else if (out->result == RUN_PASS) {
		out->result = RUN_XPASS;
		snprintf(out->reason, sizeof(out->reason),
			 "hazard not observed on this kernel: %s", c->hazard);
	}
}

static void spawn(const struct run_opts *o, const struct run_case *c,
		  struct run_outcome *out)
{
	unsigned int timeout_s = c->timeout_s ? c->timeout_s : o->timeout_s;
	sigset_t all, old;
	int fd, status = 0;
	bool done;
	pid_t pid;

	fd = memfd_create("xsave-abi-case", MFD_CLOEXEC);
	if (fd < 0 || slot_init()) {
		out->result = RUN_ERROR;
		snprintf(out->reason, sizeof(out->reason),
			 "runner: memfd_create/mmap: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	run_slot->result = RUN_SLOT_NONE;
	run_slot->reason[0] = '\0';
	run_slot->observed[0] = '\0';
	fflush(NULL);
	/* running is set before a signal can look for it. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* What stdout could not take is the runner's, not the case's log. */
		__fpurge(stdout);
		setpgid(0, 0);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		run_child(c, o->seed);
	}
	if (pid > 0) {
		setpgid(pid, pid);
		running = pid;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		out->result = RUN_ERROR;
		snprintf(out->reason, sizeof(out->reason), "runner: fork: %s",
			 strerror(errno));
		close(fd);
		return;
	}
	done = wait_bounded(pid, timeout_s * 1000, &status);
	/* Whatever the case started (a traced child, a stuck vCPU) goes too. */
	kill(-pid, SIGKILL);
	if (!done)
		waitpid(pid, &status, 0);
	running = 0;
	out->log = read_log(fd);
	close(fd);
	memcpy(out->observed, run_slot->observed, sizeof(out->observed));
	out->observed[sizeof(out->observed) - 1] = '\0';
	classify(out, status, done, timeout_s);
}

void run_one(const struct run_opts *o, const struct run_case *c,
	     struct run_outcome *out)
{
	const char *unmet = o->unmet ? o->unmet(c->needs) : NULL;
	double t0 = now_ms();

	memset(out, 0, sizeof(*out));
	out->c = c;
	if (unmet) {
		out->result = RUN_SKIP;
		snprintf(out->reason, sizeof(out->reason), "%s", unmet);
		return;
	}
	spawn(o, c, out);
	apply_expectation(c, out);
	out->duration_ms = now_ms() - t0;
}

int run_exit_code(const struct run_totals *t)
{
	unsigned int ran = t->n[RUN_PASS] + t->n[RUN_XFAIL] + t->n[RUN_XPASS];

	if (t->n[RUN_FAIL] || t->n[RUN_ERROR])
		return 1;
	return !ran && t->n[RUN_SKIP] ? 4 : 0;
}

/* Run every selected case, streaming KTAP to ktap (if not NULL). */
int run_all(const struct run_opts *o, struct run_report *r, FILE *ktap)
{
	unsigned int i, n = 0, total = run_ncases();
	double t0 = now_ms();

	r->res = calloc(total ? total : 1, sizeof(*r->res));
	if (!r->res)
		return -ENOMEM;
	for (i = 0; i < total; i++)
		n += run_selected(o, run_case_at(i));
	r->seed = o->seed;
	if (ktap)
		report_ktap_begin(ktap, NULL, n, r->host_ktap, o->seed);
	for (i = 0; i < total; i++) {
		const struct run_case *c = run_case_at(i);
		struct run_outcome *out;

		if (!run_selected(o, c))
			continue;
		out = &r->res[r->n++];
		run_one(o, c, out);
		r->totals.n[out->result]++;
		if (ktap)
			report_ktap_result(ktap, r->n, out, o->verbose);
	}
	r->wall_ms = now_ms() - t0;
	if (ktap)
		report_ktap_end(ktap, r);
	return run_exit_code(&r->totals);
}

void run_report_free(struct run_report *r)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		free(r->res[i].log);
	free(r->res);
	r->res = NULL;
	r->n = 0;
}
