// SPDX-License-Identifier: GPL-2.0-only
/* Reading a run's --json output back, every field checked (cmd_run_json.h). */
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_json.h"
#include "cli/cmd_run_json.h"
#include "lib/report.h"
#include "lib/report_schema.h"

#define NAME_MAX_LEN 200	/* the writers' name buffers hold 256 */
#define SOURCES_MAX 16

static const char *const expect_names[] = {
	[RUN_EXPECT_PASS] = "pass", [RUN_EXPECT_XFAIL] = "xfail",
};

/* The index of s in names[0..n), or -1 with the reason kept. */
static int pick(struct cmd_reader *r, const char *key, const char *s,
		const char *(*name)(unsigned int), unsigned int n)
{
	unsigned int i;

	for (i = 0; s && i < n; i++)
		if (!strcmp(s, name(i)))
			return i;
	cmd_bad(r, "%s%s: \"%s\" is none of the known values", r->ctx, key,
		s ? s : "");
	return -1;
}

static const char *result_at(unsigned int i)
{
	return report_result_name(i);
}

static const char *expect_at(unsigned int i)
{
	return expect_names[i];
}

static const char *matrix_at(unsigned int i)
{
	return report_matrix_name(report_matrix_at(i));
}

static unsigned int matrix_count(void)
{
	unsigned int n = 0;

	while (report_matrix_at(n) != RUN_MATRIX_NONE)
		n++;
	return n;
}

static const char *kind_at(unsigned int i)
{
	return report_source_keys[i][0] ? report_source_keys[i][0] : "";
}

/* A key's value into a fixed buffer, cut nowhere: too long is bad. */
static void fixed(struct cmd_reader *r, const json_t *o, const char *key,
		  char *dst, size_t size, enum cmd_str kind)
{
	char *s = cmd_dup_str(r, o, key, kind);

	if (s && strlen(s) >= size)
		cmd_bad(r, "%s%s: longer than %zu characters", r->ctx, key,
			size - 1);
	if (!r->bad)
		strcpy(dst, s);
	free(s);
}

static int read_source(struct cmd_reader *r, const json_t *j,
		       struct run_source *s)
{
	char kind[16];
	const char *const *k;
	int i;

	fixed(r, j, RS_KIND, kind, sizeof(kind), CMD_NAME);
	i = r->bad ? -1 : pick(r, RS_KIND, kind, kind_at,
			       RUN_SOURCE_MEASURED + 1);
	if (i <= RUN_SOURCE_END) {
		cmd_bad(r, "%s" RS_KIND ": \"%s\" is not a source", r->ctx, kind);
		return -1;
	}
	k = report_source_keys[i];
	s->kind = i;
	if (i == RUN_SOURCE_SDM)
		s->volume = cmd_need_uint(r, j, RS_VOLUME, 10);
	s->ref = cmd_dup_str(r, j, k[1], CMD_TEXT);
	if (k[2])
		s->title = cmd_dup_str(r, j, k[2], CMD_TEXT);
	return r->bad ? -1 : 0;
}

static struct run_source *read_sources(struct cmd_reader *r, const json_t *a)
{
	struct run_source *s;
	const json_t *j;
	size_t i;

	if (!cmd_want(r, a, RS_SOURCES, "array"))
		return NULL;
	if (json_array_size(a) > SOURCES_MAX) {
		cmd_bad(r, "%s" RS_SOURCES ": more than %d", r->ctx, SOURCES_MAX);
		return NULL;
	}
	s = calloc(json_array_size(a) + 1, sizeof(*s));
	if (!s) {
		cmd_bad(r, "out of memory");
		return NULL;
	}
	json_array_foreach(a, i, j)
		if (!cmd_want(r, j, RS_SOURCES "[]", "object") ||
		    read_source(r, j, &s[i]))
			break;
	return s;	/* freed with its case, whole or not */
}

/* "group.case" in name, whose group is group: the case's own name. */
static char *case_name(struct cmd_reader *r, const char *name,
		       const char *group)
{
	size_t g = strlen(group);

	if (!*group || strlen(name) > NAME_MAX_LEN || strncmp(name, group, g) ||
	    name[g] != '.' || !name[g + 1]) {
		cmd_bad(r, "%s" RS_NAME ": \"%s\" is not \"%s.CASE\" of at most %d "
			"characters", r->ctx, name, group, NAME_MAX_LEN);
		return NULL;
	}
	return strdup(name + g + 1);
}

static void free_case(struct run_case *c)
{
	struct run_source *s;

	if (!c)
		return;
	for (s = (struct run_source *)c->sources; s && s->kind; s++) {
		free((char *)s->ref);
		free((char *)s->title);
	}
	free((void *)c->sources);
	free((char *)c->group);
	free((char *)c->name);
	free((char *)c->hazard);
	free(c);
}

static void read_case(struct cmd_reader *r, const json_t *j, struct run_case *c)
{
	char *name, text[64];
	int i;

	c->group = cmd_dup_str(r, j, RS_GROUP, CMD_NAME);
	name = cmd_dup_str(r, j, RS_NAME, CMD_NAME);
	if (!r->bad)
		c->name = case_name(r, name, c->group);
	free(name);
	fixed(r, j, RS_EXPECT, text, sizeof(text), CMD_NAME);
	i = r->bad ? -1 : pick(r, RS_EXPECT, text, expect_at, 2);
	c->expect = i < 0 ? RUN_EXPECT_PASS : i;
	c->hazard = cmd_dup_str(r, j, RS_HAZARD, CMD_TEXT);
	fixed(r, j, RS_MATRIX, text, sizeof(text), CMD_NAME);
	c->matrix = RUN_MATRIX_NONE;
	if (!r->bad && text[0]) {
		i = pick(r, RS_MATRIX, text, matrix_at, matrix_count());
		c->matrix = i < 0 ? RUN_MATRIX_NONE : report_matrix_at(i);
	}
	if (!r->bad)
		c->sources = read_sources(r, json_object_get(j, RS_SOURCES));
}

static void read_result(struct cmd_reader *r, const json_t *j,
			struct run_outcome *o)
{
	struct run_case *c = calloc(1, sizeof(*c));
	char text[16];
	int i;

	o->c = c;
	if (!c) {
		cmd_bad(r, "out of memory");
		return;
	}
	read_case(r, j, c);
	fixed(r, j, RS_RESULT, text, sizeof(text), CMD_NAME);
	i = r->bad ? -1 : pick(r, RS_RESULT, text, result_at, RUN_NRESULTS);
	o->result = i < 0 ? RUN_ERROR : i;
	fixed(r, j, RS_REASON, o->reason, sizeof(o->reason), CMD_TEXT);
	fixed(r, j, RS_OBSERVED, o->observed, sizeof(o->observed), CMD_TEXT);
	o->log = cmd_dup_str(r, j, RS_LOG, CMD_TEXT);
	if (o->log && !o->log[0]) {
		free(o->log);
		o->log = NULL;
	}
	o->duration_ms = cmd_need_real(r, j, RS_DURATION_MS);
}

static void read_results(struct cmd_reader *r, const json_t *a,
			 struct run_report *rep)
{
	char ctx[48];
	const json_t *j;
	size_t i;

	if (!cmd_want(r, a, RS_RESULTS, "array"))
		return;
	rep->res = calloc(json_array_size(a) + 1, sizeof(*rep->res));
	if (!rep->res) {
		cmd_bad(r, "out of memory");
		return;
	}
	json_array_foreach(a, i, j) {
		snprintf(ctx, sizeof(ctx), RS_RESULTS "[%zu]", i);
		if (!cmd_want(r, j, ctx, "object"))
			break;
		strcat(ctx, ".");
		r->ctx = ctx;
		rep->n++;
		read_result(r, j, &rep->res[i]);
		r->ctx = "";
		if (r->bad)
			break;
		rep->totals.n[rep->res[i].result]++;
	}
}

/* The host object as compact ASCII JSON, for writing back as it came. */
static char *dump(struct cmd_reader *r, const json_t *host)
{
	size_t n = json_dumpb(host, NULL, 0, JSON_COMPACT | JSON_ENSURE_ASCII);
	char *s = n ? malloc(n + 1) : NULL;

	if (!s) {
		cmd_bad(r, RS_HOST ": cannot be written back");
		return NULL;
	}
	json_dumpb(host, s, n, JSON_COMPACT | JSON_ENSURE_ASCII);
	s[n] = '\0';
	return s;
}

static void read_run(struct cmd_reader *r, const json_t *j,
		     struct run_report *rep)
{
	char tool[16];
	const json_t *host;

	if (!cmd_want(r, j, "the file", "object"))
		return;
	fixed(r, j, RS_TOOL, tool, sizeof(tool), CMD_NAME);
	if (!r->bad && strcmp(tool, RS_TOOL_NAME))
		cmd_bad(r, RS_TOOL ": \"%s\", not \"" RS_TOOL_NAME "\"", tool);
	rep->seed = cmd_need_uint(r, j, RS_SEED, INT64_MAX);
	host = cmd_want(r, json_object_get(j, RS_HOST), RS_HOST, "object");
	if (host)
		rep->host_json = dump(r, host);
	rep->host_ktap = cmd_dup_str(r, j, RS_HOST_KTAP, CMD_TEXT);
	rep->wall_ms = cmd_need_real(r, j, RS_WALL_MS);
	if (!r->bad)
		read_results(r, json_object_get(j, RS_RESULTS), rep);
}

void cmd_run_json_free(struct run_report *r)
{
	unsigned int i;

	for (i = 0; r->res && i < r->n; i++)
		free_case((struct run_case *)r->res[i].c);
	run_report_free(r);
	free((char *)r->host_json);
	free((char *)r->host_ktap);
	memset(r, 0, sizeof(*r));
}

int cmd_run_json_parse(const char *text, size_t len, struct run_report *r,
		       char *why, size_t size)
{
	struct cmd_reader rd = { .why = why, .size = size,
				 .what = "a run's --json output", .ctx = "" };
	json_t *j = cmd_json_load(text, len, why, size);

	memset(r, 0, sizeof(*r));
	if (!j)
		return -1;
	read_run(&rd, j, r);
	json_decref(j);
	if (rd.bad)
		cmd_run_json_free(r);
	return rd.bad ? -1 : 0;
}
