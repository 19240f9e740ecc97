/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small JSON reader for the harness's own files (host reports): a tree of
 * values, numbers kept as exact 64-bit unsigned integers where they are
 * ones (XCR0 values reach 2^64-1, which a double cannot hold).
 */
#ifndef JSON_H
#define JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

enum json_type {
	JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT,
};

struct json {
	enum json_type type;
	char *key;		/* the member's name, inside an object */
	char *str;		/* JSON_STRING, NUL-terminated */
	bool b;			/* JSON_BOOL */
	bool is_u64;		/* JSON_NUMBER without sign, fraction or exponent, fits */
	uint64_t u64;		/* its value, when is_u64 */
	struct json *child;	/* first element or member */
	struct json *next;	/* the next one in the same array or object */
};

struct json_error {
	size_t offset;		/* byte offset in the input */
	char msg[96];
};

/* The value text[0..len) holds, or NULL with *err set. */
struct json *json_parse(const char *text, size_t len, struct json_error *err);
void json_free(struct json *j);
/* Member key of an object (the first one of that name), or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
const char *json_type_name(enum json_type t);

#endif
