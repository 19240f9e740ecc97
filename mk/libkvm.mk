# SPDX-License-Identifier: GPL-2.0-only
# Build libkvm.a from an extracted kernel tree's tools/testing/selftests/kvm/lib.
# The kernel has no such target; this is the project's own rule.
# Invoked by the top Makefile as: make -f mk/libkvm.mk K=TREE OUT=DIR
include mk/kflags.mk

LIBDIR := $(KVMDIR)/lib
SRCS := $(filter-out %/string_override.c,$(wildcard $(LIBDIR)/*.c)) \
	$(wildcard $(LIBDIR)/x86_64/*.c $(LIBDIR)/x86_64/*.S)
# Two sources are both called memstress.c (perf_test_util.c in 6.1):
# name objects after their folder.
obj = $(OUT)/$(subst /,_,$(patsubst $(LIBDIR)/%,%,$(basename $(1)))).o
OBJS := $(foreach s,$(SRCS),$(call obj,$(s))) $(OUT)/string_override.o

$(OUT)/libkvm.a: $(OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

define compile
$(call obj,$(1)): $(1)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(KCFLAGS) -I$$(<D) -c $$< -o $$@
endef
$(foreach s,$(SRCS),$(eval $(call compile,$(s))))

# Guest code calls these; they must not become the libc's SSE versions.
$(OUT)/string_override.o: $(LIBDIR)/string_override.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(KCFLAGS) -ffreestanding -c $< -o $@

-include $(OBJS:.o=.d)
