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

void report_ktap_begin(FILE *f, unsigned int n, const char *host_ktap,
		       uint64_t seed);
void report_ktap_result(FILE *f, unsigned int idx,
			const struct run_outcome *o, bool verbose);
void report_ktap_end(FILE *f, const struct run_report *r);
int report_json(FILE *f, const struct run_report *r);
int report_junit(FILE *f, const struct run_report *r);
void report_matrix_ktap(FILE *f, const struct run_report *r);
void report_matrix_json(FILE *f, const struct run_report *r);

#endif
