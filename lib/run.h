/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lib/: the runner and the report writers. The runner selects cases from
 * the registry (a linker section), runs each in a child of its own with a
 * timeout, applies its expectation and collects results for the writers
 * (lib/report.h). No KVM, no kernel headers: tests/ drives it with cases
 * of its own.
 */
#ifndef RUN_H
#define RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/case.h"

#define RUN_VERSION "0.1.0"
#define RUN_MAX_FILTERS 32
#define RUN_OBSERVED_MAX 96

enum run_result {
	RUN_PASS, RUN_FAIL, RUN_XFAIL, RUN_XPASS, RUN_SKIP, RUN_ERROR,
	RUN_NRESULTS
};

struct run_outcome {
	const struct run_case *c;
	enum run_result result;
	char reason[1024];
	char observed[RUN_OBSERVED_MAX];	/* run_observe(), "" if none */
	char *log;		/* what the child printed, NULL if nothing */
	double duration_ms;
};

struct run_totals {
	unsigned int n[RUN_NRESULTS];
};

struct run_opts {
	const char *include[RUN_MAX_FILTERS];	/* -t GLOB */
	int ninclude;
	const char *exclude[RUN_MAX_FILTERS];	/* -x GLOB */
	int nexclude;
	const char *groups[RUN_MAX_FILTERS];	/* -g GROUP */
	int ngroups;
	unsigned int timeout_s;
	uint64_t seed;
	bool verbose;
	/* NULL if the case's needs are met, else the exact missing thing. */
	const char *(*unmet)(unsigned int needs);
};

struct run_report {
	const char *host_ktap;	/* "# key: value" lines */
	const char *host_json;	/* a JSON object */
	uint64_t seed;
	struct run_outcome *res;
	unsigned int n;
	struct run_totals totals;
	double wall_ms;
};

/* Registry (lib/run_select.c) */
unsigned int run_ncases(void);
const struct run_case *run_case_at(unsigned int i);
void run_case_fullname(const struct run_case *c, char *buf, size_t size);
/* The registry's order: <0, 0 or >0 as x comes before, with or after y. */
int run_case_order(const struct run_case *x, const struct run_case *y);
bool run_selected(const struct run_opts *o, const struct run_case *c);

/* Execution (lib/run_exec.c, lib/run_child.c) */
void run_one(const struct run_opts *o, const struct run_case *c,
	     struct run_outcome *out);
int run_all(const struct run_opts *o, struct run_report *r, FILE *ktap);
int run_exit_code(const struct run_totals *t);
void run_report_free(struct run_report *r);
void run_child(const struct run_case *c, uint64_t seed);
/* Kill the running case's process group; async-signal-safe. */
void run_stop_child(void);

#endif
