# SPDX-License-Identifier: GPL-2.0-only
# Build libkvm.a from an extracted kernel tree's tools/testing/selftests/kvm/lib.
# The kernel has no such target; this is the project's own rule.
# Invoked by the top Makefile as: make -f mk/libkvm.mk K=TREE OUT=DIR
include mk/kflags.mk

LIBDIR := $(KVMDIR)/lib
# Every tree's LIBKVM list (5.10 to 7.x) is exactly lib/*.c plus the x86
# folder's files: lib/x86_64/ until 6.13, lib/x86/ after.
SRCS := $(filter-out %/string_override.c,$(wildcard $(LIBDIR)/*.c)) \
	$(wildcard $(LIBDIR)/x86_64/*.c $(LIBDIR)/x86_64/*.S) \
	$(wildcard $(LIBDIR)/x86/*.c $(LIBDIR)/x86/*.S)
# Two sources are both called memstress.c (perf_test_util.c in 6.1):
# name objects after their folder.
obj = $(OUT)/$(subst /,_,$(patsubst $(LIBDIR)/%,%,$(basename $(1)))).o
# Older trees (5.10) have no string_override.c, nor does their own build.
STRING := $(wildcard $(LIBDIR)/string_override.c)
OBJS := $(foreach s,$(SRCS),$(call obj,$(s))) $(if $(STRING),$(OUT)/string_override.o)

$(OUT)/libkvm.a: $(OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

# A tree extracted again keeps its tarball's old mtimes: .kversion, written at
# each extraction, is what makes its objects newer than the last tree's.
define compile
$(call obj,$(1)): $(1) $(K)/.kversion
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(KCFLAGS) -I$$(<D) -c $$< -o $$@
endef
$(foreach s,$(SRCS),$(eval $(call compile,$(s))))

# Guest code calls these; they must not become the libc's SSE versions.
$(OUT)/string_override.o: $(LIBDIR)/string_override.c $(K)/.kversion
	@mkdir -p $(@D)
	$(Q)$(CC) $(KCFLAGS) -ffreestanding -c $< -o $@

-include $(OBJS:.o=.d)
