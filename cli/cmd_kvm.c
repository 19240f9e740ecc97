// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one message for a /dev/kvm this binary cannot use, with its fix, and
 * the exact reason a case's requirement is not met.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd_common.h"
#include "lib/case.h"
#include "vmm/host.h"
#include "vmm/vmm.h"

/* An unusable /dev/kvm is the user's to fix, never a silent skip. */
static int kvm_access_error(const char *prog, const struct vmm_host *h)
{
	struct passwd *pw = getpwuid(h->kvm_uid);
	struct group *gr = getgrgid(h->kvm_gid);
	bool group_rw = (h->kvm_mode & 060) == 060 && h->kvm_gid != 0 && gr;

	fprintf(stderr,
		"%s: cannot open /dev/kvm: %s\n"
		"  /dev/kvm has mode %04o, owner %s, group %s; this process runs as uid %d\n",
		prog, strerror(h->kvm_errno), h->kvm_mode & 07777,
		pw ? pw->pw_name : "?", gr ? gr->gr_name : "?", (int)getuid());
	if (group_rw)
		fprintf(stderr, "  fix: add the user to group %s (usermod -aG %s USER, "
			"then log in again)\n", gr->gr_name, gr->gr_name);
	else
		fprintf(stderr, "  fix: give the device to group kvm with a udev rule, in "
			"/etc/udev/rules.d/65-kvm.rules:\n"
			"    KERNEL==\"kvm\", GROUP=\"kvm\", MODE=\"0660\"\n"
			"  then add the user to group kvm (usermod -aG kvm USER) and log in again\n");
	return 2;
}

int cmd_need_kvm(const char *prog)
{
	const struct vmm_host *h = vmm_host();
	const char *why;

	if (h->kvm == VMM_KVM_ABSENT) {
		fprintf(stderr, "%s: /dev/kvm not present\n", prog);
		return 2;
	}
	if (h->kvm == VMM_KVM_NO_ACCESS)
		return kvm_access_error(prog, h);
	why = vmm_lib_unsupported(h);
	if (why) {
		fprintf(stderr, "%s: %s\n", prog, why);
		return 2;
	}
	return 0;
}

const char *cmd_unmet(unsigned int needs)
{
	const struct vmm_host *h = vmm_host();
	static char why[256];

	if ((needs & RUN_NEED_HOST_PKU) && !h->host_pku)
		return "host CPU has no PKU (CPUID 7.0:ECX[3] clear)";
	if ((needs & RUN_NEED_HOST_PKU) && !h->host_ospke)
		return "host kernel has not enabled PKU (CPUID 7.0:ECX[4] OSPKE clear)";
	if (!(needs & ~RUN_NEED_HOST_PKU))
		return NULL;
	if (h->kvm != VMM_KVM_OK)
		return "/dev/kvm not present";
	if ((needs & RUN_NEED_GUEST_XSAVE) && !h->guest_xsave)
		return "guest XSAVE unusable: KVM does not offer it "
		       "(KVM_GET_SUPPORTED_CPUID 1:ECX[26] clear)";
	if ((needs & RUN_NEED_GUEST_PKU) && !h->guest_pku)
		return "KVM does not offer PKU to guests "
		       "(KVM_GET_SUPPORTED_CPUID 7.0:ECX[3] clear)";
	if ((needs & RUN_NEED_XSAVE2) && !h->xsave2_size)
		return vmm_kernel_before(h, 5, 17, 0) ?
		       "KVM_CAP_XSAVE2 not offered: the kernel predates 5.17, whose "
		       "be50b2065dfa (\"kvm: x86: Add support for getting/setting "
		       "expanded xstate buffer\") added it" :
		       "KVM_CAP_XSAVE2 not supported (KVM_CHECK_EXTENSION returned 0)";
	if ((needs & RUN_NEED_XCOMP_SUPP) && h->xcomp_err) {
		snprintf(why, sizeof(why), "KVM_GET_DEVICE_ATTR(KVM_X86_XCOMP_GUEST_SUPP)"
			 " on /dev/kvm failed: %s", vmm_errname(h->xcomp_err));
		return why;
	}
	return NULL;
}
