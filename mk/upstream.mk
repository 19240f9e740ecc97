# SPDX-License-Identifier: GPL-2.0-only
# The kernel's own selftests that concern XSAVE and PKRU state, built
# statically from the same tree as the library, for the emulated machine's
# cross-check: KVM tests linked with the tree's libkvm, and the mm pkey tests
# (the signal and ptrace PKRU paths), which need only the selftest headers.
# Invoked as: make -f mk/upstream.mk K=TREE OUT=DIR LIBKVM=libkvm.a
#
# OUT/list has one line per test: NAME when built, or NAME missing: REASON
# (absent from the tree, or it does not build here). A test that does not
# build never fails the whole build; neither does a library that does not.
include mk/kflags.mk

KVM_TESTS := state_test xcr0_cpuid_test cpuid_test amx_test
MM_TESTS := pkey_sighandler_tests protection_keys
UPSTREAM_TESTS := $(KVM_TESTS) $(MM_TESTS)

# x86_64/ until 6.13, x86/ after.
TESTDIR := $(firstword $(wildcard $(KVMDIR)/x86_64 $(KVMDIR)/x86))
# mm/ since 6.3, vm/ before.
MMDIR := $(patsubst %/Makefile,%,$(firstword $(wildcard \
	$(K)/tools/testing/selftests/mm/Makefile $(K)/tools/testing/selftests/vm/Makefile)))
KVM_PRESENT := $(foreach t,$(KVM_TESTS),$(if $(wildcard $(TESTDIR)/$(t).c),$(t)))
MM_PRESENT := $(if $(MMDIR),$(foreach t,$(MM_TESTS),$(if $(wildcard $(MMDIR)/$(t).c),$(t))))
PRESENT := $(KVM_PRESENT) $(MM_PRESENT)
RESULTS := $(PRESENT:%=$(OUT)/%.result)
ABSOUT := $(abspath $(OUT))

# The tests' own flags: ours minus -mgeneral-regs-only, which only our
# guest code needs.
UFLAGS := $(filter-out -mgeneral-regs-only -MMD -MP,$(KCFLAGS))

# "gcc 12.2", for the reason a test does not build.
CC_NAME := $(if $(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n 1)),clang,gcc) \
	$(shell { $(CC) -dumpfullversion || $(CC) -dumpversion; } 2>/dev/null | cut -d. -f1,2)
# why LOG: the line of a failed build's LOG that says why, short and
# without the tree's path, for the list's one-line reason (the builds run
# under LC_ALL=C: plain quotes in it, whatever the locale).
why = { grep -m 1 -E 'error:|undefined reference|cannot find' $(1) || head -n 1 $(1); } | \
	sed -e 's|$(abspath $(K))/tools/testing/selftests/||g' -e 's|$(abspath $(K))/||g' \
	-e 's|$(K)/tools/testing/selftests/||g' -e 's|$(K)/||g' | cut -c 1-200

# list: rewritten each time (a tree extracted again may lack a test it had),
# kept as it is when nothing changed. A test the tree lacks must not leave an
# older tree's binary behind: vm/init runs whatever binary the list names.
$(OUT)/list: $(RESULTS) FORCE
	@mkdir -p $(@D)
	$(Q){ $(foreach t,$(UPSTREAM_TESTS),$(if $(filter $(t),$(PRESENT)),\
		cat $(OUT)/$(t).result;,\
		rm -f $(OUT)/$(t); echo "$(t) missing: not in the $(KVER) tree";)) } >$@.new
	$(Q)cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

# The library as the top Makefile builds it, again each time (it is a no-op
# when up to date): one that does not build costs the KVM tests, each of
# them with the reason, not the mm tests.
$(LIBKVM): FORCE
	@mkdir -p $(OUT)
	$(Q)if LC_ALL=C $(MAKE) --no-print-directory -f mk/libkvm.mk K=$(K) OUT=$(@D) Q=$(Q) \
		>$(OUT)/libkvm.log 2>&1; then \
		rm -f $(OUT)/libkvm.why; \
	else \
		rm -f $@; \
		echo "libkvm does not build with $(CC_NAME): $$($(call why,$(OUT)/libkvm.log))" \
			>$(OUT)/libkvm.why; \
		echo "upstream: libkvm does not build from the $(KVER) tree, nor do its KVM tests; see $(OUT)/libkvm.log" >&2; \
	fi

$(KVM_PRESENT:%=$(OUT)/%.result): $(OUT)/%.result: $(TESTDIR)/%.c $(LIBKVM) $(K)/.kversion
	@mkdir -p $(@D)
	$(Q)rm -f $(OUT)/$*; \
	if [ -f $(OUT)/libkvm.why ]; then \
		echo "$* missing: $$(cat $(OUT)/libkvm.why)"; \
	elif LC_ALL=C $(CC) $(UFLAGS) -I$(TESTDIR) -static -pthread -o $(OUT)/$* $< $(LIBKVM) \
		>$(OUT)/$*.log 2>&1; then \
		echo "$*"; \
	else \
		echo "$* missing: does not build with $(CC_NAME): $$($(call why,$(OUT)/$*.log))"; \
		echo "upstream: $* does not build from the $(KVER) tree; see $(OUT)/$*.log" >&2; \
	fi >$@

# The mm tests with the tree's own recipe for their 64-bit variant (NAME_64;
# the _32 one needs a 32-bit libc): flags, helper sources and libraries all
# differ from tree to tree, so make -n prints what the tree's mm Makefile
# would run, and we add -static. One run for all: it writes the tree's
# local_config.mk, which two at once would race on. Our own variables are in
# the environment too, and the kernel's Makefiles read O= as theirs.
KMAKE := env -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES -u MAKELEVEL -u O -u KSRC \
	-u K -u OUT -u LIBKVM -u Q make
$(OUT)/mm.cmds: $(K)/.kversion
	@mkdir -p $(@D)
	$(Q)$(KMAKE) -n -k --no-print-directory -C $(MMDIR) V=1 CC="$(CC)" \
		OUTPUT=$(ABSOUT)/mm $(MM_PRESENT:%=$(ABSOUT)/mm/%_64) >$@ 2>$@.log || true

$(MM_PRESENT:%=$(OUT)/%.result): $(OUT)/%.result: $(OUT)/mm.cmds $(MMDIR)/%.c
	$(Q)rm -f $(OUT)/$*; \
	cmd=$$(sed -n 's| -o $(ABSOUT)/mm/$*_64$$||p' $< | head -n 1); \
	if [ -z "$$cmd" ]; then \
		echo "$* missing: the $(KVER) tree's $(notdir $(MMDIR))/Makefile has no rule for $*_64"; \
		echo "upstream: no rule for $*_64 in $(MMDIR)/Makefile; see $<.log" >&2; \
	elif (cd $(MMDIR) && eval "LC_ALL=C $$cmd -static -o $(ABSOUT)/$*") >$(OUT)/$*.log 2>&1; then \
		echo "$*"; \
	else \
		echo "$* missing: does not build with $(CC_NAME): $$($(call why,$(OUT)/$*.log))"; \
		echo "upstream: $* does not build from the $(KVER) tree; see $(OUT)/$*.log" >&2; \
	fi >$@

.PHONY: FORCE
FORCE:
