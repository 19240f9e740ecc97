// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave-abi compose [--json FILE] [--junit FILE] RUN_DIR...: the report of
 * an emulated-machine run (run.sh --vm) from the folders its boots left,
 * one per boot. The folder layout, written by vm/vm.sh and vm/init:
 *   label package machine wall_ms [tree]  (vm.sh: the kernel, its package,
 *                                  the machine, the boot's wall time, the
 *                                  linux-source tree of its selftests)
 *   [error] console.log            (vm.sh: why the boot sent nothing back)
 *   [skip]                         (vm.sh: why the kernel was not booted)
 *   [in/state-only]                a boot that only loaded state files
 *   out/                           (vm/init, sent back by the machine)
 *     [error] release kvm_module kvm_params results.json rc stderr
 *     upstream/list                NAME, or NAME missing: REASON
 *     upstream/NAME.rc NAME.log    kselftest's exit code and output
 *     [upstream/error]             why none came back (vm.sh: the boot of
 *                                  the selftests sent nothing)
 *     [beside/]                    the cases a second boot ran beside the
 *                                  suite with the selftests (vm.sh split):
 *       list                       their names, one a line
 *       results.json rc stderr     as above, or
 *       error                      why they never came back
 *     state/save.rc save.log       the state file this kernel saved
 *     state/load-SOURCE.ktap .rc   loading the one SOURCE saved
 * SOURCE is a label with every byte but letters and digits as '_'.
 * Exit 0 every kernel's run and every cross-kernel move passed, 1 not,
 * 2 bad usage or a folder that cannot be read.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cmd.h"
#include "cli/cmd_json.h"
#include "cli/cmd_out.h"
#include "cli/cmd_run_json.h"
#include "lib/array.h"
#include "lib/report.h"
#include "lib/report_multi.h"

#define PROG "xsave-abi compose"
#define TEXT_MAX (1u << 20)	/* a log or console kept, at most its tail */
#define CONSOLE_LINES 25

/* dir/name's text, at most its last max bytes, NULL when absent. Bytes past
 * printable ASCII become '?': it is printed, and written as JSON. */
static char *read_tail(const char *dir, const char *name, size_t max)
{
	char path[2 * PATH_MAX], *buf, *p;
	size_t len, i;
	FILE *f;
	long size;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) > (long)max)
		fseek(f, size - max, SEEK_SET);
	else
		rewind(f);
	buf = malloc(max + 1);
	len = buf ? fread(buf, 1, max, f) : 0;
	fclose(f);
	if (!buf)
		return NULL;
	buf[len] = '\0';
	for (i = 0; i < len; i++)
		if ((buf[i] < 0x20 || buf[i] > 0x7e) && buf[i] != '\n' &&
		    buf[i] != '\t')
			buf[i] = buf[i] == '\r' ? ' ' : '?';
	p = realloc(buf, len + 1);
	return p ? p : buf;
}

/* A one-line file's line, trailing newlines and spaces cut. */
static char *read_line(const char *dir, const char *name)
{
	char *s = read_tail(dir, name, 4096), *nl;
	size_t n;

	if (!s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl && nl[strspn(nl, "\n ")])	/* several lines: keep them */
		nl = NULL;
	if (nl)
		*nl = '\0';
	for (n = strlen(s); n && (s[n - 1] == '\n' || s[n - 1] == ' '); n--)
		s[n - 1] = '\0';
	return s;
}

/* The last n lines of text, in place. */
static char *last_lines(char *text, unsigned int n)
{
	char *p;

	if (!text)
		return NULL;
	p = text + strlen(text);
	if (p > text && p[-1] == '\n')
		p--;
	while (p > text && n) {
		p--;
		if (*p == '\n' && !--n)
			p++;
	}
	memmove(text, p, strlen(p) + 1);
	return text;
}

static int number(const char *dir, const char *name, int absent)
{
	char *s = read_line(dir, name), *end;
	long v;

	if (!s)
		return absent;
	v = strtol(s, &end, 10);
	v = *s && !*end ? v : absent;
	free(s);
	return v;
}

static bool exists(const char *dir, const char *name)
{
	char path[2 * PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !stat(path, &st);
}

/* An outcome of a case made here (upstream tests, moves). */
static struct run_outcome *add_outcome(struct run_report *r, const char *group,
				       const char *name,
				       const struct run_source *sources)
{
	struct run_outcome *p = realloc(r->res, (r->n + 1) * sizeof(*p));
	struct run_case *c = calloc(1, sizeof(*c));

	if (p)
		r->res = p;
	if (!p || !c) {
		free(c);
		return NULL;
	}
	c->group = group;
	c->name = strdup(name);
	c->sources = sources;
	p = &r->res[r->n++];
	memset(p, 0, sizeof(*p));
	p->c = c;
	return p;
}

static void set_result(struct run_report *r, struct run_outcome *o,
		       enum run_result res)
{
	o->result = res;
	r->totals.n[res]++;
}

static const struct run_source upstream_sources[] = {
	{ .kind = RUN_SOURCE_CODE, .ref = "tools/testing/selftests",
	  .title = "the booted kernel's own selftest, from its tree" },
	{ .kind = RUN_SOURCE_END },
};

/* The first "SKIP" line's reason in a kselftest's output. */
static void skip_reason(const char *log, char *buf, size_t size)
{
	const char *p = log ? strstr(log, "SKIP") : NULL;

	snprintf(buf, size, "exit code 4");
	if (!p)
		return;
	p += strspn(p + 4, " -") + 4;
	snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
}

/* A line of a selftest's output that says it failed, whatever its exit
 * code (a test that forks may exit 0 before its children fail): TAP's
 * "Bail out!" or "not ok" at the start of a line. NULL if none. */
static const char *failed_line(const char *log)
{
	const char *p = log;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "Bail out!", 9) || !strncmp(p, "not ok ", 7))
			return p;
	return NULL;
}

/*
 * Selftests that fail on a kernel series for a known reason, recognised by
 * a line of their output: XFAIL, with what a VMM must know. Any other
 * failure stays one.
 */
static const struct {
	const char *series, *test, *says, *hazard;
} known_failures[] = {
	{ "5.10", "state_test", "KVM_GET_MSRS, r: 11 (failed MSR was 0x3a)",
	  "5.10's KVM_GET_MSR_INDEX_LIST lists MSRs that KVM_GET_MSRS refuses on "
	  "AMD (0x3a, IA32_FEATURE_CONTROL, and Intel PMU MSRs): a VMM must save "
	  "only the listed MSRs it can read" },
};

static void apply_known(const struct report_kernel *k, struct run_outcome *o)
{
	char why[128];	/* an exit code or a timeout */
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known_failures); i++)
		if (!strcmp(k->label, known_failures[i].series) &&
		    !strcmp(o->c->name, known_failures[i].test) && o->log &&
		    strstr(o->log, known_failures[i].says)) {
			snprintf(why, sizeof(why), "%.*s", (int)sizeof(why) - 1,
				 o->reason);
			snprintf(o->reason, sizeof(o->reason), "%s (%s)",
				 known_failures[i].hazard, why);
			o->result = RUN_XFAIL;
			return;
		}
}

/* One selftest as kselftest's runner reads its exit code: 0 pass, 4 skip,
 * timeout's 124 (or a TERM) a timeout, anything else a failure; and a
 * failure its output states. */
static int read_test(struct report_kernel *k, const char *dir, char *line,
		     int limit, const char *why)
{
	char *missing = strstr(line, " missing: "), name[256];
	struct run_outcome *o;
	const char *bad;
	int rc;

	if (missing)
		*missing = '\0';
	o = add_outcome(&k->upstream, "upstream", line, upstream_sources);
	if (!o)
		return -1;
	if (missing) {
		snprintf(o->reason, sizeof(o->reason), "%s", missing + 10);
		set_result(&k->upstream, o, RUN_SKIP);
		return 0;
	}
	snprintf(name, sizeof(name), "upstream/%s.log", line);
	o->log = last_lines(read_tail(dir, name, TEXT_MAX), 200);
	snprintf(name, sizeof(name), "upstream/%s.rc", line);
	rc = number(dir, name, -1);
	bad = failed_line(o->log);
	if (rc == 0 && bad) {
		snprintf(o->reason, sizeof(o->reason), "exit code 0, but its output "
			 "says: %.*s", (int)strcspn(bad, "\n"), bad);
		set_result(&k->upstream, o, RUN_FAIL);
		return 0;
	}
	if (rc == 0) {
		set_result(&k->upstream, o, RUN_PASS);
		return 0;
	}
	if (rc == 4) {
		skip_reason(o->log, o->reason, sizeof(o->reason));
		set_result(&k->upstream, o, RUN_SKIP);
		return 0;
	}
	if (rc == 124 || rc == 143)
		snprintf(o->reason, sizeof(o->reason), "timed out after %d s", limit);
	else if (rc < 0)
		snprintf(o->reason, sizeof(o->reason), "%s",
			 why ? why : "it left no exit code");
	else
		snprintf(o->reason, sizeof(o->reason), "exit code %d", rc);
	o->result = RUN_FAIL;
	apply_known(k, o);
	set_result(&k->upstream, o, o->result);
	return 0;
}

static int read_upstream(struct report_kernel *k, const char *run,
			 const char *out)
{
	char *list = read_tail(out, "upstream/list", TEXT_MAX), *line, *save;
	char *why = read_line(out, "upstream/error");
	int limit = number(run, "upstream_timeout", 60), ret = 0;

	if (list)
		k->has_upstream = true;
	for (line = list ? strtok_r(list, "\n", &save) : NULL; line && !ret;
	     line = strtok_r(NULL, "\n", &save))
		if (*line && read_test(k, out, line, limit, why))
			ret = -1;
	free(list);
	free(why);
	return ret;
}

/* The harness's own run, from its --json; an unusable one is the run's
 * error. */
static void read_harness(struct report_kernel *k, const char *out)
{
	char path[2 * PATH_MAX], why[1024], *text, *err;
	size_t len;

	k->harness_rc = number(out, "rc", -1);
	k->harness_stderr = read_tail(out, "stderr", TEXT_MAX);
	snprintf(path, sizeof(path), "%s/results.json", out);
	text = cmd_read_all(path, CMD_JSON_FILE_MAX, &len);
	if (!text)
		snprintf(why, sizeof(why), "results.json: %s", strerror(errno));
	else if (!cmd_run_json_parse(text, len, &k->harness, why, sizeof(why)))
		goto done;
	err = last_lines(k->harness_stderr ? strdup(k->harness_stderr) : NULL, 2);
	if (err)
		for (char *p = err; *p; p++)
			if (*p == '\n')
				*p = ' ';
	if (asprintf(&k->error, "the harness wrote no usable results (exit code "
		     "%d): %s: %s", k->harness_rc, why, err ? err : "") < 0)
		k->error = NULL;
	free(err);
done:
	free(text);
}

static int outcome_cmp(const void *a, const void *b)
{
	return run_case_order(((const struct run_outcome *)a)->c,
			      ((const struct run_outcome *)b)->c);
}

/* The exit code of a run made of two: an error of either, else the one
 * their joined totals give. */
static int joined_rc(int a, int b, const struct run_totals *t)
{
	bool usual_a = a == 0 || a == 1 || a == 4, usual_b = b == 0 || b == 1 || b == 4;

	if (!usual_a)
		return a;
	return usual_b ? run_exit_code(t) : b;
}

/* b's outcomes join k's harness run, in the registry's order; b keeps
 * nothing of them. */
static int join_run(struct report_kernel *k, struct run_report *b)
{
	struct run_report *r = &k->harness;
	struct run_outcome *p = realloc(r->res, (r->n + b->n + 1) * sizeof(*p));
	unsigned int i;

	if (!p)
		return -1;
	r->res = p;
	memcpy(r->res + r->n, b->res, b->n * sizeof(*p));
	r->n += b->n;
	for (i = 0; i < RUN_NRESULTS; i++)
		r->totals.n[i] += b->totals.n[i];
	if (b->wall_ms > r->wall_ms)
		r->wall_ms = b->wall_ms;
	qsort(r->res, r->n, sizeof(*p), outcome_cmp);
	b->n = 0;
	return 0;
}

/* An error outcome in r for case NAME (GROUP.CASE), allocated as the
 * parsed cases are (cmd_run_json_free() frees it). */
static int error_case(struct run_report *r, char *name, const char *why)
{
	char *dot = strchr(name, '.'), *group;
	struct run_source *none;
	struct run_outcome *o;

	if (!dot)
		return 0;	/* not a case name: vm.sh writes none */
	*dot = '\0';
	group = strdup(name);
	none = calloc(1, sizeof(*none));
	o = group && none ? add_outcome(r, group, dot + 1, none) : NULL;
	if (!o) {
		free(group);
		free(none);
		return -1;
	}
	snprintf(o->reason, sizeof(o->reason), "%s", why);
	set_result(r, o, RUN_ERROR);
	return 0;
}

/* Each case listed in dir/list joins k's run as an error: why they never
 * came back. */
static int error_cases(struct report_kernel *k, const char *dir, const char *why)
{
	char *list = read_tail(dir, "list", TEXT_MAX), *line, *save;
	struct run_report b = { .n = 0 };
	int ret = 0;

	for (line = list ? strtok_r(list, "\n", &save) : NULL; line && !ret;
	     line = strtok_r(NULL, "\n", &save))
		ret = error_case(&b, line, why);
	free(list);
	if (!ret)
		ret = join_run(k, &b);
	cmd_run_json_free(&b);
	return ret;
}

/* dir's stderr after k's. */
static void append_stderr(struct report_kernel *k, const char *dir)
{
	char *s = read_tail(dir, "stderr", TEXT_MAX), *both;

	if (s && *s && asprintf(&both, "%s%s", k->harness_stderr ?
				k->harness_stderr : "", s) >= 0) {
		free(k->harness_stderr);
		k->harness_stderr = both;
	}
	free(s);
}

/* The cases a second boot ran beside the suite (vm.sh split) join its
 * run; when they never came back, each is an error with why. */
static int read_beside(struct report_kernel *k, const char *out)
{
	char dir[PATH_MAX + 16], path[2 * PATH_MAX], why[1024], *text, *err;
	struct run_report b;
	size_t len;
	int ret, rc;

	snprintf(dir, sizeof(dir), "%s/beside", out);
	if (!exists(out, "beside"))
		return 0;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	err = read_line(dir, "error");
	text = err ? NULL : cmd_read_all(path, CMD_JSON_FILE_MAX, &len);
	if (!err && !text)
		snprintf(why, sizeof(why), "results.json: %s", strerror(errno));
	if (text && !cmd_run_json_parse(text, len, &b, why, sizeof(why))) {
		free(text);
		rc = number(dir, "rc", -1);
		ret = join_run(k, &b);
		k->harness_rc = joined_rc(k->harness_rc, rc, &k->harness.totals);
		append_stderr(k, dir);
		cmd_run_json_free(&b);
		return ret;
	}
	free(text);
	if (!err && asprintf(&err, "the second boot's harness wrote no usable "
			     "results: %s", why) < 0)
		err = NULL;
	ret = err ? error_cases(k, dir, err) : -1;
	k->harness_rc = joined_rc(k->harness_rc, 1, &k->harness.totals);
	free(err);
	return ret;
}

static int read_kernel(struct report_kernel *k, const char *run)
{
	char out[PATH_MAX];

	snprintf(out, sizeof(out), "%s/out", run);
	k->package = read_line(run, "package");
	k->machine = read_line(run, "machine");
	k->cpu = read_line(run, "cpu");
	k->tree = read_line(run, "tree");
	k->wall_ms = number(run, "wall_ms", 0);
	k->skip = read_line(run, "skip");
	if (k->skip)
		return 0;
	k->error = read_line(run, "error");
	if (!k->error)
		k->error = read_line(out, "error");
	if (!k->error) {
		k->release = read_line(out, "release");
		k->kvm_module = read_line(out, "kvm_module");
		k->kvm_params = read_tail(out, "kvm_params", 4096);
		for (char *p = k->kvm_params; p && *p; p++)
			if (*p == '\n')
				*p = p[1] ? ' ' : '\0';
		read_harness(k, out);
		if (!k->error && read_beside(k, out))
			return -1;
	}
	if (k->error)
		k->console = last_lines(read_tail(run, "console.log", TEXT_MAX),
					CONSOLE_LINES);
	else if (read_upstream(k, run, out))
		return -1;
	return 0;
}

/* The name a label gives files: every byte but letters and digits '_'. */
static void file_name(const char *label, char *buf, size_t size)
{
	size_t i;

	snprintf(buf, size, "%s", label);
	for (i = 0; buf[i]; i++)
		if (!((buf[i] >= 'a' && buf[i] <= 'z') || (buf[i] >= 'A' && buf[i] <= 'Z') ||
		      (buf[i] >= '0' && buf[i] <= '9')))
			buf[i] = '_';
}

struct boot {
	const char *dir;
	char *label;
	bool state_only;
};

static const struct run_source move_sources[] = {
	{ .kind = RUN_SOURCE_KVM_DOC, .ref = "4.42", .title = "KVM_GET_XSAVE" },
	{ .kind = RUN_SOURCE_KVM_DOC, .ref = "4.43", .title = "KVM_SET_XSAVE" },
	{ .kind = RUN_SOURCE_END },
};

/* The components a state load found different: its "not ok" lines. */
static void differing(const char *ktap, char *buf, size_t size)
{
	const char *p = ktap;
	size_t n = snprintf(buf, size, "differs:");
	unsigned int idx;
	char name[64];

	for (; p && *p && n < size; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "not ok %u %63s", &idx, name) == 2)
			n += snprintf(buf + n, size - n, " %s", name);
}

/*
 * A kind of cross-kernel move: its group, and the folder under out/ where
 * each boot leaves save.rc, save.log and load-SOURCE.ktap/.rc (vm/init).
 */
struct move_kind {
	const char *group, *dir;
};

static const struct move_kind move_kinds[] = {
	{ "migration", "state" },	/* xsave-abi state save/load */
	{ "qemu", "qemu" },		/* xsave-abi qemu save/load */
};

/* Why the move from a to b left no result. */
static void missing(const struct report_multi *m, const struct boot *boots,
		    unsigned int nb, unsigned int a, unsigned int b,
		    const struct move_kind *mk, struct run_outcome *o)
{
	const struct report_kernel *src = &m->k[a];
	char rc[64], log_file[64], *log = NULL;
	unsigned int i;

	snprintf(rc, sizeof(rc), "out/%s/save.rc", mk->dir);
	snprintf(log_file, sizeof(log_file), "out/%s/save.log", mk->dir);
	for (i = 0; i < nb && !log; i++)
		if (!boots[i].state_only && !strcmp(boots[i].label, src->label) &&
		    number(boots[i].dir, rc, -1))
			log = last_lines(read_tail(boots[i].dir, log_file, 4096), 1);
	if (src->error)
		snprintf(o->reason, sizeof(o->reason),
			 "the boot under %s never reported", src->label);
	else if (log)
		snprintf(o->reason, sizeof(o->reason), "%s save under %s "
			 "failed: %.*s", mk->dir, src->label, (int)strcspn(log, "\n"),
			 log);
	else
		snprintf(o->reason, sizeof(o->reason), "no boot under %s loaded "
			 "it (see its console)", m->k[b].label);
	free(log);
}

/* The first line that is no comment or version line: what went wrong. */
static const char *first_word_line(const char *text)
{
	const char *p = text;

	while (*p == '#' || !strncmp(p, "TAP version", 11)) {
		p = strchr(p, '\n');
		if (!p)
			return "";
		p++;
	}
	return p;
}

/* Both boots on one emulated CPU (a run folder without "cpu" is AMD's). */
static bool same_cpu(const struct report_kernel *a, const struct report_kernel *b)
{
	return !strcmp(a->cpu ? a->cpu : "amd", b->cpu ? b->cpu : "amd");
}

static int read_move(struct report_multi *m, const struct boot *boots,
		     unsigned int nb, unsigned int a, unsigned int b,
		     const struct move_kind *mk)
{
	char fa[128], fb[128], name[300], file[300];
	struct run_outcome *o;
	unsigned int i;
	int rc = -1;

	file_name(m->k[a].label, fa, sizeof(fa));
	file_name(m->k[b].label, fb, sizeof(fb));
	/* Between the Intel and the AMD machine the layouts differ too. */
	snprintf(name, sizeof(name), "%s.%s_to_%s",
		 same_cpu(&m->k[a], &m->k[b]) ? "cross_kernel" : "cross_cpu", fa, fb);
	o = add_outcome(&m->moves, mk->group, name, move_sources);
	if (!o)
		return -1;
	m->from[m->moves.n - 1] = a;
	m->to[m->moves.n - 1] = b;
	if (m->k[a].skip || m->k[b].skip) {
		snprintf(o->reason, sizeof(o->reason), "%s was not booted: %s",
			 m->k[a].skip ? m->k[a].label : m->k[b].label,
			 m->k[a].skip ? m->k[a].skip : m->k[b].skip);
		set_result(&m->moves, o, RUN_SKIP);
		return 0;
	}
	snprintf(file, sizeof(file), "out/%s/load-%s.ktap", mk->dir, fa);
	for (i = 0; i < nb && !o->log; i++)
		if (!strcmp(boots[i].label, m->k[b].label))
			o->log = read_tail(boots[i].dir, file, TEXT_MAX);
	snprintf(file, sizeof(file), "out/%s/load-%s.rc", mk->dir, fa);
	if (o->log)
		rc = number(boots[i - 1].dir, file, -1);
	if (rc == 0) {
		set_result(&m->moves, o, RUN_PASS);
		return 0;
	}
	if (!o->log)
		missing(m, boots, nb, a, b, mk, o);
	else if (rc == 1)
		differing(o->log, o->reason, sizeof(o->reason));
	else
		snprintf(o->reason, sizeof(o->reason), "%s load exited %d: %.*s",
			 mk->dir, rc, (int)strcspn(first_word_line(o->log), "\n"),
			 first_word_line(o->log));
	set_result(&m->moves, o, rc == 1 ? RUN_FAIL : RUN_ERROR);
	return 0;
}

static void free_report(struct run_report *r)
{
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		free((char *)r->res[i].c->name);
		free((struct run_case *)r->res[i].c);
	}
	run_report_free(r);
}

static void free_multi(struct report_multi *m, struct boot *boots,
		       unsigned int nb)
{
	unsigned int k;

	for (k = 0; k < m->nk; k++) {
		struct report_kernel *K = &m->k[k];

		free(K->machine);
		free(K->cpu);
		free(K->package);
		free(K->release);
		free(K->tree);
		free(K->kvm_module);
		free(K->kvm_params);
		free(K->error);
		free(K->skip);
		free(K->console);
		free(K->harness_stderr);
		cmd_run_json_free(&K->harness);
		free_report(&K->upstream);
	}
	free_report(&m->moves);
	for (k = 0; k < nb; k++)
		free(boots[k].label);
}

/* Every boot's folder: kernels in order, then the state-only boots. */
static int read_boots(struct report_multi *m, struct boot *boots,
		      char **dirs, unsigned int nb)
{
	unsigned int i;

	for (i = 0; i < nb; i++) {
		boots[i].dir = dirs[i];
		boots[i].state_only = exists(dirs[i], "in/state-only");
		boots[i].label = read_line(dirs[i], "label");
		if (!boots[i].label) {
			fprintf(stderr, PROG ": %s: no label: not a run folder\n",
				dirs[i]);
			return -1;
		}
		if (boots[i].state_only)
			continue;
		if (m->nk == REPORT_KERNELS_MAX) {
			fprintf(stderr, PROG ": more than %d kernels\n",
				REPORT_KERNELS_MAX);
			return -1;
		}
		m->k[m->nk].label = boots[i].label;
		if (read_kernel(&m->k[m->nk++], dirs[i]))
			return -1;
	}
	return 0;
}

/* Whether a boot left out/DIR: the state moves always count, the QEMU
 * ones only where the machine carried QEMU. */
static bool any_boot_has(const struct boot *boots, unsigned int nb,
			 const char *dir)
{
	char path[64];
	unsigned int i;

	snprintf(path, sizeof(path), "out/%s", dir);
	for (i = 0; i < nb; i++)
		if (exists(boots[i].dir, path))
			return true;
	return false;
}

static int read_moves(struct report_multi *m, const struct boot *boots,
		      unsigned int nb)
{
	unsigned int a, b, k;

	for (k = 0; k < ARRAY_SIZE(move_kinds); k++) {
		if (k && !any_boot_has(boots, nb, move_kinds[k].dir))
			continue;
		for (a = 0; m->nk > 1 && a < m->nk; a++)
			for (b = 0; b < m->nk; b++)
				if (a != b && read_move(m, boots, nb, a, b,
							&move_kinds[k]))
					return -1;
	}
	return 0;
}

static int json_writer(FILE *f, const void *m)
{
	return report_multi_json(f, m);
}

static int junit_writer(FILE *f, const void *m)
{
	return report_multi_junit(f, m);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: xsave-abi compose [--json FILE] [--junit FILE] RUN_DIR...\n"
"Writes the report of an emulated-machine run (run.sh --vm) from the folders\n"
"its boots left, one per boot: KTAP on standard output, a subtest per kernel\n"
"with its harness run and its upstream selftests, the cross-kernel state\n"
"moves, a comparison by kernel and what differs between kernels.\n"
"\n"
"Exit status: 0 every kernel's run and every move passed, 1 not, 2 usage\n"
"error or a folder that is no run folder.\n");
}

static const struct option compose_opts[] = {
	{ "json", required_argument, NULL, 'j' },
	{ "junit", required_argument, NULL, 'u' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int compose(struct out_reports *out, char **dirs, unsigned int nb)
{
	static struct report_multi m;
	struct boot *boots = calloc(nb, sizeof(*boots));
	int rc = CMD_EXIT_USAGE;

	memset(&m, 0, sizeof(m));
	if (!boots) {
		fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
		return CMD_EXIT_USAGE;
	}
	if (!read_boots(&m, boots, dirs, nb) && !read_moves(&m, boots, nb)) {
		report_multi_ktap(stdout, &m);
		rc = report_multi_exit(&m);
		if (out_reports_write(out, PROG, json_writer, junit_writer, &m))
			rc = CMD_EXIT_USAGE;
	}
	free_multi(&m, boots, nb);
	free(boots);
	return rc;
}

int run_cmd_compose(int argc, char **argv)
{
	struct out_reports out = { 0 };
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", compose_opts, NULL)) != -1) {
		switch (opt) {
		case 'j': out.json = optarg; break;
		case 'u': out.junit = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return CMD_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return CMD_EXIT_USAGE;
	}
	if (out_reports_check(&out, false, PROG))
		return CMD_EXIT_USAGE;
	rc = compose(&out, argv + optind, argc - optind);
	out_reports_discard(&out);
	return rc;
}
