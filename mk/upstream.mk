# SPDX-License-Identifier: GPL-2.0-only
# The kernel's own KVM selftests that concern XSAVE state, built statically
# from the same tree as the library, for the emulated machine's cross-check.
# Invoked as: make -f mk/upstream.mk K=TREE OUT=DIR LIBKVM=libkvm.a
include mk/kflags.mk

UPSTREAM_TESTS := state_test xcr0_cpuid_test cpuid_test amx_test
# x86_64/ until 6.13, x86/ after.
TESTDIR := $(firstword $(wildcard $(KVMDIR)/x86_64 $(KVMDIR)/x86))
PRESENT := $(foreach t,$(UPSTREAM_TESTS),$(if $(wildcard $(TESTDIR)/$(t).c),$(t)))
# The tests' own flags: ours minus -mgeneral-regs-only, which only our
# guest code needs.
UFLAGS := $(filter-out -mgeneral-regs-only -MMD -MP,$(KCFLAGS))

# list: one line per test, the reason where a tree lacks it.
$(OUT)/list: $(addprefix $(OUT)/,$(PRESENT))
	$(Q)for t in $(UPSTREAM_TESTS); do \
		if [ -x $(OUT)/$$t ]; then echo "$$t"; \
		else echo "$$t missing: not in the $(KVER) tree"; fi; \
	done >$@

$(OUT)/%: $(TESTDIR)/%.c $(LIBKVM)
	@mkdir -p $(@D)
	$(Q)$(CC) $(UFLAGS) -I$(TESTDIR) -static -pthread -o $@ $^ 2>$@.log || \
		{ cat $@.log; exit 1; }
