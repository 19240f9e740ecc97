// SPDX-License-Identifier: GPL-2.0-only
/* Output on the debugcon port, one byte per OUT, and libgcc's memset/memcpy. */
#include "l2/io.h"

void put_str(const char *s)
{
	while (*s)
		outb(L2_DEBUGCON_PORT, *s++);
}

void put_hex(uint64_t v)
{
	char b[19], *p = b + sizeof(b) - 1;

	*p = 0;
	do {
		*--p = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	put_str(p);
}

void put_dec(uint64_t v)
{
	char b[21], *p = b + sizeof(b) - 1;

	*p = 0;
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	put_str(p);
}

void put_check(unsigned int n)
{
	put_str("l2: check ");
	put_dec(n);
	put_str(" ");
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}
