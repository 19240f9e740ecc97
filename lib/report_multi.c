// SPDX-License-Identifier: GPL-2.0-only
/*
 * Several kernels' runs side by side (lib/report_multi.h): each run is
 * written by the one-run writers, nested; then what only a comparison
 * shows: case by kernel, the PKRU matrices, the state moves as a source x
 * destination table, and what differs between kernels with the change the
 * case cites for it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/report.h"
#include "lib/report_multi.h"

#define NAME_LEN 256

/* A case's outcome under each kernel, NULL where it did not run. */
struct row {
	char name[NAME_LEN];
	const struct run_outcome *o[REPORT_KERNELS_MAX];
};

struct rows {
	struct row *r;
	unsigned int n, cap;
};

static int rows_add(struct rows *t, unsigned int k, const struct run_outcome *o)
{
	char name[NAME_LEN];
	unsigned int i;
	struct row *p;

	run_case_fullname(o->c, name, sizeof(name));
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->r[i].name, name))
			break;
	if (i == t->n) {
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 64;
			p = realloc(t->r, t->cap * sizeof(*p));
			if (!p)
				return -1;
			t->r = p;
		}
		memset(&t->r[i], 0, sizeof(t->r[i]));
		strcpy(t->r[i].name, name);
		t->n++;
	}
	t->r[i].o[k] = o;
	return 0;
}

/* Every case of every kernel, harness and upstream, in first-seen order. */
static int rows_build(const struct report_multi *m, struct rows *t)
{
	unsigned int k, i;

	memset(t, 0, sizeof(*t));
	for (k = 0; k < m->nk; k++) {
		for (i = 0; i < m->k[k].harness.n; i++)
			if (rows_add(t, k, &m->k[k].harness.res[i]))
				return -1;
		for (i = 0; i < m->k[k].upstream.n; i++)
			if (rows_add(t, k, &m->k[k].upstream.res[i]))
				return -1;
	}
	return 0;
}

/* Whether the kernels that ran the case saw it differently. */
static bool row_differs(const struct row *r, unsigned int nk)
{
	const struct run_outcome *first = NULL;
	unsigned int k;

	for (k = 0; k < nk; k++) {
		if (!r->o[k])
			continue;
		if (!first)
			first = r->o[k];
		else if (r->o[k]->result != first->result ||
			 strcmp(r->o[k]->observed, first->observed))
			return true;
	}
	return false;
}

/* The change a differing case cites: its first commit, else its sources. */
static void explain(const struct row *r, unsigned int nk, char *buf, size_t size)
{
	const struct run_source *s = NULL;
	struct run_source one[2] = { { 0 } };
	unsigned int k;

	for (k = 0; k < nk && !s; k++)
		if (r->o[k])
			s = r->o[k]->c->sources;
	for (k = 0; s && s[k].kind != RUN_SOURCE_END; k++)
		if (s[k].kind == RUN_SOURCE_COMMIT) {
			one[0] = s[k];
			s = one;
			break;
		}
	report_sources_text(buf, size, s);
	if (!buf[0])
		snprintf(buf, size, "no source cited");
}

bool report_kernel_passed(const struct report_kernel *k, char *why, size_t size)
{
	const unsigned int *u = k->upstream.totals.n;

	if (k->skip)
		return true;
	if (k->error)
		snprintf(why, size, "%s", k->error);
	else if (k->harness_rc == 4)
		snprintf(why, size, "the harness skipped every case");
	else if (k->harness_rc == 1)
		snprintf(why, size, "the harness reported failures");
	else if (k->harness_rc)
		snprintf(why, size, "the harness exited %d", k->harness_rc);
	else if (u[RUN_FAIL] || u[RUN_ERROR])
		snprintf(why, size, "upstream selftests failed");
	else
		return true;
	return false;
}

static bool moves_passed(const struct report_multi *m)
{
	unsigned int i;

	for (i = 0; i < m->moves.n; i++)
		if (m->moves.res[i].result != RUN_PASS &&
		    m->moves.res[i].result != RUN_SKIP)
			return false;
	return true;
}

int report_multi_exit(const struct report_multi *m)
{
	char why[8];
	unsigned int k;

	for (k = 0; k < m->nk; k++)
		if (!report_kernel_passed(&m->k[k], why, sizeof(why)))
			return 1;
	return moves_passed(m) ? 0 : 1;
}

static void totals(const struct report_multi *m, struct run_totals *t)
{
	unsigned int k, i;

	memset(t, 0, sizeof(*t));
	for (k = 0; k < m->nk; k++) {
		if (m->k[k].error)
			t->n[RUN_ERROR]++;
		if (m->k[k].skip)
			t->n[RUN_SKIP]++;
		for (i = 0; i < RUN_NRESULTS; i++)
			t->n[i] += m->k[k].harness.totals.n[i] +
				   m->k[k].upstream.totals.n[i];
	}
	for (i = 0; i < RUN_NRESULTS; i++)
		t->n[i] += m->moves.totals.n[i];
}

/* ---- KTAP ---- */

#define LINE_MAX_LEN 4096

/* A table line being built: columns padded, the trailing padding cut. */
struct line {
	char s[LINE_MAX_LEN];
	size_t n;
};

static void cat(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void cat(struct line *l, const char *fmt, ...)
{
	va_list ap;

	if (l->n >= sizeof(l->s))
		return;
	va_start(ap, fmt);
	l->n += vsnprintf(l->s + l->n, sizeof(l->s) - l->n, fmt, ap);
	va_end(ap);
}

static void line_end(FILE *f, struct line *l)
{
	size_t n = strlen(l->s);

	while (n && l->s[n - 1] == ' ')
		n--;
	fprintf(f, "%.*s\n", (int)n, l->s);
	l->n = 0;
	l->s[0] = '\0';
}

/* A table's title, then its head: first, padded to w1, and a column of
 * width w per kernel. */
static void table_head(FILE *f, const char *title, const char *first, int w1,
		       int w, const struct report_multi *m)
{
	struct line l = { .n = 0 };
	unsigned int k;

	fprintf(f, "# %s\n", title);
	cat(&l, "#   %-*s", w1, first);
	for (k = 0; k < m->nk; k++)
		cat(&l, " %-*s", w, m->k[k].label);
	line_end(f, &l);
}

/* text's lines on f, each after prefix. */
static void put_prefixed(FILE *f, const char *prefix, const char *text)
{
	const char *p = text, *nl;

	while (p && *p) {
		nl = strchr(p, '\n');
		fprintf(f, "%s%.*s\n", prefix, (int)(nl ? nl - p : (long)strlen(p)), p);
		p = nl ? nl + 1 : NULL;
	}
}

/* What fn writes, indented by prefix. */
static void nested(FILE *f, const char *prefix,
		   void (*fn)(FILE *, const struct report_kernel *),
		   const struct report_kernel *k)
{
	char *text = NULL;
	size_t len;
	FILE *s = open_memstream(&text, &len);

	if (!s)
		return;
	fn(s, k);
	fclose(s);
	put_prefixed(f, prefix, text);
	free(text);
}

static void put_results(FILE *f, const struct run_report *r)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		report_ktap_result(f, i + 1, &r->res[i], false);
}

static void harness_ktap(FILE *f, const struct report_kernel *k)
{
	report_ktap_begin(f, "xsave-abi", k->harness.n, k->harness.host_ktap,
			  k->harness.seed);
	put_results(f, &k->harness);
	report_ktap_end(f, &k->harness);
	put_prefixed(f, "# stderr: ", k->harness_stderr);
}

static void upstream_ktap(FILE *f, const struct report_kernel *k)
{
	fprintf(f, "KTAP version 1\n# Subtest: upstream\n"
		"# the kernel's own selftests, from the linux-source tree %s\n"
		"1..%u\n", k->tree ? k->tree : "(unknown)", k->upstream.n);
	put_results(f, &k->upstream);
}

static void kernel_ktap(FILE *f, const struct report_kernel *k)
{
	const unsigned int *u = k->upstream.totals.n;

	fprintf(f, "KTAP version 1\n# Subtest: %s\n# machine: %s, package %s\n",
		k->label, k->machine, k->package);
	if (k->release)
		fprintf(f, "# release: %s\n", k->release);
	if (k->kvm_module && k->kvm_params && k->kvm_params[0])
		fprintf(f, "# %s: %s\n", k->kvm_module, k->kvm_params);
	fprintf(f, "# wall time: %.0f ms\n", k->wall_ms);
	if (k->skip) {
		fputs("1..0\n", f);
		return;
	}
	if (k->error) {
		fprintf(f, "# error: %s\n# console, last lines:\n", k->error);
		put_prefixed(f, "#   ", k->console);
		fputs("1..0\n", f);
		return;
	}
	fprintf(f, "1..%d\n", k->has_upstream ? 2 : 1);
	nested(f, "  ", harness_ktap, k);
	fprintf(f, "%s 1 xsave-abi\n", k->harness_rc ? "not ok" : "ok");
	if (k->has_upstream) {
		nested(f, "  ", upstream_ktap, k);
		fprintf(f, "%s 2 upstream\n",
			u[RUN_FAIL] || u[RUN_ERROR] ? "not ok" : "ok");
	}
}

static void put_comparison(FILE *f, const struct report_multi *m,
			   const struct rows *t)
{
	struct line l = { .n = 0 };
	unsigned int i, k, ndiff = 0;

	table_head(f, "comparison, case by kernel (* marks a difference, - not run):",
		   "case", 46, 8, m);
	for (i = 0; i < t->n; i++) {
		bool d = row_differs(&t->r[i], m->nk);

		ndiff += d;
		cat(&l, "# %s %-46s", d ? "*" : " ", t->r[i].name);
		for (k = 0; k < m->nk; k++)
			cat(&l, " %-8s", t->r[i].o[k] ?
			    report_result_name(t->r[i].o[k]->result) : "-");
		line_end(f, &l);
	}
	fprintf(f, "# %u of %u cases differ between kernels\n", ndiff, t->n);
}

/* One differing case: each kernel's result and observation, and why. */
static void put_difference(FILE *f, const struct report_multi *m,
			   const struct row *r)
{
	char why[1024];
	const char *sep = "";
	unsigned int k;

	fprintf(f, "#   %s:", r->name);
	for (k = 0; k < m->nk; k++, sep = ",") {
		const struct run_outcome *o = r->o[k];

		fprintf(f, "%s %s %s", sep, m->k[k].label,
			o ? report_result_name(o->result) : "-");
		if (o && o->observed[0])
			fprintf(f, " (%s)", o->observed);
	}
	explain(r, m->nk, why, sizeof(why));
	fprintf(f, "; explained by %s\n", why);
}

static void put_differences(FILE *f, const struct report_multi *m,
			    const struct rows *t)
{
	unsigned int i, n = 0;

	fputs("# what differs between kernels (result or observation):\n", f);
	for (i = 0; i < t->n; i++)
		if (row_differs(&t->r[i], m->nk)) {
			put_difference(f, m, &t->r[i]);
			n++;
		}
	if (!n)
		fputs("#   nothing\n", f);
}

static void put_matrices(FILE *f, const struct report_multi *m)
{
	char text[1200];
	struct line l = { .n = 0 };
	enum run_matrix c;
	unsigned int i, k;

	table_head(f, "pkru matrix by kernel (what PKRU became):",
		   "interface, XSTATE_BV[9]", 24, 13, m);
	for (i = 0; (c = report_matrix_at(i)) != RUN_MATRIX_NONE; i++) {
		cat(&l, "#   %-24s", report_matrix_name(c));
		for (k = 0; k < m->nk; k++) {
			strcpy(text, "-");
			if (!m->k[k].error && !m->k[k].skip)
				report_matrix_cell(&m->k[k].harness, c, text,
						   sizeof(text));
			/* The reasons are in each kernel's own block. */
			if (!strncmp(text, "not measured", 12))
				text[12] = '\0';
			cat(&l, " %-13s", text);
		}
		line_end(f, &l);
	}
}

/*
 * The kinds of move: a vCPU's state file (xsave-abi state, group
 * migration) and a QEMU migration stream (xsave-abi qemu, group qemu).
 */
static const struct {
	const char *group, *what, *json;
} move_kinds[] = {
	{ "migration", "state", "cross_kernel_table" },
	{ "qemu", "QEMU", "qemu_cross_kernel_table" },
};

/* The move of group g from k[a] to k[b], or NULL. */
static const struct run_outcome *move(const struct report_multi *m,
				      const char *g, unsigned int a,
				      unsigned int b)
{
	unsigned int i;

	for (i = 0; i < m->moves.n; i++)
		if (m->from[i] == a && m->to[i] == b &&
		    !strcmp(m->moves.res[i].c->group, g))
			return &m->moves.res[i];
	return NULL;
}

static bool has_moves(const struct report_multi *m, const char *g)
{
	unsigned int i;

	for (i = 0; i < m->moves.n; i++)
		if (!strcmp(m->moves.res[i].c->group, g))
			return true;
	return false;
}

static void put_move_table(FILE *f, const struct report_multi *m,
			   unsigned int kind)
{
	struct line l = { .n = 0 };
	const struct run_outcome *o;
	char head[128];
	unsigned int a, b;

	snprintf(head, sizeof(head), "cross-kernel %s moves, saved under (row) "
		 "x loaded under (column):", move_kinds[kind].what);
	table_head(f, head, "from \\ to", 10, 8, m);
	for (a = 0; a < m->nk; a++) {
		cat(&l, "#   %-10s", m->k[a].label);
		for (b = 0; b < m->nk; b++) {
			o = move(m, move_kinds[kind].group, a, b);
			cat(&l, " %-8s", o ? report_result_name(o->result) : "-");
		}
		line_end(f, &l);
	}
}

void report_multi_ktap(FILE *f, const struct report_multi *m)
{
	struct run_totals t;
	struct rows rows;
	char why[1024];
	unsigned int k, i;

	fprintf(f, "KTAP version 1\n# xsave-abi in an emulated machine: %u "
		"kernel(s), %u cross-kernel state move(s)\n1..%u\n", m->nk,
		m->moves.n, m->nk + m->moves.n);
	for (k = 0; k < m->nk; k++) {
		nested(f, "  ", kernel_ktap, &m->k[k]);
		if (m->k[k].skip) {
			fprintf(f, "ok %u %s # SKIP %s\n", k + 1, m->k[k].label,
				m->k[k].skip);
		} else if (report_kernel_passed(&m->k[k], why, sizeof(why))) {
			fprintf(f, "ok %u %s\n", k + 1, m->k[k].label);
		} else {
			fprintf(f, "  # not ok: %s\n", why);
			fprintf(f, "not ok %u %s\n", k + 1, m->k[k].label);
		}
	}
	for (i = 0; i < m->moves.n; i++)
		report_ktap_result(f, m->nk + i + 1, &m->moves.res[i], false);
	if (m->nk > 1 && !rows_build(m, &rows)) {
		put_comparison(f, m, &rows);
		put_differences(f, m, &rows);
		put_matrices(f, m);
		free(rows.r);
	}
	for (i = 0; i < ARRAY_SIZE(move_kinds); i++)
		if (has_moves(m, move_kinds[i].group))
			put_move_table(f, m, i);
	totals(m, &t);
	report_ktap_totals(f, &t);
}

/* ---- JSON ---- */

static void json_results(FILE *f, const struct run_report *r)
{
	unsigned int i;

	fputc('[', f);
	for (i = 0; i < r->n; i++) {
		fputs(i ? ",\n" : "\n", f);
		report_json_result(f, &r->res[i]);
	}
	fputc(']', f);
}

static void json_key(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	report_json_string(f, s ? s : "");
}

/* text's lines as a JSON array of strings. */
static void json_lines(FILE *f, const char *text)
{
	const char *p = text, *nl;
	char line[1024];
	bool first = true;

	fputc('[', f);
	while (p && *p) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s",
			 (int)(nl ? nl - p : (long)strlen(p)), p);
		fputs(first ? "" : ",", f);
		report_json_string(f, line);
		first = false;
		p = nl ? nl + 1 : NULL;
	}
	fputc(']', f);
}

static void json_kernel(FILE *f, const struct report_kernel *k)
{
	char why[1024];
	bool ok = report_kernel_passed(k, why, sizeof(why));

	fputs("{\"kernel\":", f);
	report_json_string(f, k->label);
	json_key(f, "machine", k->machine);
	json_key(f, "cpu", k->cpu ? k->cpu : "amd");
	json_key(f, "package", k->package);
	json_key(f, "release", k->release);
	json_key(f, "tree", k->tree);
	json_key(f, "kvm_module", k->kvm_module);
	json_key(f, "kvm_params", k->kvm_params);
	fprintf(f, ",\"wall_ms\":%.0f,\"passed\":%s", k->wall_ms,
		ok ? "true" : "false");
	json_key(f, "why", ok ? "" : why);
	if (k->skip) {
		json_key(f, "skip", k->skip);
		fputc('}', f);
		return;
	}
	if (k->error) {
		json_key(f, "error", k->error);
		fputs(",\"console_tail\":", f);
		json_lines(f, k->console);
		fputc('}', f);
		return;
	}
	fprintf(f, ",\"harness_exit\":%d,\"upstream\":", k->harness_rc);
	json_results(f, &k->upstream);
	fputs(",\n\"report\":", f);
	report_json(f, &k->harness);
	fputc('}', f);
}

/* "TABLE":{"FROM":{"TO":"result",...},...} for one kind of move. */
static void json_move_table(FILE *f, const struct report_multi *m,
			    unsigned int kind)
{
	const struct run_outcome *o;
	unsigned int i, a, b;

	fprintf(f, ",\n\"%s\":{", move_kinds[kind].json);
	for (a = 0; a < m->nk; a++) {
		fputs(a ? "," : "", f);
		report_json_string(f, m->k[a].label);
		fputs(":{", f);
		for (b = 0, i = 0; b < m->nk; b++) {
			o = move(m, move_kinds[kind].group, a, b);
			if (!o)
				continue;
			fputs(i++ ? "," : "", f);
			report_json_string(f, m->k[b].label);
			fputc(':', f);
			report_json_string(f, report_result_name(o->result));
		}
		fputc('}', f);
	}
	fputc('}', f);
}

static void json_moves(FILE *f, const struct report_multi *m)
{
	unsigned int i, g;

	fputs(",\n\"cross_kernel\":[", f);
	for (i = 0; i < m->moves.n; i++) {
		fputs(i ? ",\n{\"from\":" : "\n{\"from\":", f);
		report_json_string(f, m->k[m->from[i]].label);
		json_key(f, "to", m->k[m->to[i]].label);
		fputs(",\"case\":", f);
		report_json_result(f, &m->moves.res[i]);
		fputc('}', f);
	}
	fputc(']', f);
	for (g = 0; g < ARRAY_SIZE(move_kinds); g++)
		if (!g || has_moves(m, move_kinds[g].group))
			json_move_table(f, m, g);
}

static void json_difference(FILE *f, const struct report_multi *m,
			    const struct row *r)
{
	char why[1024];
	unsigned int k, n;

	fputs("{\"name\":", f);
	report_json_string(f, r->name);
	fputs(",\"results\":{", f);
	for (k = 0, n = 0; k < m->nk; k++)
		if (r->o[k]) {
			fputs(n++ ? "," : "", f);
			report_json_string(f, m->k[k].label);
			fputc(':', f);
			report_json_string(f, report_result_name(r->o[k]->result));
		}
	fputs("},\"observed\":{", f);
	for (k = 0, n = 0; k < m->nk; k++)
		if (r->o[k]) {
			fputs(n++ ? "," : "", f);
			report_json_string(f, m->k[k].label);
			fputc(':', f);
			report_json_string(f, r->o[k]->observed);
		}
	explain(r, m->nk, why, sizeof(why));
	fputs("},\"explained_by\":", f);
	report_json_string(f, why);
	fputc('}', f);
}

static void json_differences(FILE *f, const struct report_multi *m)
{
	struct rows t;
	unsigned int i, n = 0;

	fputs(",\n\"differs\":[", f);
	if (!rows_build(m, &t))
		for (i = 0; i < t.n; i++)
			if (row_differs(&t.r[i], m->nk)) {
				fputs(n++ ? ",\n" : "\n", f);
				json_difference(f, m, &t.r[i]);
			}
	free(t.r);
	fputc(']', f);
}

int report_multi_json(FILE *f, const struct report_multi *m)
{
	struct run_totals t;
	unsigned int k;

	fprintf(f, "{\"tool\":\"xsave-abi\",\"version\":\"%s\",\"runs\":[",
		RUN_VERSION);
	for (k = 0; k < m->nk; k++) {
		fputs(k ? ",\n" : "\n", f);
		json_kernel(f, &m->k[k]);
	}
	fputc(']', f);
	json_moves(f, m);
	json_differences(f, m);
	totals(m, &t);
	fputs(",\n\"totals\":", f);
	report_json_totals(f, &t);
	fprintf(f, ",\"passed\":%s}\n", report_multi_exit(m) ? "false" : "true");
	return ferror(f) ? -1 : 0;
}

/* ---- JUnit ---- */

/* A kernel that never reported, or was not booted: one suite, its boot
 * an error or a skip. */
static void junit_boot(FILE *f, const struct report_kernel *k)
{
	static const struct run_source none[] = { { .kind = RUN_SOURCE_END } };
	const struct run_case boot = { .group = "vm", .name = "boot",
				       .sources = none };
	enum run_result res = k->skip ? RUN_SKIP : RUN_ERROR;
	struct run_outcome o = { .c = &boot, .result = res,
				 .log = k->console,
				 .duration_ms = k->wall_ms };
	struct run_report r = { .res = &o, .n = 1, .wall_ms = k->wall_ms };

	snprintf(o.reason, sizeof(o.reason), "%s", k->skip ? k->skip : k->error);
	r.totals.n[res] = 1;
	report_junit_suite(f, k->label, &r);
}

int report_multi_junit(FILE *f, const struct report_multi *m)
{
	struct run_totals t;
	char name[300];
	unsigned int k;
	double ms = 0;

	for (k = 0; k < m->nk; k++)
		ms += m->k[k].wall_ms;
	totals(m, &t);
	report_junit_head(f, "xsave-abi --vm", &t, ms);
	for (k = 0; k < m->nk; k++) {
		const struct report_kernel *K = &m->k[k];

		if (K->error || K->skip) {
			junit_boot(f, K);
			continue;
		}
		report_junit_suite(f, K->label, &K->harness);
		if (K->has_upstream) {
			snprintf(name, sizeof(name), "%s upstream", K->label);
			report_junit_suite(f, name, &K->upstream);
		}
	}
	if (m->moves.n)
		report_junit_suite(f, "cross_kernel", &m->moves);
	fputs("</testsuites>\n", f);
	return ferror(f) ? -1 : 0;
}
