// SPDX-License-Identifier: GPL-2.0-only
/* JSON from elsewhere, read bounded and checked field by field. */
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_json.h"

/*
 * jansson's memory while one file is parsed, each block charged what
 * malloc spends on it (its usable size and size word), kept in a header of
 * malloc's alignment, and refused past a budget. As a tree, a file of small
 * values costs 20 times its size or more; a host report about 10 (of 2 KB),
 * a run's results 8, their logs 1.3. The budget takes real files, a run's
 * results up to ~250 KB, and keeps peak RSS within 6 times a large file's
 * size, where hostile ones would take hundreds of MB.
 */
#define ALLOC_HDR _Alignof(max_align_t)
#define BUDGET_PER_BYTE 4
#define BUDGET_BASE (1u << 20)

static size_t budget_live, budget_limit;
static bool budget_hit;

static void *budget_malloc(size_t size)
{
	size_t *p;

	/* size first: then the sum cannot overflow. */
	if (size > budget_limit || budget_live + ALLOC_HDR + size > budget_limit)
		goto refuse;
	p = malloc(ALLOC_HDR + size);
	if (!p)
		return NULL;
	*p = malloc_usable_size(p) + sizeof(size_t);
	if (budget_live + *p > budget_limit) {
		free(p);
		goto refuse;
	}
	budget_live += *p;
	return (char *)p + ALLOC_HDR;
refuse:
	budget_hit = true;
	return NULL;
}

static void budget_free(void *ptr)
{
	size_t *p;

	if (!ptr)
		return;
	p = (size_t *)((char *)ptr - ALLOC_HDR);
	budget_live -= *p;
	free(p);
}

/* Before parsing len bytes, at most CMD_JSON_FILE_MAX. */
static void budget_start(size_t len)
{
	budget_limit = BUDGET_PER_BYTE * len + BUDGET_BASE;
	budget_hit = false;
	json_set_alloc_funcs(budget_malloc, budget_free);
}

/* s into out[size], bytes other than printable ASCII as \xNN. */
static void printable(char *out, size_t size, const char *s, size_t len)
{
	unsigned char c;
	size_t n = 0;

	out[0] = '\0';
	for (; len-- && n + 5 <= size; s++) {
		c = *s;
		n += snprintf(out + n, size - n, c >= 0x20 && c <= 0x7e ?
			      "%c" : "\\x%02x", c);
	}
}

/* Why jansson refused the text, in why; its quotes of the input escaped. */
static void parse_error(const json_error_t *err, char *why, size_t size)
{
	const char *near = strstr(err->text, " near '");
	char token[JSON_ERROR_TEXT_LENGTH * 4], text[sizeof(token)];
	size_t len = 0;

	/* jansson quotes the token as near '...', cut short when long. */
	if (near) {
		near += strlen(" near '");
		len = strlen(near);
		if (len && near[len - 1] == '\'')
			len--;
	}
	printable(token, sizeof(token), near, len);
	printable(text, sizeof(text), err->text, strlen(err->text));
	if (budget_hit)
		snprintf(why, size, "too many values for its size: its tree would "
			 "take more than %zu bytes", budget_limit);
	else if (json_error_code(err) == json_error_duplicate_key)
		snprintf(why, size, "not JSON: byte %d: duplicate key %s (a key may "
			 "appear once in an object)", err->position, token);
	else if (json_error_code(err) == json_error_numeric_overflow)
		snprintf(why, size, "not JSON: byte %d: number%s%s out of range "
			 "(integers are read from %lld to %lld, reals as finite "
			 "doubles)", err->position, *token ? " " : "", token,
			 (long long)INT64_MIN, (long long)INT64_MAX);
	else
		snprintf(why, size, "not JSON: byte %d: %s", err->position, text);
}

json_t *cmd_json_load(const char *text, size_t len, char *why, size_t size)
{
	json_error_t err;
	json_t *j;

	if (len > CMD_JSON_FILE_MAX) {
		snprintf(why, size, "larger than %u bytes", CMD_JSON_FILE_MAX);
		return NULL;
	}
	budget_start(len);
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		parse_error(&err, why, size);
	return j;
}

void cmd_bad(struct cmd_reader *r, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (r->bad)
		return;
	r->bad = true;
	n = snprintf(r->why, r->size, "not %s: ", r->what);
	if (n >= r->size)
		return;
	va_start(ap, fmt);
	vsnprintf(r->why + n, r->size - n, fmt, ap);
	va_end(ap);
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

const json_t *cmd_want(struct cmd_reader *r, const json_t *v, const char *name,
		       const char *type)
{
	if (!v)
		cmd_bad(r, "%s%s: missing", r->ctx, name);
	else if (strcmp(type_name(v), type))
		cmd_bad(r, "%s%s: expected %s, got %s", r->ctx, name, type,
			type_name(v));
	return r->bad ? NULL : v;
}

/* s[0..len) is printable ASCII: else bad. */
static void check_text(struct cmd_reader *r, const char *key, const char *s,
		       size_t len)
{
	unsigned char c;
	size_t i;

	/* It is printed: a stray byte would forge lines or reach a terminal. */
	for (i = 0; i < len && !r->bad; i++) {
		c = s[i];
		if (c < 0x20 || c > 0x7e)
			cmd_bad(r, "%s%s: not printable ASCII (byte 0x%02x at %zu)",
				r->ctx, key, c, i);
	}
}

void cmd_need_str(struct cmd_reader *r, const json_t *o, const char *key,
		  char *dst, size_t size)
{
	const json_t *v = cmd_want(r, json_object_get(o, key), key, "string");
	const char *s = v ? json_string_value(v) : "";
	size_t len = v ? json_string_length(v) : 0;

	check_text(r, key, s, len);
	if (len >= size)
		cmd_bad(r, "%s%s: longer than %zu characters", r->ctx, key,
			size - 1);
	if (!r->bad)
		memcpy(dst, s, len + 1);
}

char *cmd_dup_str(struct cmd_reader *r, const json_t *o, const char *key,
		  enum cmd_str kind)
{
	const json_t *v = cmd_want(r, json_object_get(o, key), key, "string");
	size_t i, len = v ? json_string_length(v) : 0;
	char *s;

	if (v && kind == CMD_NAME)
		check_text(r, key, json_string_value(v), len);
	if (r->bad)
		return NULL;
	s = malloc(len + 1);
	if (!s) {
		cmd_bad(r, "%s%s: out of memory", r->ctx, key);
		return NULL;
	}
	memcpy(s, json_string_value(v), len + 1);
	for (i = 0; i < len; i++)
		if ((s[i] < 0x20 || s[i] > 0x7e) && s[i] != '\n' && s[i] != '\t')
			s[i] = '?';
	return s;
}

bool cmd_need_bool(struct cmd_reader *r, const json_t *o, const char *key)
{
	const json_t *v = cmd_want(r, json_object_get(o, key), key, "boolean");

	return v && json_is_true(v);
}

/* jansson's integers are signed 64-bit: max is at most INT64_MAX. */
uint64_t cmd_need_uint(struct cmd_reader *r, const json_t *o, const char *key,
		       json_int_t max)
{
	const json_t *v = cmd_want(r, json_object_get(o, key), key, "number");

	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 ||
		  json_integer_value(v) > max))
		cmd_bad(r, "%s%s: expected an integer from 0 to %lld", r->ctx,
			key, (long long)max);
	return r->bad ? 0 : json_integer_value(v);
}

double cmd_need_real(struct cmd_reader *r, const json_t *o, const char *key)
{
	const json_t *v = cmd_want(r, json_object_get(o, key), key, "number");
	double d = v ? json_number_value(v) : 0;

	if (v && (!isfinite(d) || d < 0))
		cmd_bad(r, "%s%s: expected a number of 0 or more", r->ctx, key);
	return r->bad ? 0 : d;
}
