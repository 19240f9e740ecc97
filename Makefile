# SPDX-License-Identifier: GPL-2.0-only
# xsave-abi: build libkvm-selftests from a kernel tree, then the harness.
#
#   make                 build/xsave-abi (kernel tree: linux-source-6.1)
#   make KSRC=DIR|TARBALL   use another kernel tree
#   make static          build/xsave-abi-static
#   make check           the project's tests, a bounded fuzz run of the state-file
#                        parser, a build against linux-source-6.12, the suite
#                        natively, then ./run.sh --vm all
#   make upstream        the kernel tree's own XSAVE selftests, static
#   make bench           timings of the native suite and of --vm all, parallel
#                        and one boot at a time, and of --vm 6.12
O ?= build
ifeq ($(origin KSRC),undefined)
# Default: Debian's 6.1 tree. Its library runs on 6.1 and on newer kernels;
# the 6.12 library refuses kernels before 6.8 (README, "Kernel trees").
KSRC := /usr/src/linux-source-6.1.tar.xz
KSRC_PKG := linux-source-6.1
endif
KSRC_612 := /usr/src/linux-source-6.12.tar.xz

K := $(O)/ktree
include mk/kflags.mk

CC ?= gcc
# The project's flags, then the user's: make CFLAGS+=-Werror, LDFLAGS=...
# -fno-builtin-bcmp: clang turns memcmp() == 0 into bcmp(), which brings
# libc.a's memcmp into the static link beside the library's own.
XS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -MMD -MP \
	-D_GNU_SOURCE -fno-PIE -fno-stack-protector -fno-builtin-bcmp -I. \
	$(CFLAGS)
XS_LDFLAGS := -no-pie -pthread $(LDFLAGS)
LDLIBS := -lcap -ldl -ljansson
# The L2 guest QEMU runs (group qemu) and the QEMU driver: before
# HARNESS_OBJS, which takes QEMU_OBJS.
include mk/l2.mk

RUNNER_SRCS := $(wildcard lib/run_*.c lib/report_*.c)
VMM_SRCS := $(wildcard vmm/*.c)
TASK_SRCS := $(wildcard task/*.c)
CLI_SRCS := $(wildcard cli/*.c)
GUEST_SRCS := $(wildcard guest/*.c)
CASE_SRCS := $(wildcard cases/*.c)
XS_SRCS := $(wildcard xs/*.c)

objs = $(patsubst %.c,$(O)/obj/%.o,$(1))
RUNNER_OBJS := $(call objs,$(RUNNER_SRCS))
HARNESS_OBJS := $(RUNNER_OBJS) $(call objs,lib/host_report.c $(CLI_SRCS) \
	$(XS_SRCS) $(TASK_SRCS) $(VMM_SRCS) $(GUEST_SRCS) $(CASE_SRCS)) $(QEMU_OBJS)
LIBKVM := $(O)/libkvm/libkvm.a
KSTAMP := $(O)/.ksrc/$(subst /,_,$(abspath $(KSRC)))
DEPSTAMP := $(O)/.deps-ok

TESTS := $(patsubst tests/%.c,$(O)/tests/%,$(wildcard tests/test_*.c))
# The shell tests drive the harness binary; each test gets a folder of its own.
TEST_SCRIPTS := $(wildcard tests/test_*.sh)

all: $(O)/xsave-abi $(L2_ELF)
.PHONY: all static upstream check check-tests check-612 bench clean

$(O)/xsave-abi: $(HARNESS_OBJS) $(LIBKVM)
	$(Q)$(CC) $(XS_LDFLAGS) -o $@ $^ $(LDLIBS)
	@echo "  LD      $@ (kernel tree $$(cat $(K)/.kversion))"

static: $(O)/xsave-abi-static $(L2_ELF)
$(O)/xsave-abi-static: $(HARNESS_OBJS) $(LIBKVM)
	$(Q)$(CC) $(XS_LDFLAGS) -static -o $@ $^ $(LDLIBS) 2>$(O)/static-link.log || \
		{ cat $(O)/static-link.log; exit 1; }
	@echo "  LD      $@ (static, kernel tree $$(cat $(K)/.kversion))"

# The kernel's own XSAVE-related KVM and pkey mm selftests, static, for
# run.sh --vm. mk/upstream.mk builds the library: one that does not build
# only costs the KVM tests.
upstream: $(KSTAMP)
	$(Q)$(MAKE) --no-print-directory -f mk/upstream.mk K=$(K) OUT=$(O)/upstream \
		LIBKVM=$(LIBKVM) Q=$(Q)

# Debian packages the build needs (scripts/deps.sh installs them as root).
# Again whenever the Makefile (and so the list) changes.
$(DEPSTAMP): Makefile
	@mkdir -p $(@D)
	$(Q)scripts/deps.sh libcap-dev libjansson-dev make gcc xz-utils qemu-system-x86
	@touch $@

# The kernel tree: re-extracted whenever KSRC names another tree, or
# scripts/ktree.sh extracts more of it.
$(KSTAMP): scripts/ktree.sh | $(DEPSTAMP)
	@rm -rf $(O)/.ksrc && mkdir -p $(@D)
	$(Q)scripts/ktree.sh "$(KSRC)" "$(K)" "$(KSRC_PKG)"
	@echo "  KTREE   $(K) from $(KSRC) ($$(cat $(K)/.kversion))"
	@touch $@

$(LIBKVM): $(KSTAMP)
	$(Q)$(MAKE) --no-print-directory -f mk/libkvm.mk K=$(K) OUT=$(O)/libkvm Q=$(Q)
	@echo "  AR      $@"

# Only vmm/ and guest/ use the library's headers; the rest need no kernel tree.
$(O)/obj/lib/%.o $(O)/obj/cases/%.o $(O)/obj/cli/%.o $(O)/obj/xs/%.o \
	$(O)/obj/task/%.o: CF = $(XS_CFLAGS)
$(O)/obj/vmm/%.o: CF = $(XS_CFLAGS) -DCONFIG_64BIT -DQUIET \
	$(patsubst -I%,-isystem %,$(KINC)) \
	-DVMM_KTREE=\"$$(cat $(K)/.kversion)\"
# The user's CFLAGS reach our code, not the kernel's library (its own flags).
$(O)/obj/guest/%.o: CF = $(KCFLAGS) -I. $(CFLAGS)
$(O)/obj/tests/%.o: CF = $(XS_CFLAGS)
$(O)/obj/%.o: %.c | $(DEPSTAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CF) -c $< -o $@
	@echo "  CC      $<"
$(call objs,$(VMM_SRCS) $(GUEST_SRCS)): $(KSTAMP)

# The project's own tests: no /dev/kvm, no kernel tree.
$(O)/tests/test_runner: $(O)/obj/tests/test_runner.o $(O)/obj/tests/fixture_cases.o $(RUNNER_OBJS)
$(O)/tests/test_report: $(O)/obj/tests/test_report.o $(RUNNER_OBJS)
$(O)/tests/test_xs: $(O)/obj/tests/test_xs.o $(call objs,$(XS_SRCS))
$(O)/tests/test_compat: $(O)/obj/tests/test_compat.o \
	$(call objs,cli/cmd_compat.c cli/cmd_json.c cli/cmd_file.c $(XS_SRCS))
$(O)/tests/test_xs_file: $(O)/obj/tests/test_xs_file.o $(call objs,$(XS_SRCS))
$(O)/tests/%:
	@mkdir -p $(@D)
	$(Q)$(CC) $(XS_LDFLAGS) -o $@ $^ $(LDLIBS)

# The shell tests drive the harness binary itself.
check-tests: $(TESTS) $(O)/xsave-abi
	$(Q)scripts/deps.sh python3 strace
	@XSAVE_ABI=$(abspath $(O))/xsave-abi O=$(O) tests/run-tests.sh $(TESTS) $(TEST_SCRIPTS)

# The state-file parser, compat's report reader and compose's run reader
# under libFuzzer, ASan and UBSan, for FUZZ_SECONDS in all, a third each
# (rounded up: 0 would mean no limit). The corpora start from test_xs_file's
# valid samples and from this host's report and a run's output, and grow
# run by run.
.PHONY: fuzz check-fuzz
FUZZ_SECONDS ?= 20
FUZZ_THIRD = $$((($(FUZZ_SECONDS) + 2) / 3))
FUZZ_CC := clang-14 -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Wno-unused-parameter \
	-D_GNU_SOURCE -I.
FUZZ_RUN = -max_total_time=$(FUZZ_THIRD) -timeout=5 -print_final_stats=1 \
	-artifact_prefix=$(O)/fuzz/
FUZZ_SRCS := tests/fuzz_xs_file.c $(XS_SRCS)
FUZZ_COMPAT_SRCS := tests/fuzz_compat.c cli/cmd_compat.c cli/cmd_json.c \
	cli/cmd_file.c xs/xs.c
FUZZ_RUN_JSON_SRCS := tests/fuzz_run_json.c cli/cmd_run_json.c cli/cmd_json.c \
	$(RUNNER_SRCS)
COMPAT_CORPUS := $(O)/fuzz/compat_corpus
RUN_JSON_CORPUS := $(O)/fuzz/run_json_corpus
$(O)/fuzz/fuzz_xs_file: $(FUZZ_SRCS) tests/xs_samples.h xs/xs.h xs/xs_file.h
	$(Q)scripts/deps.sh clang-14 libclang-rt-14-dev
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -o $@ $(FUZZ_SRCS)
	@echo "  FUZZ    $@"

$(O)/fuzz/fuzz_compat: $(FUZZ_COMPAT_SRCS) cli/cmd.h cli/cmd_json.h xs/xs.h | $(DEPSTAMP)
	$(Q)scripts/deps.sh clang-14 libclang-rt-14-dev
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -o $@ $(FUZZ_COMPAT_SRCS) -ljansson
	@echo "  FUZZ    $@"

$(O)/fuzz/fuzz_run_json: $(FUZZ_RUN_JSON_SRCS) cli/cmd_json.h cli/cmd_run_json.h \
	lib/report.h lib/report_schema.h lib/run.h lib/case.h | $(DEPSTAMP)
	$(Q)scripts/deps.sh clang-14 libclang-rt-14-dev
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -o $@ $(FUZZ_RUN_JSON_SRCS) -ljansson -lcap
	@echo "  FUZZ    $@"

# The run's groups need no /dev/kvm; it exits 4 when they all skip.
fuzz: $(O)/fuzz/fuzz_xs_file $(O)/tests/test_xs_file $(O)/fuzz/fuzz_compat \
	$(O)/fuzz/fuzz_run_json $(O)/xsave-abi
	@mkdir -p $(O)/fuzz/corpus $(COMPAT_CORPUS) $(RUN_JSON_CORPUS)
	$(Q)$(O)/tests/test_xs_file $(O)/fuzz/corpus
	$(Q)$(O)/fuzz/fuzz_xs_file $(FUZZ_RUN) $(O)/fuzz/corpus
	$(Q)$(O)/xsave-abi host --json $(COMPAT_CORPUS)/host.json
	$(Q)rm -f $(COMPAT_CORPUS)/run.json
	$(Q)$(O)/xsave-abi -g ptrace -g sigreturn --seed 1 \
		--json $(COMPAT_CORPUS)/run.json >/dev/null || \
		[ -s $(COMPAT_CORPUS)/run.json ]
	$(Q)$(O)/fuzz/fuzz_compat $(FUZZ_RUN) $(COMPAT_CORPUS)
	$(Q)cp $(COMPAT_CORPUS)/run.json $(RUN_JSON_CORPUS)/run.json
	$(Q)$(O)/fuzz/fuzz_run_json $(FUZZ_RUN) $(RUN_JSON_CORPUS)

check-fuzz: fuzz

# The code must keep building against the newer library (vmm/kcompat.h).
check-612:
	$(Q)scripts/deps.sh linux-source-6.12
	$(Q)$(MAKE) --no-print-directory O=$(O)/k612 KSRC=$(KSRC_612) all

# The suite natively, then in both emulated machines under every kernel,
# with a fixed seed: generated buffers and values are the same on every CI run.
check: check-tests check-fuzz check-612 $(O)/xsave-abi
	O=$(O) ./run.sh --no-build --seed 1
	O=$(O) ./run.sh --vm all --cpu all --seed 1 --json $(O)/vm-results.json --junit $(O)/vm-results.xml
	@tests/parses.sh $(O)/vm-results.json $(O)/vm-results.xml

bench: $(O)/xsave-abi
	@bench/native.sh $(O)/xsave-abi
	@O=$(O) bench/vm.sh all
	@bench/compat_mem.sh $(O)/xsave-abi

clean:
	rm -rf $(O)

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
