// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host probe: CPU identity and XSAVE layout from CPUID, and what KVM
 * offers guests, through raw system ioctls on /dev/kvm (the library would
 * exit on the first failure; the runner must report it instead).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "vmm/internal.h"

#define KVM_DEV "/dev/kvm"
#ifndef KVM_CAP_USER_MEMORY2
#define KVM_CAP_USER_MEMORY2 231
#endif

static struct vmm_host host_info;
static bool host_probed;

static void host_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__cpuid(leaf, sub, &r[0], &r[1], &r[2], &r[3]);
}

static uint64_t xgetbv0(void)
{
	uint32_t eax, edx;

	asm volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax | ((uint64_t)edx << 32);
}

/* The MXCSR bits this CPU accepts, as the kernel finds them (FXSAVE's
 * MXCSR_MASK, 0 standing for the default: SDM Vol. 1, 11.6.6). */
static uint32_t mxcsr_mask(void)
{
	uint8_t area[512] __attribute__((aligned(16))) = { 0 };
	uint32_t m;

	asm volatile("fxsave %0" : "=m"(area));
	memcpy(&m, area + 28, sizeof(m));
	return m ? m : XS_MXCSR_MASK_DEFAULT;
}

static void probe_cpu(struct vmm_host *h)
{
	uint32_t r[4], max, fam;
	uint64_t mask;
	int i;

	host_cpuid(0, 0, r);
	max = r[0];
	memcpy(h->vendor, &r[1], 4);
	memcpy(h->vendor + 4, &r[3], 4);
	memcpy(h->vendor + 8, &r[2], 4);
	host_cpuid(1, 0, r);
	fam = (r[0] >> 8) & 0xf;
	h->family = fam == 0xf ? fam + ((r[0] >> 20) & 0xff) : fam;
	h->model = ((r[0] >> 4) & 0xf) | (fam >= 6 ? ((r[0] >> 16) & 0xf) << 4 : 0);
	h->stepping = r[0] & 0xf;
	h->mxcsr_mask = mxcsr_mask();
	h->host_xsave = this_cpu_has(X86_FEATURE_XSAVE);
	if (this_cpu_has(X86_FEATURE_OSXSAVE))	/* XGETBV is usable */
		h->host_xcr0 = xgetbv0();
	if (max >= 7) {
		host_cpuid(7, 0, r);
		h->host_pku = this_cpu_has(X86_FEATURE_PKU);
		h->host_ospke = this_cpu_has(X86_FEATURE_OSPKE);
	}
	xs_layout_init(&h->layout);
	if (!h->host_xsave || max < 0xd)
		return;
	host_cpuid(0xd, 0, r);
	mask = r[0] | ((uint64_t)r[3] << 32);
	host_cpuid(0xd, 1, r);
	h->host_xfd = r[0] & (1u << 4);
	h->host_xsaves = r[0] & (1u << 3);
	mask |= r[2] | ((uint64_t)r[3] << 32);	/* supervisor components */
	for (i = 2; i < XS_NCOMP; i++) {
		if (!(mask & XS_BIT(i)))
			continue;
		host_cpuid(0xd, i, r);
		xs_layout_add(&h->layout, i, r[0], r[1], r[2]);
		if (r[2] & (1u << 2))	/* XFD covers this component */
			h->xfd_xfeatures |= XS_BIT(i);
	}
}

static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	struct kvm_cpuid2 *c = NULL;
	int nent = 128;

	for (;;) {
		free(c);
		c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			return NULL;
		c->nent = nent;
		if (!ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c))
			return c;
		if (errno != E2BIG || nent >= 4096) {
			vmm_fail("KVM_GET_SUPPORTED_CPUID", errno);
			free(c);
			return NULL;
		}
		nent *= 2;
	}
}

static const struct kvm_cpuid_entry2 *entry(const struct kvm_cpuid2 *c,
					    uint32_t fn, uint32_t idx)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn && c->entries[i].index == idx)
			return &c->entries[i];
	return NULL;
}

static void probe_guest_cpuid(struct vmm_host *h, const struct kvm_cpuid2 *c)
{
	const struct kvm_cpuid_entry2 *e;
	int i;

	h->guest_xsave = kvm_cpuid_has(c, X86_FEATURE_XSAVE);
	h->guest_pku = kvm_cpuid_has(c, X86_FEATURE_PKU);
	xs_layout_init(&h->kvm_layout);
	e = entry(c, 0xd, 0);
	if (!e)
		return;
	h->kvm_xcr0 = e->eax | ((uint64_t)e->edx << 32);
	for (i = 2; i < XS_NCOMP; i++) {
		e = entry(c, 0xd, i);
		if ((h->kvm_xcr0 & XS_BIT(i)) && e)
			xs_layout_add(&h->kvm_layout, i, e->eax, e->ebx, e->ecx);
	}
}

static void probe_kvm_module(struct vmm_host *h)
{
	DIR *d = opendir("/sys/module");
	struct dirent *de;
	size_t n = 0;

	strcpy(h->kvm_module, "unknown");
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "kvm_", 4) || n + strlen(de->d_name) + 2 >=
		    sizeof(h->kvm_module))
			continue;
		n += snprintf(h->kvm_module + n, sizeof(h->kvm_module) - n, "%s%s",
			      n ? "," : "", de->d_name);
	}
	closedir(d);
}

static void probe_kvm(struct vmm_host *h)
{
	struct kvm_cpuid2 *c;
	struct kvm_device_attr attr = {
		.group = 0,
		.attr = KVM_X86_XCOMP_GUEST_SUPP,
		.addr = (uintptr_t)&h->xcomp_guest_supp,
	};
	struct stat st;
	int fd, r;

	if (stat(KVM_DEV, &st)) {
		h->kvm = VMM_KVM_ABSENT;
		h->kvm_errno = errno;
		return;
	}
	h->kvm_mode = st.st_mode;
	h->kvm_uid = st.st_uid;
	h->kvm_gid = st.st_gid;
	fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		h->kvm = VMM_KVM_NO_ACCESS;
		h->kvm_errno = errno;
		return;
	}
	h->kvm = VMM_KVM_OK;
	probe_kvm_module(h);
	h->api_version = ioctl(fd, KVM_GET_API_VERSION, 0);
	r = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2);
	h->xsave2_size = r > 0 ? r : 0;
	h->user_memory2 = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY2) > 0;
	h->xcomp_err = ioctl(fd, KVM_GET_DEVICE_ATTR, &attr) ? errno : 0;
	c = supported_cpuid(fd);
	if (c)
		probe_guest_cpuid(h, c);
	free(c);
	close(fd);
}

static void probe_caps(struct vmm_host *h)
{
	cap_t caps = cap_get_proc();
	char *txt = caps ? cap_to_text(caps, NULL) : NULL;

	snprintf(h->caps, sizeof(h->caps), "%s", txt ? txt : "unknown");
	cap_free(txt);
	cap_free(caps);
}

void vmm_host_probe(struct vmm_host *h)
{
	struct utsname u;

	memset(h, 0, sizeof(*h));
	if (!uname(&u)) {
		snprintf(h->release, sizeof(h->release), "%s", u.release);
		snprintf(h->version, sizeof(h->version), "%s", u.version);
	}
	h->kv = vmm_kv_parse(h->release, h->version);
	probe_cpu(h);
	probe_kvm(h);
	probe_caps(h);
	if (h != &host_info) {
		host_info = *h;
		host_probed = true;
	}
}

const struct vmm_host *vmm_host(void)
{
	if (!host_probed)
		vmm_host_probe(&host_info);
	host_probed = true;
	return &host_info;
}

uint64_t vmm_vcpu_xcr0(const struct vmm_host *h)
{
	return h->kvm_xcr0 & h->kvm_layout.xfeatures;
}

const char *vmm_ktree(void)
{
	return VMM_KTREE;
}

/*
 * Libraries from 6.8 on create every memslot with
 * KVM_SET_USER_MEMORY_REGION2 and skip everything on older kernels; say
 * so once instead of skipping every case.
 */
const char *vmm_lib_unsupported(const struct vmm_host *h)
{
#ifdef KVM_SET_USER_MEMORY_REGION2
	static char why[512];

	if (h->kvm == VMM_KVM_OK && !h->user_memory2) {
		snprintf(why, sizeof(why),
			 "this binary was built from the KVM selftests library of "
			 "kernel tree %s, which needs KVM_SET_USER_MEMORY_REGION2 "
			 "(kernel 6.8 and later); kernel %s lacks it. Rebuild from the "
			 "default tree (linux-source-6.1): make clean && make",
			 VMM_KTREE, h->release);
		return why;
	}
#endif
	return NULL;
}
