/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The files the harness writes (reports, state files) and its standard
 * output. A target that is absent or a regular file (also through a
 * symlink) is written to a temporary file beside it and renamed into place
 * once complete, so a failed or interrupted run leaves an earlier file
 * byte-identical; a character device or FIFO (/dev/null, /dev/stdout, a
 * pipe) is written in place; anything else is refused. Targets are checked
 * before any case runs or any VM exists.
 */
#ifndef CMD_OUT_H
#define CMD_OUT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct out_file {
	const char *path;		/* as the user gave it */
	char target[PATH_MAX];		/* what a rename replaces */
	char tmp[PATH_MAX + 32];	/* the temporary file, "" when none */
	int fd;				/* an in-place target, open since the check */
	bool exists;
	bool probe_only;		/* checked, never to be written */
	dev_t dev;			/* an existing target's identity */
	ino_t ino;
};

/* Whether path can be written as above, without changing anything yet:
 * 0, or -errno with "PATH: reason" in why. probe_only: a check alone,
 * which opens no FIFO (a later process writes it). */
int out_check(struct out_file *o, const char *path, bool probe_only,
	      char *why, size_t size);
/* Whether two checked targets are the same file. */
bool out_same(const struct out_file *a, const struct out_file *b);
/* Start writing a checked target: NULL with errno on failure. */
FILE *out_begin(struct out_file *o);
/* Finish what out_begin() started (f is closed): 0, or -errno and nothing
 * replaced. */
int out_commit(struct out_file *o, FILE *f);
/* Give up a checked target: close it, remove any temporary file. */
void out_discard(struct out_file *o);
/* Remove every temporary file in progress; async-signal-safe. */
void out_remove_temporaries(void);

/* A run's two reports, --json and --junit (NULL: not asked for). */
struct out_reports {
	const char *json, *junit;
	struct out_file json_out, junit_out;
};

/* Both can be written, and are two files: 0, or -1 with the reason on
 * stderr after prog's name. */
int out_reports_check(struct out_reports *r, bool probe_only, const char *prog);
void out_reports_discard(struct out_reports *r);
/* Each asked-for report written by its writer from data: 0, or -1 with
 * the reason on stderr; a failed one replaces nothing. */
int out_reports_write(struct out_reports *r, const char *prog,
		      int (*json)(FILE *f, const void *data),
		      int (*junit)(FILE *f, const void *data), const void *data);

/* Before anything else: standard input and error open (on /dev/null if
 * closed, so no file takes their numbers), standard output a stream that
 * keeps the reason of a failed write. 0, or -1 when standard output is
 * closed. */
int out_std_init(void);
/* rc, or 1 (a usage rc stays) when anything written to standard output
 * failed; the reason goes to stderr after prog's name. */
int out_stdout_done(const char *prog, int rc);

#endif
