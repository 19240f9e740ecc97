// SPDX-License-Identifier: GPL-2.0-only
/* The XSAVE and XCR ioctls of a vCPU (KVM API doc 4.42-4.45, 4.137). */
#include <errno.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/internal.h"

int vmm_get_xsave(struct vmm_vcpu *v, void *buf)
{
	return vmm_vcpu_ioctl(v, KVM_GET_XSAVE, buf);
}

int vmm_set_xsave(struct vmm_vcpu *v, const void *buf)
{
	return vmm_vcpu_ioctl(v, KVM_SET_XSAVE, (void *)buf);
}

/* KVM_GET_XSAVE2 fills vmm_xsave2_size() bytes. */
int vmm_get_xsave2(struct vmm_vcpu *v, void *buf)
{
	if (!vmm_host()->xsave2_size)
		return vmm_failf(ENOTTY, "KVM_GET_XSAVE2: KVM_CAP_XSAVE2 not supported");
	return vmm_vcpu_ioctl(v, KVM_GET_XSAVE2, buf);
}

int vmm_xsave2_size(void)
{
	int n = vmm_host()->xsave2_size;

	return n > XS_KVM_SIZE ? n : XS_KVM_SIZE;
}

int vmm_get_xcr0(struct vmm_vcpu *v, uint64_t *xcr0)
{
	struct kvm_xcrs xcrs;
	uint32_t i;
	int rc;

	memset(&xcrs, 0, sizeof(xcrs));
	rc = vmm_vcpu_ioctl(v, KVM_GET_XCRS, &xcrs);
	if (rc)
		return rc;
	for (i = 0; i < xcrs.nr_xcrs; i++) {
		if (xcrs.xcrs[i].xcr == 0) {
			*xcr0 = xcrs.xcrs[i].value;
			return 0;
		}
	}
	return vmm_failf(ENOENT, "KVM_GET_XCRS: no XCR0 among %u XCRs",
			 xcrs.nr_xcrs);
}

int vmm_set_xcr0(struct vmm_vcpu *v, uint64_t xcr0)
{
	struct kvm_xcrs xcrs;
	int rc;

	memset(&xcrs, 0, sizeof(xcrs));
	xcrs.nr_xcrs = 1;
	xcrs.xcrs[0].xcr = 0;
	xcrs.xcrs[0].value = xcr0;
	rc = vmm_vcpu_ioctl(v, KVM_SET_XCRS, &xcrs);
	if (!rc)
		v->xcr0 = xcr0;
	return rc;
}

/* KVM_CAP_XSAVE2 asked of the VM: the size covers the xfeatures this
 * process holds guest permission for now, not at the host probe. */
int vmm_vcpu_xsave2_size(struct vmm_vcpu *v)
{
	int r = ioctl(v->vm->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2);

	if (r < 0)
		return vmm_fail("KVM_CHECK_EXTENSION(KVM_CAP_XSAVE2)", errno);
	return r > XS_KVM_SIZE ? r : XS_KVM_SIZE;
}

/*
 * Dynamic components (AMX) need the process's permission before its first
 * vCPU exists: KVM locks the guest permissions when it allocates one.
 */
int vmm_guest_perm(int component)
{
	if (syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_GUEST_PERM, component))
		return vmm_failf(errno, "arch_prctl(ARCH_REQ_XCOMP_GUEST_PERM, %d): %s (%s)",
				 component, strerror(errno), vmm_errname(errno));
	return 0;
}

int vmm_guest_perm_get(uint64_t *xfeatures)
{
	if (syscall(SYS_arch_prctl, ARCH_GET_XCOMP_GUEST_PERM, xfeatures))
		return vmm_failf(errno, "arch_prctl(ARCH_GET_XCOMP_GUEST_PERM): %s (%s)",
				 strerror(errno), vmm_errname(errno));
	return 0;
}
