# SPDX-License-Identifier: GPL-2.0-only
# The L2 guest payload (l2/ -> $(O)/l2/l2.elf), the QEMU driver (qemu/ ->
# $(QEMU_OBJS)) and tests/test_qemu. Standalone:
#   make -f mk/l2.mk O=DIR       DIR/l2/l2.elf and DIR/tests/test_qemu
# or included by the top-level Makefile, after XS_CFLAGS, XS_LDFLAGS and
# LDLIBS, which the driver and the test are then built with.
O ?= build
Q ?= @
L2_STANDALONE := $(filter mk/l2.mk,$(firstword $(MAKEFILE_LIST)))
L2_PREV_GOAL := $(.DEFAULT_GOAL)
CC ?= gcc

ifeq ($(origin XS_CFLAGS),undefined)
XS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -MMD -MP \
	-D_GNU_SOURCE -fno-PIE -fno-stack-protector -I. $(CFLAGS)
XS_LDFLAGS := -no-pie -pthread $(LDFLAGS)
LDLIBS := -ljansson
endif

# The payload runs with nothing under it: no libc, no red zone (NMIs
# arrive on our stack), and no x87/SSE/AVX in compiled code, which would
# overwrite the very registers the guest checks.
L2_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -MMD -MP -m64 -ffreestanding \
	-fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -nostdlib \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -I.
L2_SRCS := $(wildcard l2/*.c l2/*.S)
L2_OBJS := $(patsubst l2/%,$(O)/l2/obj/%.o,$(L2_SRCS))
L2_ELF := $(O)/l2/l2.elf

QEMU_SRCS := $(wildcard qemu/*.c)
QEMU_OBJS := $(patsubst qemu/%.c,$(O)/qemu/obj/%.o,$(QEMU_SRCS))
TEST_QEMU := $(O)/tests/test_qemu

.PHONY: l2 test-qemu
l2: $(L2_ELF) $(TEST_QEMU)

$(L2_ELF): $(L2_OBJS) l2/l2.ld
	$(Q)$(LD) -T l2/l2.ld -nostdlib -static --build-id=none -z noexecstack \
		-o $@ $(L2_OBJS)
	@echo "  LD      $@"

$(O)/l2/obj/%.o: l2/%
	@mkdir -p $(@D)
	$(Q)$(CC) $(L2_CFLAGS) -c $< -o $@
	@echo "  CC      $<"

$(O)/qemu/obj/%.o: qemu/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(XS_CFLAGS) -c $< -o $@
	@echo "  CC      $<"

# The test finds the payload where this build put it (XSAVE_ABI_L2 overrides).
$(O)/qemu/obj/test_qemu.o: tests/test_qemu.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(XS_CFLAGS) -DL2_ELF_DEFAULT='"$(abspath $(L2_ELF))"' -c $< -o $@
	@echo "  CC      $<"

$(TEST_QEMU): $(O)/qemu/obj/test_qemu.o $(QEMU_OBJS) | $(L2_ELF)
	@mkdir -p $(@D)
	$(Q)$(CC) $(XS_LDFLAGS) -o $@ $^ $(LDLIBS)
	@echo "  LD      $@"

# Under TCG, so it runs on any host: make -f mk/l2.mk O=DIR test-qemu
test-qemu: $(TEST_QEMU)
	$(Q)$(TEST_QEMU)

-include $(wildcard $(O)/l2/obj/*.d $(O)/qemu/obj/*.d)

# Included before the top-level's first target: that stays the default.
ifeq ($(L2_STANDALONE),)
.DEFAULT_GOAL := $(L2_PREV_GOAL)
endif
