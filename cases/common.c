// SPDX-License-Identifier: GPL-2.0-only
/* Helpers the case files share; every ioctl goes through vmm/. */
#include <stdio.h>
#include <stdlib.h>

#include "cases/cases.h"

const struct xs_layout *case_layout(void)
{
	return &vmm_host()->layout;
}

struct vmm_vm *case_vm(unsigned int nr_vcpus, bool start)
{
	struct vmm_vm *vm = vmm_vm_create(nr_vcpus);
	unsigned int i;

	if (!vm)
		run_error("creating a VM with %u vCPU(s): %s", nr_vcpus,
			  vmm_strerror());
	for (i = 0; start && i < nr_vcpus; i++)
		SETUP(vmm_start(vmm_vcpu(vm, i)));
	return vm;
}

void case_get(struct vmm_vcpu *v, struct xs_state *s)
{
	EXPECT_OK(vmm_get_xsave(v, s->b));
}

void case_set(struct vmm_vcpu *v, const struct xs_state *s)
{
	EXPECT_OK(vmm_set_xsave(v, s->b));
}

/* Fail, naming each differing component and offset, unless the components
 * of mask (everything when ~0) are identical in the two size-byte images. */
void case_expect_buf(const void *want, const void *got, size_t size,
		     uint64_t mask, const char *what)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int n;

	if (!f)
		run_error("open_memstream: %s", strerror(errno));
	n = xs_diff(case_layout(), want, got, size, mask, f);
	fclose(f);
	if (n)
		run_fail("%s: %d difference(s): %s", what, n, text);
	free(text);
}

void case_expect_components(const struct xs_state *want,
			    const struct xs_state *got, uint64_t mask,
			    const char *what)
{
	case_expect_buf(want->b, got->b, XS_KVM_SIZE, mask, what);
}

void case_expect_same(const struct xs_state *before, const struct xs_state *now,
		      const char *what)
{
	case_expect_components(before, now, ~0ULL, what);
}

/* The guest's own view of its state: XSAVE of everything in its XCR0. */
void case_guest_xsave(struct vmm_vcpu *v, struct xs_state *s)
{
	SETUP(vmm_guest_xsave(v, vmm_guest_xcr0(v), s->b, sizeof(s->b)));
}

uint32_t case_guest_pkru(struct vmm_vcpu *v)
{
	uint32_t pkru;

	SETUP(vmm_guest_rdpkru(v, &pkru));
	return pkru;
}

/*
 * The PKRU matrix word for a write of value written over before (three
 * distinct values, none 0): applied, untouched, init (0, like XRSTOR with
 * the bit clear) or the value seen.
 */
void case_observe_pkru(uint32_t before, uint32_t written, uint32_t after)
{
	if (after == written)
		run_observe("applied");
	else if (after == before)
		run_observe("untouched");
	else if (after == 0)
		run_observe("init");
	else
		run_observe("other: 0x%x", after);
}

/* n distinct PKRU test values for this run's seed (xs_pkru_pattern()). */
void case_pkru_values(uint32_t *v, int n)
{
	uint64_t seed = run_seed();
	int i = 0, j;

	while (i < n) {
		v[i] = xs_pkru_pattern(seed++);
		for (j = 0; j < i && v[j] != v[i]; j++)
			;
		if (j == i)
			i++;
	}
}

/* KVM_SET_XSAVE of the vCPU's own state with PKRU's slot and bit 9 changed. */
void case_set_pkru(struct vmm_vcpu *v, bool bit9, uint32_t pkru)
{
	struct xs_state s;

	case_get(v, &s);
	SETUP(xs_put_pkru(case_layout(), s.b, sizeof(s.b), bit9, pkru));
	case_set(v, &s);
}

/* Skips unless KVM offers AMX's two components to guests. */
void case_need_amx(void)
{
	const struct vmm_host *h = vmm_host();

	if ((h->layout.xfeatures & XS_AMX) != XS_AMX)
		run_skip("host CPU has no AMX (CPUID.(EAX=0xD,ECX=0):EAX[18:17] "
			 "not both set)");
	if (h->xcomp_err || (h->xcomp_guest_supp & XS_AMX) != XS_AMX)
		run_skip("KVM does not offer AMX TILECFG and TILEDATA to guests "
			 "(KVM_X86_XCOMP_GUEST_SUPP bits 17-18 clear or unavailable)");
}

/*
 * A one-vCPU VM, not started, whose CPUID and XCR0 have AMX (TILECFG and
 * TILEDATA) beside what KVM offers: guest permission first, then
 * KVM_SET_CPUID2 resizes the vCPU's XSAVE state. *size: its
 * KVM_CAP_XSAVE2 size, and *buf a zeroed buffer of that size.
 */
struct vmm_vm *case_vm_amx(int *size, uint8_t **buf)
{
	struct vmm_vm *vm;
	struct vmm_vcpu *v;

	SETUP(vmm_guest_perm(XS_TILEDATA));
	vm = case_vm(1, false);
	v = vmm_vcpu(vm, 0);
	case_set_xfeatures(v, vmm_host()->kvm_xcr0 | XS_AMX);
	SETUP(vmm_set_xcr0(v, vmm_guest_xcr0(v) | XS_AMX));
	*size = vmm_vcpu_xsave2_size(v);
	if (*size < 0)
		run_error("%s", vmm_strerror());
	*buf = calloc(1, *size);
	if (!*buf)
		run_error("calloc(%d): %s", *size, strerror(errno));
	return vm;
}

/* The vCPU's CPUID xfeatures set to xf; a KVM that keeps its own CPUID
 * cannot run the case at all. */
void case_set_xfeatures(struct vmm_vcpu *v, uint64_t xf)
{
	int rc = vmm_vcpu_set_xfeatures(v, xf);

	if (rc == -EOPNOTSUPP)
		run_skip("%s", vmm_strerror());
	SETUP(rc);
}
