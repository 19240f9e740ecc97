/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the main command and the subcommands share: numbers on the command
 * line and the one message for a /dev/kvm that cannot be used.
 */
#ifndef CMD_COMMON_H
#define CMD_COMMON_H

#include <stdint.h>

/* s as a decimal number from min to max, or -1 with the option, the value
 * and the range on stderr after prog's name. */
int cmd_number(const char *prog, const char *opt, const char *s,
	       uint64_t min, uint64_t max, uint64_t *v);
/* 0 when /dev/kvm is usable by this binary; else 2, with the reason and
 * its fix on stderr after prog's name. */
int cmd_need_kvm(const char *prog);

#endif
