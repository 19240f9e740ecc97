// SPDX-License-Identifier: GPL-2.0-only
/* The case registry: the "run_cases" section, in a stable order. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/run.h"

/* Weak: a program with no case at all has no such section. */
extern const struct run_case __start_run_cases[] __attribute__((weak));
extern const struct run_case __stop_run_cases[] __attribute__((weak));

/* Groups in the order a reader wants them; others follow by name. */
static const char *const group_order[] = {
	"host", "validation", "xsave", "pkru", "isolation", "cpuid", "oracle",
	"migration", "ptrace", "sigreturn",
};

static const struct run_case **sorted;
static unsigned int nsorted;

static int group_rank(const char *g)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(group_order); i++)
		if (!strcmp(g, group_order[i]))
			return i;
	return ARRAY_SIZE(group_order);
}

int run_case_order(const struct run_case *x, const struct run_case *y)
{
	int d = group_rank(x->group) - group_rank(y->group);

	if (d)
		return d;
	d = strcmp(x->group, y->group);
	return d ? d : strcmp(x->name, y->name);
}

static int case_cmp(const void *a, const void *b)
{
	return run_case_order(*(const struct run_case *const *)a,
			      *(const struct run_case *const *)b);
}

static void registry_init(void)
{
	unsigned int i;

	if (sorted)
		return;
	nsorted = __stop_run_cases - __start_run_cases;
	sorted = calloc(nsorted + 1, sizeof(*sorted));
	if (!sorted) {
		nsorted = 0;
		return;
	}
	for (i = 0; i < nsorted; i++)
		sorted[i] = &__start_run_cases[i];
	qsort(sorted, nsorted, sizeof(*sorted), case_cmp);
}

unsigned int run_ncases(void)
{
	registry_init();
	return nsorted;
}

const struct run_case *run_case_at(unsigned int i)
{
	registry_init();
	return i < nsorted ? sorted[i] : NULL;
}

void run_case_fullname(const struct run_case *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s.%s", c->group, c->name);
}

static bool any_match(const char *const *globs, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (!fnmatch(globs[i], s, 0))
			return true;
	return false;
}

bool run_selected(const struct run_opts *o, const struct run_case *c)
{
	char name[256];
	int i;
	bool in_group = !o->ngroups;

	for (i = 0; i < o->ngroups; i++)
		if (!strcmp(o->groups[i], c->group))
			in_group = true;
	if (!in_group)
		return false;
	run_case_fullname(c, name, sizeof(name));
	if (o->ninclude && !any_match(o->include, o->ninclude, name))
		return false;
	return !any_match(o->exclude, o->nexclude, name);
}
