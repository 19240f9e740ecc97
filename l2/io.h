/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The L2 payload's output, on the debugcon port 0xe9, and the few CPU
 * instructions it needs. Freestanding: no libc, no kernel headers.
 */
#ifndef L2_IO_H
#define L2_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L2_DEBUGCON_PORT 0xe9

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	asm volatile("cpuid"
		     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "a"(leaf), "c"(sub));
}

void put_str(const char *s);
void put_hex(uint64_t v);
void put_dec(uint64_t v);
/* "l2: check N " */
void put_check(unsigned int n);

/* gcc may emit calls to these even with -ffreestanding. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
