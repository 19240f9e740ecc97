// SPDX-License-Identifier: GPL-2.0-only
/*
 * The JSON reader (RFC 8259), recursive descent over a length-bounded
 * buffer: every read checks the end first, so a truncated or hostile file
 * gives an error with its byte offset, never a read past the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"

struct parser {
	const char *s;
	size_t len, pos;
	struct json_error *err;
};

static struct json *parse_value(struct parser *p, int depth);

/* Records the error at the current position; NULL for the callers to pass on. */
static void *fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	p->err->offset = p->pos;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return NULL;
}

static int peek(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static void *unexpected(struct parser *p, const char *wanted)
{
	int c = peek(p);

	if (c < 0)
		return fail(p, "unexpected end of input, expected %s", wanted);
	if (c >= 0x20 && c < 0x7f)
		return fail(p, "expected %s, got '%c'", wanted, c);
	return fail(p, "expected %s, got byte 0x%02x", wanted, c);
}

static void skip_ws(struct parser *p)
{
	int c;

	while ((c = peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		p->pos++;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static struct json *new_node(struct parser *p, enum json_type type)
{
	struct json *j = calloc(1, sizeof(*j));

	if (!j)
		return fail(p, "out of memory");
	j->type = type;
	return j;
}

static const struct {
	const char *word;
	enum json_type type;
	bool b;
} literals[] = {
	{ "null", JSON_NULL, false },
	{ "true", JSON_BOOL, true },
	{ "false", JSON_BOOL, false },
};

static struct json *parse_literal(struct parser *p)
{
	struct json *j;
	size_t i, n;

	for (i = 0; i < sizeof(literals) / sizeof(literals[0]); i++) {
		n = strlen(literals[i].word);
		if (p->len - p->pos < n || memcmp(p->s + p->pos, literals[i].word, n))
			continue;
		j = new_node(p, literals[i].type);
		if (j)
			j->b = literals[i].b;
		p->pos += n;
		return j;
	}
	return unexpected(p, "a value");
}

static size_t skip_digits(struct parser *p)
{
	size_t start = p->pos;

	while (is_digit(peek(p)))
		p->pos++;
	return p->pos - start;
}

/* The digits at p->pos as *v; false if they do not fit in 64 bits. */
static bool read_u64(struct parser *p, uint64_t *v)
{
	bool fits = true;
	int d;

	for (*v = 0; is_digit(peek(p)); p->pos++) {
		d = peek(p) - '0';
		if (*v > (UINT64_MAX - d) / 10)
			fits = false;
		*v = *v * 10 + d;
	}
	return fits;
}

/* Integers without sign, fraction or exponent are kept exactly when they fit. */
static struct json *parse_number(struct parser *p)
{
	bool exact = true;
	uint64_t v = 0;
	struct json *j;

	if (peek(p) == '-') {
		exact = false;
		p->pos++;
	}
	if (!is_digit(peek(p)))
		return unexpected(p, "a digit");
	if (peek(p) == '0')	/* no leading zeros: a 0 is the whole integer part */
		p->pos++;
	else if (!read_u64(p, &v))
		exact = false;
	if (peek(p) == '.') {
		exact = false;
		p->pos++;
		if (!skip_digits(p))
			return unexpected(p, "a digit");
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		exact = false;
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (!skip_digits(p))
			return unexpected(p, "a digit");
	}
	j = new_node(p, JSON_NUMBER);
	if (j) {
		j->is_u64 = exact;
		j->u64 = exact ? v : 0;
	}
	return j;
}

static int hex4(const char *s, uint32_t *v)
{
	int i, c;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = s[i];
		if (is_digit(c))
			c -= '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			c = (c | 0x20) - 'a' + 10;
		else
			return -1;
		*v = *v << 4 | c;
	}
	return 0;
}

/* \uXXXX at p->pos, a UTF-16 surrogate pair taken whole; end: closing quote. */
static int read_codepoint(struct parser *p, size_t end, uint32_t *cp)
{
	uint32_t lo;

	if (end - p->pos < 6 || hex4(p->s + p->pos + 2, cp)) {
		fail(p, "\\u needs four hex digits");
		return -1;
	}
	if (*cp >= 0xd800 && *cp <= 0xdbff && end - p->pos >= 12 &&
	    p->s[p->pos + 6] == '\\' && p->s[p->pos + 7] == 'u' &&
	    !hex4(p->s + p->pos + 8, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
		*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
		p->pos += 6;
	} else if (*cp >= 0xd800 && *cp <= 0xdfff) {
		fail(p, "unpaired UTF-16 surrogate");
		return -1;
	}
	if (!*cp) {
		fail(p, "\\u0000 (NUL inside a string) is not supported");
		return -1;
	}
	p->pos += 6;
	return 0;
}

static char *put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = cp;
	} else if (cp < 0x800) {
		*o++ = 0xc0 | cp >> 6;
		*o++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*o++ = 0xe0 | cp >> 12;
		*o++ = 0x80 | (cp >> 6 & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	} else {
		*o++ = 0xf0 | cp >> 18;
		*o++ = 0x80 | (cp >> 12 & 0x3f);
		*o++ = 0x80 | (cp >> 6 & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	}
	return o;
}

static const char esc_in[] = "\"\\/bfnrt";
static const char esc_out[] = "\"\\/\b\f\n\r\t";

/* The escape at p->pos (a backslash before end), written at *o. */
static int decode_escape(struct parser *p, size_t end, char **o)
{
	char c = p->s[p->pos + 1];
	const char *e = c ? strchr(esc_in, c) : NULL;
	uint32_t cp;

	if (e) {
		*(*o)++ = esc_out[e - esc_in];
		p->pos += 2;
		return 0;
	}
	if (c != 'u') {
		fail(p, "unknown escape in string");
		return -1;
	}
	if (read_codepoint(p, end, &cp))
		return -1;
	*o = put_utf8(*o, cp);
	return 0;
}

/*
 * The closing quote is found first: decoded text is never longer than the
 * raw text, so one allocation of that size holds it.
 */
static char *parse_string(struct parser *p)
{
	size_t end = p->pos + 1;
	unsigned char c;
	char *out, *o;

	while (end < p->len && p->s[end] != '"')
		end += p->s[end] == '\\' ? 2 : 1;
	if (end >= p->len)
		return fail(p, "unterminated string");
	out = o = malloc(end - p->pos);
	if (!out)
		return fail(p, "out of memory");
	p->pos++;
	while (p->pos < end) {
		c = p->s[p->pos];
		if (c < 0x20) {
			fail(p, "control character 0x%02x in string", c);
			goto err;
		}
		if (c != '\\')
			*o++ = p->s[p->pos++];
		else if (decode_escape(p, end, &o))
			goto err;
	}
	*o = '\0';
	p->pos++;
	return out;
err:
	free(out);
	return NULL;
}

static struct json *parse_string_value(struct parser *p)
{
	struct json *j = new_node(p, JSON_STRING);

	if (j)
		j->str = parse_string(p);
	if (j && !j->str) {
		free(j);
		return NULL;
	}
	return j;
}

/* One array element, or one object member with its name. */
static struct json *parse_member(struct parser *p, bool in_object, int depth)
{
	struct json *v;
	char *key = NULL;

	if (in_object) {
		skip_ws(p);
		if (peek(p) != '"')
			return unexpected(p, "a member name");
		key = parse_string(p);
		if (!key)
			return NULL;
		skip_ws(p);
		if (peek(p) != ':') {
			free(key);
			return unexpected(p, "':'");
		}
		p->pos++;
	}
	v = parse_value(p, depth);
	if (!v) {
		free(key);
		return NULL;
	}
	v->key = key;
	return v;
}

static struct json *parse_container(struct parser *p, int depth)
{
	bool obj = peek(p) == '{';
	int close = obj ? '}' : ']';
	struct json *j = new_node(p, obj ? JSON_OBJECT : JSON_ARRAY);
	struct json **tail, *m;

	if (!j)
		return NULL;
	tail = &j->child;
	p->pos++;
	skip_ws(p);
	if (peek(p) == close) {
		p->pos++;
		return j;
	}
	for (;;) {
		m = parse_member(p, obj, depth);
		if (!m)
			break;
		*tail = m;
		tail = &m->next;
		skip_ws(p);
		if (peek(p) == close) {
			p->pos++;
			return j;
		}
		if (peek(p) != ',') {
			unexpected(p, obj ? "',' or '}'" : "',' or ']'");
			break;
		}
		p->pos++;
	}
	json_free(j);
	return NULL;
}

/* depth: how many arrays and objects enclose this value. */
static struct json *parse_value(struct parser *p, int depth)
{
	int c;

	skip_ws(p);
	c = peek(p);
	if (c == '{' || c == '[') {
		if (depth >= JSON_MAX_DEPTH)
			return fail(p, "nested deeper than %d levels", JSON_MAX_DEPTH);
		return parse_container(p, depth + 1);
	}
	if (c == '"')
		return parse_string_value(p);
	if (c == '-' || is_digit(c))
		return parse_number(p);
	return parse_literal(p);
}

struct json *json_parse(const char *text, size_t len, struct json_error *err)
{
	struct parser p = { .s = text, .len = len, .err = err };
	struct json *j;

	memset(err, 0, sizeof(*err));
	j = parse_value(&p, 0);
	if (!j)
		return NULL;
	skip_ws(&p);
	if (p.pos < len) {
		json_free(j);
		return fail(&p, "trailing characters after the value");
	}
	return j;
}

void json_free(struct json *j)
{
	struct json *next;

	for (; j; j = next) {
		next = j->next;
		json_free(j->child);
		free(j->key);
		free(j->str);
		free(j);
	}
}

const struct json *json_get(const struct json *obj, const char *key)
{
	const struct json *m;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (m = obj->child; m; m = m->next)
		if (!strcmp(m->key, key))
			return m;
	return NULL;
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = {
		"null", "boolean", "number", "string", "array", "object",
	};

	return names[t];
}
