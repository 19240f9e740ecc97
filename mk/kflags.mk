# SPDX-License-Identifier: GPL-2.0-only
# Flags shared by libkvm-selftests and the code that runs in the guest.
# K is the extracted kernel tree.
KVMDIR := $(K)/tools/testing/selftests/kvm
KVER := $(shell cat $(K)/.kversion 2>/dev/null)

# include/x86_64/ became include/x86/ in 6.13. Both are named: the top
# Makefile reads this before the tree is extracted, and gcc skips the absent one.
KINC := -I$(K)/tools/include -I$(K)/tools/arch/x86/include \
	-isystem $(K)/usr/include -I$(KVMDIR)/include \
	-I$(KVMDIR)/include/x86_64 -I$(KVMDIR)/include/x86 \
	-I$(K)/tools/testing/selftests

# -mgeneral-regs-only: guest code must not touch SSE behind our back (gcc
# vectorises struct zeroing), since XMM state is what the cases measure.
# -DQUIET: the 6.12 library prints its random seed on stdout otherwise.
KCFLAGS := -std=gnu99 -O2 -g -Wall -MMD -MP -D_GNU_SOURCE= -DCONFIG_64BIT \
	-DQUIET -U_FORTIFY_SOURCE -fno-stack-protector -fno-PIE \
	-fno-strict-aliasing -fno-builtin-memcmp -fno-builtin-memcpy \
	-fno-builtin-memset -fno-builtin-strnlen -mgeneral-regs-only $(KINC)

Q ?= @
