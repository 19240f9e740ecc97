// SPDX-License-Identifier: GPL-2.0-only
/*
 * One vCPU's XSAVE state into and out of a state file (xs/xs_file.h), for
 * migration across processes, hosts and kernels. The pattern is put in by
 * the guest's own XRSTOR where KVM lets guests use XSAVE, else by
 * KVM_SET_XSAVE from the host; either way the file holds what
 * KVM_GET_XSAVE then returns.
 */
#include <errno.h>
#include <string.h>

#include "vmm/internal.h"
#include "vmm/state.h"

static void describe_host(struct xs_file *f)
{
	const struct vmm_host *h = vmm_host();

	snprintf(f->release, sizeof(f->release), "%s", h->release);
	snprintf(f->vendor, sizeof(f->vendor), "%s", h->vendor);
	f->family = h->family;
	f->model = h->model;
	f->stepping = h->stepping;
	f->kvm_xcr0 = h->kvm_xcr0;
	f->xsave2_size = h->xsave2_size;
	f->layout = h->layout;
}

/*
 * The seeded pattern, every component of the vCPU's XCR0, into vCPU v: by
 * the guest itself when it can XRSTOR, else by KVM_SET_XSAVE.
 */
static int fill(struct vmm_vcpu *v, uint64_t seed, uint64_t *xcr0, bool *by_guest)
{
	static uint8_t buf[XS_KVM_SIZE] __attribute__((aligned(64)));
	int rc = vmm_get_xcr0(v, xcr0);

	if (rc)
		return rc;
	memset(buf, 0, sizeof(buf));
	rc = xs_gen_full(&vmm_host()->layout, buf, sizeof(buf), *xcr0, seed);
	if (rc)
		return vmm_failf(-rc, "xs_gen_full: cannot build the pattern");
	*by_guest = vmm_host()->guest_xsave;
	if (!*by_guest)
		return vmm_set_xsave(v, buf);
	rc = vmm_start(v);
	if (!rc)
		rc = vmm_guest_xrstor(v, *xcr0, buf, sizeof(buf));
	return rc > 0 ? vmm_failf(EFAULT, "guest XRSTOR of the pattern: vector %d", rc) : rc;
}

static struct vmm_vcpu *one_vcpu(struct vmm_vm **vm)
{
	*vm = vmm_vm_create(1);
	return *vm ? vmm_vcpu(*vm, 0) : NULL;
}

int vmm_state_capture(struct xs_file *f, uint64_t seed, uint64_t xcr0_mask,
		      bool *by_guest)
{
	struct vmm_vm *vm;
	struct vmm_vcpu *v = one_vcpu(&vm);
	uint64_t xcr0;
	int rc;

	if (!v)
		return -EIO;
	rc = vmm_get_xcr0(v, &xcr0);
	if (!rc && (xcr0 & xcr0_mask) != xcr0)
		rc = vmm_set_xcr0(v, xcr0 & xcr0_mask);
	if (rc) {
		vmm_vm_free(vm);
		return rc;
	}
	memset(f, 0, sizeof(*f));
	describe_host(f);
	f->seed = seed;
	rc = fill(v, seed, &f->xcr0, by_guest);
	if (!rc)
		rc = vmm_get_xsave(v, f->blob);
	vmm_vm_free(vm);
	if (rc)
		return rc;
	f->blob_size = XS_KVM_SIZE;
	f->nxcrs = 1;
	f->xcrs[0].index = 0;
	f->xcrs[0].value = f->xcr0;
	return 0;
}

/*
 * What a restored vCPU shows: KVM_GET_XSAVE (host) and, where guests may
 * use XSAVE, the guest's own XSAVE with RFBM = its XCR0 (guest).
 */
int vmm_state_restore(const void *buf, uint64_t xcr0, struct vmm_state_view *out)
{
	struct vmm_vm *vm;
	struct vmm_vcpu *v = one_vcpu(&vm);
	int rc;

	if (!v)
		return -EIO;
	memset(out, 0, sizeof(*out));
	out->by_guest = vmm_host()->guest_xsave;
	rc = vmm_set_xcr0(v, xcr0);
	if (!rc && out->by_guest)
		rc = vmm_start(v);
	if (!rc)
		rc = vmm_set_xsave(v, buf);
	if (!rc)
		rc = vmm_get_xsave(v, out->host);
	if (!rc && out->by_guest)
		rc = vmm_guest_xsave(v, xcr0, out->guest, sizeof(out->guest));
	vmm_vm_free(vm);
	return rc > 0 ? vmm_failf(EFAULT, "guest XSAVE: vector %d", rc) : rc;
}
