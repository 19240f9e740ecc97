// SPDX-License-Identifier: GPL-2.0-only
/*
 * The QEMU driver (qemu/) and the L2 guest (l2/), under TCG by default so
 * that any host runs them: boot and check, migrate to a file and restore,
 * migrate twice before the guest runs again, a clobbered guest's check must
 * fail, and QEMU dying (at start, or killed mid-wait) must give an error,
 * not a hang.
 *
 * usage: test_qemu [DIR]   (DIR: the work folder, kept; a fresh one,
 * removed at the end, otherwise)
 * XSAVE_ABI_QEMU, XSAVE_ABI_L2: the binaries; XSAVE_ABI_QEMU_ACCEL and
 * XSAVE_ABI_QEMU_CPU: "kvm" and "host" in the emulated machine;
 * XSAVE_ABI_QEMU_MACHINE and XSAVE_ABI_QEMU_BIOS: e.g. "pc" and qboot.rom.
 * Prints TAP lines, then "test_qemu: N passed, N failed, N skipped".
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "qemu/qemu.h"

#define SEED_A		0x1234abcd5678ef01ULL
#define SEED_B		42
#define KILL_AFTER_MS	300

static int t_n, t_pass, t_fail;
static struct qemu_opts opts;
static char dir[256];

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static bool tap(bool ok, const char *name, const char *why)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++t_n, name);
	if (!ok)
		printf("# %s\n", why);
	ok ? t_pass++ : t_fail++;
	return ok;
}

/* A driver call's result: its error message only once it has returned. */
static bool step(int err, const char *name)
{
	return tap(!err, name, qemu_strerror());
}

/* "# " before each line of text. */
static void diag(const char *text)
{
	const char *nl;

	for (; *text; text = nl + 1) {
		nl = strchrnul(text, '\n');
		printf("#   %.*s\n", (int)(nl - text), text);
		if (!*nl)
			break;
	}
}

static void path(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

static bool check_ok(struct qemu_vm *vm, const char *name, struct qemu_check *c)
{
	char why[1300];

	if (qemu_check(vm, c))
		return tap(false, name, qemu_strerror());
	snprintf(why, sizeof(why), "the guest reported fail=%s", c->failed);
	if (!tap(c->ok, name, why))
		diag(c->text);
	return c->ok;
}

static long file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) ? -1 : (long)st.st_size;
}

/* Boot, check, migrate, restore, check: PKRU and the rest survive. */
static void migrate_and_restore(const char *file)
{
	struct qemu_vm *a = NULL, *b = NULL;
	struct qemu_check c1, c2;
	int64_t t0 = now_ms(), t1;
	char why[256];

	if (!step(qemu_boot(&opts, SEED_A, 0, &a), "boot to ready"))
		return;
	printf("# boot to 'l2: ready': %lld ms; %s\n", (long long)(now_ms() - t0),
	       qemu_ready_line(a));
	if (!check_ok(a, "check after boot", &c1))
		goto out;
	t0 = now_ms();
	if (!step(qemu_migrate_file(a, file), "migrate to a file"))
		goto out;
	printf("# migrate to file: %lld ms, %ld bytes\n", (long long)(now_ms() - t0),
	       file_size(file));
	qemu_stop(a);
	a = NULL;
	t0 = now_ms();
	if (!step(qemu_incoming(&opts, file, &b), "restore in a second QEMU"))
		goto out;
	t1 = now_ms();
	if (!step(qemu_cont(b), "cont"))
		goto out;
	if (check_ok(b, "check after restore", &c2)) {
		printf("# restore: %lld ms (start, load), cont and check %lld ms\n",
		       (long long)(t1 - t0), (long long)(now_ms() - t1));
		snprintf(why, sizeof(why), "PKRU 0x%x before, 0x%x after", c1.pkru,
			 c2.pkru);
		tap(c1.pkru == c2.pkru && c2.n == 2, "PKRU equal across migration", why);
	}
out:
	qemu_stop(a);
	qemu_stop(b);
}

/* Restore, migrate again before cont, restore that, then run and check. */
static void migrate_twice(const char *file, const char *file2)
{
	struct qemu_vm *b = NULL, *c = NULL;
	struct qemu_check ck;
	int err;

	err = qemu_incoming(&opts, file, &b);
	if (!err)
		err = qemu_migrate_file(b, file2);
	if (!step(err, "restore, then migrate again before the guest runs"))
		goto out;
	qemu_stop(b);
	b = NULL;
	err = qemu_incoming(&opts, file2, &c);
	if (!err)
		err = qemu_cont(c);
	if (step(err, "restore the second file and cont"))
		check_ok(c, "check after two migrations before run", &ck);
out:
	qemu_stop(b);
	qemu_stop(c);
}

static void expect_clobbered(struct qemu_vm *vm, const char *name)
{
	struct qemu_check c;
	char why[1300];
	bool ok;

	if (qemu_check(vm, &c)) {
		step(-1, name);
		return;
	}
	ok = !c.ok && !strcmp(c.failed, "sse,pkru") && c.pkru != c.pkru_want;
	snprintf(why, sizeof(why), "expected fail=sse,pkru, got ok=%d fail=%s", c.ok,
		 c.failed);
	if (!tap(ok, name, why))
		diag(c.text);
}

/*
 * The guest clobbers PKRU and XMM3 after its first check: the second must
 * name them, and loading a snapshot from before the first must bring back
 * the state (and the count: check 1 again).
 */
static void clobber(void)
{
	struct qemu_vm *vm;
	struct qemu_check c;
	char image[300];
	int64_t t0, t1;
	int err;

	path(image, sizeof(image), "snap.qcow2");
	err = qemu_boot(&opts, SEED_B, QEMU_BOOT_CLOBBER, &vm);
	if (!step(err, "boot a guest that clobbers its state"))
		return;
	t0 = now_ms();
	if (!step(qemu_savevm(vm, image, "before"), "savevm (snapshot-save) to qcow2"))
		goto out;
	t1 = now_ms();
	if (!check_ok(vm, "check before the clobber", &c))
		goto out;
	expect_clobbered(vm, "the check reports the clobbered sse and pkru");
	if (!step(qemu_loadvm(vm, "before"), "loadvm (snapshot-load)"))
		goto out;
	printf("# savevm %lld ms (image created), loadvm %lld ms\n",
	       (long long)(t1 - t0), (long long)(now_ms() - t1));
	if (check_ok(vm, "check after loadvm", &c))
		tap(c.n == 1, "loadvm brought the guest's check count back", "");
out:
	qemu_stop(vm);
}

static void *killer(void *arg)
{
	usleep(KILL_AFTER_MS * 1000);
	kill(*(pid_t *)arg, SIGKILL);
	return NULL;
}

/* A paused guest never answers its NMI; QEMU killed meanwhile: an error. */
static void killed_mid_wait(const char *file)
{
	struct qemu_vm *vm;
	struct qemu_check c;
	pthread_t t;
	int64_t t0;
	pid_t pid;
	int err;
	char why[2300];

	if (!step(qemu_incoming(&opts, file, &vm), "restore, paused"))
		return;
	pid = qemu_pid(vm);
	pthread_create(&t, NULL, killer, &pid);
	t0 = now_ms();
	err = qemu_check(vm, &c);
	pthread_join(t, NULL);
	snprintf(why, sizeof(why), "returned %d after %lld ms: %s", err,
		 (long long)(now_ms() - t0), qemu_strerror());
	tap(err == -ESRCH && now_ms() - t0 < opts.timeout_ms / 2 &&
	    strstr(qemu_strerror(), "qemu check: QEMU was killed by signal 9"),
	    "QEMU killed mid-wait: an error at once", why);
	printf("# %s\n", qemu_strerror());
	qemu_stop(vm);
}

/* A paused guest never answers: the wait ends at the timeout, and says so. */
static void timeout_paused(const char *file)
{
	struct qemu_opts o = opts;
	struct qemu_vm *vm;
	struct qemu_check c;
	int64_t t0;
	int err;
	char why[2300];

	o.timeout_ms = 1000;
	if (!step(qemu_incoming(&o, file, &vm), "restore, paused, 1 s timeout"))
		return;
	t0 = now_ms();
	err = qemu_check(vm, &c);
	snprintf(why, sizeof(why), "returned %d after %lld ms: %s", err,
		 (long long)(now_ms() - t0), qemu_strerror());
	tap(err == -ETIMEDOUT && now_ms() - t0 < 2 * o.timeout_ms &&
	    strstr(qemu_strerror(), "qemu check: no 'l2: check N done' line after 1000 ms"),
	    "a check of a paused guest times out", why);
	printf("# %s\n", qemu_strerror());
	qemu_stop(vm);
}

/* A truncated file: QEMU's own reason, from its stderr. */
static void truncated(const char *file, const char *cut)
{
	struct qemu_vm *vm;
	char cmd[700];
	int err;

	snprintf(cmd, sizeof(cmd), "head -c 4096 '%s' > '%s'", file, cut);
	if (!tap(!system(cmd), "cut a migration file short", cmd))
		return;
	err = qemu_incoming(&opts, cut, &vm);
	tap(err == -ESRCH && strstr(qemu_strerror(), "qemu incoming: QEMU exited with status 1: "),
	    "restore from a truncated file: QEMU's exit in the error", qemu_strerror());
	printf("# %s\n", qemu_strerror());
	if (!err)
		qemu_stop(vm);
}

/* A QEMU that refuses its command line: its own words in the error. */
static void bad_cpu(void)
{
	struct qemu_opts o = opts;
	struct qemu_vm *vm;
	int err;

	o.cpu = "no-such-cpu";
	err = qemu_boot(&o, SEED_A, 0, &vm);
	tap(err == -ESRCH && strstr(qemu_strerror(), "QEMU exited with status 1: ") &&
	    strstr(qemu_strerror(), "no-such-cpu"),
	    "QEMU exits at start: its stderr in the error", qemu_strerror());
	if (!err)
		qemu_stop(vm);
}

/*
 * Nothing of ours left: each QEMU's command line holds DIR/qPID.N (the
 * pattern is written so that it does not match the shell running pgrep).
 */
static void no_leftovers(void)
{
	char cmd[400], out[256] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "pgrep -a -f -- '%s/q[0-9]+[.][0-9]+[.]' || true",
		 dir);
	p = popen(cmd, "r");
	if (p) {
		if (!fgets(out, sizeof(out), p))
			out[0] = 0;
		pclose(p);
	}
	tap(p && !out[0], "no QEMU (or child) left running", out);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* DIR, made if need be, instead of the setup's fresh folder. */
static int work_dir(const char *arg)
{
	snprintf(dir, sizeof(dir), "%s", arg);
	if (!mkdir(dir, 0755) || errno == EEXIST)
		return 0;
	perror(arg);
	return -1;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

int main(int argc, char **argv)
{
	char file[300], file2[300], cut[300], why[64];
	int fds = count_fds(), err;
	static struct qemu_setup s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	err = qemu_setup(&s, env_or("XSAVE_ABI_QEMU_ACCEL", "tcg"),
			 env_or("XSAVE_ABI_QEMU_CPU", "max"), L2_ELF_DEFAULT);
	if (err == -ENOENT) {
		printf("SKIP test_qemu: %s\n", qemu_strerror());
		printf("test_qemu: 0 passed, 0 failed, 1 skipped\n");
		return 0;
	}
	if (err) {
		printf("Bail out! %s\n", qemu_strerror());
		return 1;
	}
	opts = s.o;
	opts.timeout_ms = 10000;
	snprintf(dir, sizeof(dir), "%s", s.dir);
	if (argc > 1 && work_dir(argv[1]))
		return 1;
	opts.dir = dir;
	printf("# %s, -accel %s -cpu %s, in %s\n", opts.binary, opts.accel, opts.cpu,
	       dir);
	path(file, sizeof(file), "mig1");
	path(file2, sizeof(file2), "mig2");
	path(cut, sizeof(cut), "mig-cut");

	migrate_and_restore(file);
	migrate_twice(file, file2);
	clobber();
	timeout_paused(file);
	killed_mid_wait(file);
	truncated(file, cut);
	bad_cpu();
	no_leftovers();
	snprintf(why, sizeof(why), "%d open fds at the start, %d now", fds,
		 count_fds());
	tap(fds == count_fds(), "no fd left open", why);
	qemu_teardown(&s);
	printf("1..%d\n", t_n);
	printf("test_qemu: %d passed, %d failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}
