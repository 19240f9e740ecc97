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
enum cmd_save_load { CMD_HELP, CMD_SAVE, CMD_LOAD, CMD_BAD };
/* "save FILE [--seed N]", "load FILE" or "-h"/"--help" after a subcommand's
 * name (argv[0]); CMD_BAD after a message on stderr (a bad seed) or none. */
enum cmd_save_load cmd_save_load(const char *prog, int argc, char **argv,
				 uint64_t *seed);
/* 0 when /dev/kvm is usable by this binary; else 2, with the reason and
 * its fix on stderr after prog's name. */
int cmd_need_kvm(const char *prog);

/* Why a requirement of enum run_need (lib/case.h) is not met here, or NULL. */
const char *cmd_unmet(unsigned int needs);

#endif
