// SPDX-License-Identifier: GPL-2.0-only
/* Writing the harness's files and standard output safely (cli/cmd_out.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmd_out.h"

#define OUT_MAX_LIVE 8

/* Temporary files being written, for out_remove_temporaries(). */
static struct out_file *volatile live[OUT_MAX_LIVE];

static int fail(char *why, size_t size, const char *path, int err,
		const char *what)
{
	snprintf(why, size, "%s: %s", path, what ? what : strerror(err));
	return -err;
}

/* target's folder, resolved, then its last component: one name per file. */
static int canonical(const char *target, char *out, size_t size)
{
	char dir[PATH_MAX], base[PATH_MAX], real[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", target);
	snprintf(base, sizeof(base), "%s", target);
	if (!realpath(dirname(dir), real))
		return -errno;
	if ((size_t)snprintf(out, size, "%s%s%s", real, strcmp(real, "/") ? "/" : "",
			     basename(base)) >= size)
		return -ENAMETOOLONG;
	return 0;
}

static void tmp_name(struct out_file *o)
{
	snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-%d", o->target, (int)getpid());
}

/* The folder takes a new file: made and removed at once. */
static int probe_folder(struct out_file *o, char *why, size_t size)
{
	int fd;

	tmp_name(o);
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		o->tmp[0] = '\0';
		return fail(why, size, o->path, errno, NULL);
	}
	close(fd);
	unlink(o->tmp);
	o->tmp[0] = '\0';
	return 0;
}

/* A device or FIFO: opened now, without blocking on a FIFO nobody reads. */
static int open_in_place(struct out_file *o, char *why, size_t size)
{
	o->fd = open(o->path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (o->fd < 0)
		return fail(why, size, o->path, errno, errno == ENXIO ?
			    "a FIFO that nobody reads" : NULL);
	fcntl(o->fd, F_SETFL, fcntl(o->fd, F_GETFL) & ~O_NONBLOCK);
	return 0;
}

static int check_existing(struct out_file *o, const struct stat *st,
			  char *why, size_t size)
{
	o->exists = true;
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	if (S_ISREG(st->st_mode))
		return probe_folder(o, why, size);
	/* Opened and closed, a FIFO would show its reader an early end. */
	if (o->probe_only && S_ISFIFO(st->st_mode))
		return access(o->path, W_OK) ? fail(why, size, o->path, errno, NULL) : 0;
	if (S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode))
		return open_in_place(o, why, size);
	return fail(why, size, o->path, S_ISDIR(st->st_mode) ? EISDIR : EINVAL,
		    S_ISDIR(st->st_mode) ? NULL :
		    "not a regular file, character device or FIFO: refused");
}

int out_check(struct out_file *o, const char *path, bool probe_only,
	      char *why, size_t size)
{
	struct stat st;
	int err;

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->probe_only = probe_only;
	o->fd = -1;
	snprintf(o->target, sizeof(o->target), "%s", path);
	/* "" and "dir/" name no file a rename could create. */
	if (!*path || path[strlen(path) - 1] == '/')
		return fail(why, size, path, *path ? EISDIR : ENOENT, NULL);
	if (lstat(path, &st)) {
		if (errno != ENOENT)
			return fail(why, size, path, errno, NULL);
		err = canonical(path, o->target, sizeof(o->target));
		return err ? fail(why, size, path, -err, NULL) :
			     probe_folder(o, why, size);
	}
	if (S_ISLNK(st.st_mode)) {
		/* A link to a regular file: that file is the target. */
		if (stat(path, &st))
			return fail(why, size, path, errno, NULL);
		if (S_ISREG(st.st_mode) && !realpath(path, o->target))
			return fail(why, size, path, errno, NULL);
	}
	return check_existing(o, &st, why, size);
}

bool out_same(const struct out_file *a, const struct out_file *b)
{
	char ca[PATH_MAX], cb[PATH_MAX];

	if (a->exists && b->exists)
		return a->dev == b->dev && a->ino == b->ino;
	return !canonical(a->target, ca, sizeof(ca)) &&
	       !canonical(b->target, cb, sizeof(cb)) && !strcmp(ca, cb);
}

static void track(struct out_file *o, bool on)
{
	int i;

	for (i = 0; i < OUT_MAX_LIVE; i++) {
		if (on && !live[i]) {
			live[i] = o;
			return;
		}
		if (!on && live[i] == o)
			live[i] = NULL;
	}
}

FILE *out_begin(struct out_file *o)
{
	sigset_t all, old;
	struct stat st;
	FILE *f;
	int fd;

	if (o->fd >= 0) {
		f = fdopen(o->fd, "w");
		if (f)
			o->fd = -1;
		return f;
	}
	tmp_name(o);
	sigfillset(&all);
	/* Tracked before a signal can find the file unlisted. */
	sigprocmask(SIG_BLOCK, &all, &old);
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd >= 0)
		track(o, true);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0) {
		o->tmp[0] = '\0';
		return NULL;
	}
	/* A report replacing an earlier one keeps that one's permissions. */
	if (o->exists && !stat(o->target, &st))
		fchmod(fd, st.st_mode & 07777);
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

int out_commit(struct out_file *o, FILE *f)
{
	int err = 0;

	errno = 0;
	if (fflush(f) || ferror(f))
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno;
	if (!err && o->tmp[0] && rename(o->tmp, o->target))
		err = errno;
	if (err)
		out_discard(o);
	track(o, false);
	o->tmp[0] = '\0';
	return -err;
}

void out_discard(struct out_file *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp[0])
		unlink(o->tmp);
	track(o, false);
	o->tmp[0] = '\0';
}

void out_remove_temporaries(void)
{
	int i;

	for (i = 0; i < OUT_MAX_LIVE; i++)
		if (live[i] && live[i]->tmp[0])
			unlink(live[i]->tmp);
}

/* The first error writing standard output: stdio keeps only a flag. */
static int stdout_errno;

static ssize_t stdout_write(void *cookie, const char *buf, size_t n)
{
	ssize_t k = write(STDOUT_FILENO, buf, n);

	if (k < 0 && !stdout_errno)
		stdout_errno = errno;
	return k;
}

int out_std_init(void)
{
	static const cookie_io_functions_t io = { .write = stdout_write };
	FILE *f;
	int fd;

	if (fcntl(STDOUT_FILENO, F_GETFL) < 0)
		return -1;
	/* A closed stdin or stderr must not become the number of a report. */
	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd += 2)
		if (fcntl(fd, F_GETFL) < 0 &&
		    open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			return -1;
	f = fopencookie(NULL, "w", io);
	if (!f)
		return -1;
	if (isatty(STDOUT_FILENO))
		setvbuf(f, NULL, _IOLBF, BUFSIZ);
	stdout = f;
	return 0;
}

int out_stdout_done(const char *prog, int rc)
{
	if (!fflush(stdout) && !ferror(stdout))
		return rc;
	fprintf(stderr, "%s: standard output: %s\n", prog,
		strerror(stdout_errno ? stdout_errno : EIO));
	return rc == 2 ? rc : 1;
}

int out_reports_check(struct out_reports *r, bool probe_only, const char *prog)
{
	char why[PATH_MAX + 128];

	if (r->json && out_check(&r->json_out, r->json, probe_only, why, sizeof(why)))
		goto bad;
	if (r->junit &&
	    out_check(&r->junit_out, r->junit, probe_only, why, sizeof(why))) {
		if (r->json)
			out_discard(&r->json_out);
		goto bad;
	}
	if (r->json && r->junit && out_same(&r->json_out, &r->junit_out)) {
		out_discard(&r->json_out);
		out_discard(&r->junit_out);
		snprintf(why, sizeof(why), "--json %s and --junit %s name the same file",
			 r->json, r->junit);
		goto bad;
	}
	return 0;
bad:
	fprintf(stderr, "%s: %s\n", prog, why);
	return -1;
}

void out_reports_discard(struct out_reports *r)
{
	if (r->json)
		out_discard(&r->json_out);
	if (r->junit)
		out_discard(&r->junit_out);
}

static int write_one(struct out_file *o, const char *prog,
		     int (*writer)(FILE *f, const void *data), const void *data)
{
	FILE *f = out_begin(o);
	int err;

	errno = 0;
	if (!f) {
		err = errno;
	} else if (writer(f, data)) {
		err = errno ? errno : EIO;
		fclose(f);
		out_discard(o);
	} else {
		err = -out_commit(o, f);
	}
	if (err)
		fprintf(stderr, "%s: writing %s: %s\n", prog, o->path, strerror(err));
	return err ? -1 : 0;
}

int out_reports_write(struct out_reports *r, const char *prog,
		      int (*json)(FILE *f, const void *data),
		      int (*junit)(FILE *f, const void *data), const void *data)
{
	int rc = 0;

	if (r->json && write_one(&r->json_out, prog, json, data))
		rc = -1;
	if (r->junit && write_one(&r->junit_out, prog, junit, data))
		rc = -1;
	return rc;
}
