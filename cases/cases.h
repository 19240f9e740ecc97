/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cases/: one file per ABI area, each case a declaration (lib/case.h) with
 * its expected outcome and where that comes from. What every case file
 * includes: the case API, the VMM, the other PKRU writers (task/) and small
 * helpers; no ioctl is made here.
 */
#ifndef CASES_H
#define CASES_H

#include <errno.h>
#include <string.h>

#include "lib/array.h"
#include "lib/case.h"
#include "task/task.h"
#include "vmm/vmm.h"

/* Setup the case builds on: failing is a harness error, not a verdict. */
#define SETUP(expr)							\
	do {								\
		int __rc = (expr);					\
		if (__rc)						\
			run_error("%s:%d: %s", __FILE__, __LINE__,	\
				  vmm_strerror());			\
	} while (0)

/* A call under test that must succeed: failing is a verdict. */
#define EXPECT_OK(expr)							\
	do {								\
		int __rc = (expr);					\
		if (__rc)						\
			run_fail("%s:%d: %s", __FILE__, __LINE__,	\
				 vmm_strerror());			\
	} while (0)

/* A step of a guest sequence (vmm_guest_seq()): STEP(WRPKRU, value). */
#define STEP(op_, arg_) { .op = GUEST_OP_##op_, .arg = (arg_) }

#define NEED_GUEST (RUN_NEED_KVM | RUN_NEED_GUEST_XSAVE)
#define NEED_PKU (NEED_GUEST | RUN_NEED_GUEST_PKU)

struct xs_state {
	uint8_t b[XS_KVM_SIZE] __attribute__((aligned(64)));
};

const struct xs_layout *case_layout(void);
struct vmm_vm *case_vm(unsigned int nr_vcpus, bool start);
void case_get(struct vmm_vcpu *v, struct xs_state *s);
void case_set(struct vmm_vcpu *v, const struct xs_state *s);
void case_expect_buf(const void *want, const void *got, size_t size,
		     uint64_t mask, const char *what);
void case_expect_components(const struct xs_state *want,
			    const struct xs_state *got, uint64_t mask,
			    const char *what);
void case_expect_same(const struct xs_state *before, const struct xs_state *now,
		      const char *what);
void case_guest_xsave(struct vmm_vcpu *v, struct xs_state *s);
uint32_t case_guest_pkru(struct vmm_vcpu *v);
void case_observe_pkru(uint32_t before, uint32_t written, uint32_t after);
void case_pkru_values(uint32_t *v, int n);
void case_set_pkru(struct vmm_vcpu *v, bool bit9, uint32_t pkru);
void case_set_xfeatures(struct vmm_vcpu *v, uint64_t xf);
void case_need_amx(void);
struct vmm_vm *case_vm_amx(int *size, uint8_t **buf);

#endif
