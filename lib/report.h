/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The report writers, one per format (lib/report_*.c): KTAP on stdout,
 * --json, --junit, and the PKRU matrix inside the first two. Each calls
 * only report_text.c's helpers and the matrix, never another format.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/run.h"

/* report_text.c */
const char *report_result_name(enum run_result r);
void report_sources_text(char *buf, size_t size, const struct run_source *s);
void report_json_string(FILE *f, const char *s);

/* subtest: NULL at the top of a stream, else the name of a nested run. */
void report_ktap_begin(FILE *f, const char *subtest, unsigned int n,
		       const char *host_ktap, uint64_t seed);
void report_ktap_result(FILE *f, unsigned int idx,
			const struct run_outcome *o, bool verbose);
void report_ktap_totals(FILE *f, const struct run_totals *t);
void report_ktap_end(FILE *f, const struct run_report *r);

/* report_json.c; keys by source kind: kind, ref's key, title's key. */
extern const char *const report_source_keys[][3];
void report_json_result(FILE *f, const struct run_outcome *o);
void report_json_totals(FILE *f, const struct run_totals *t);
int report_json(FILE *f, const struct run_report *r);

/* report_junit.c: report_junit() is the head, one suite and the end. */
void report_junit_head(FILE *f, const char *name, const struct run_totals *t,
		       double ms);
void report_junit_suite(FILE *f, const char *name, const struct run_report *r);
int report_junit(FILE *f, const struct run_report *r);

/* report_matrix.c: the cells in their order, RUN_MATRIX_NONE past the end;
 * a cell's name "ROW COL" ("" for none) and its text for one run. */
enum run_matrix report_matrix_at(unsigned int i);
const char *report_matrix_name(enum run_matrix m);
void report_matrix_cell(const struct run_report *r, enum run_matrix m,
			char *buf, size_t size);
void report_matrix_ktap(FILE *f, const struct run_report *r);
void report_matrix_json(FILE *f, const struct run_report *r);

#endif
