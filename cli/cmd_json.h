/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading JSON that came from elsewhere (another host's report, a run's
 * --json output from an emulated machine): jansson with duplicate keys
 * refused, a bounded file, a memory budget, and field readers that keep the
 * first reason a file is unusable.
 */
#ifndef CMD_JSON_H
#define CMD_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A host report is about 2 KB and a run's --json output with every log a
 * few hundred KB; 4 MiB leaves room for far larger ones, and with the
 * budget in cmd_json.c it bounds what a file can make us take to ~25 MB.
 */
#define CMD_JSON_FILE_MAX (4u << 20)

/* text[0..len) as a tree, or NULL with the reason in why. */
json_t *cmd_json_load(const char *text, size_t len, char *why, size_t size);

struct cmd_reader {
	char *why;
	size_t size;
	const char *what;	/* "a host report"... for "not a host report: " */
	const char *ctx;	/* prefix of field names in reasons */
	bool bad;
};

void cmd_bad(struct cmd_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* v if it is of type ("object", "array", "string", "number", "boolean"),
 * else NULL with the reason kept. */
const json_t *cmd_want(struct cmd_reader *r, const json_t *v, const char *name,
		       const char *type);
/* Member key of o as printable ASCII that fits in dst[size]. */
void cmd_need_str(struct cmd_reader *r, const json_t *o, const char *key,
		  char *dst, size_t size);
/* Member key of o, any length, as a copy to free() (NULL when bad).
 * CMD_NAME: printable ASCII or bad; CMD_TEXT: free text (a reason, a log),
 * other bytes than printable ASCII, newline and tab read as '?'. */
enum cmd_str { CMD_NAME, CMD_TEXT };
char *cmd_dup_str(struct cmd_reader *r, const json_t *o, const char *key,
		  enum cmd_str kind);
bool cmd_need_bool(struct cmd_reader *r, const json_t *o, const char *key);
uint64_t cmd_need_uint(struct cmd_reader *r, const json_t *o, const char *key,
		       json_int_t max);
double cmd_need_real(struct cmd_reader *r, const json_t *o, const char *key);

#endif
