/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A run's --json output (lib/report_schema.h) read back into a report the
 * lib/ writers take: its cases are built from the file, not taken from this
 * binary's registry, so a run made elsewhere reads the same.
 */
#ifndef CMD_RUN_JSON_H
#define CMD_RUN_JSON_H

#include <stddef.h>

#include "lib/run.h"

/* 0, or -1 with the reason in why; r is then empty. */
int cmd_run_json_parse(const char *text, size_t len, struct run_report *r,
		       char *why, size_t size);
/* Everything cmd_run_json_parse() allocated, r emptied. */
void cmd_run_json_free(struct run_report *r);

#endif
