// SPDX-License-Identifier: GPL-2.0-only
/* Workarounds for libkvm-selftests versions, kept out of the VMM proper. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/internal.h"

static bool is_exe(int fd, const char *exe)
{
	char path[64], target[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, exe);
}

/*
 * The 6.1 library's elfhdr_get() and kvm_vm_elf_load() open the binary and
 * never close it (later trees close it): two descriptors per VM. Mark the
 * descriptors open on the binary before a VM is created, then close the
 * new ones after.
 */
void kcompat_elf_fds(bool *mark, bool close_new)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	DIR *d;
	struct dirent *de;
	int fd;

	if (n <= 0 || !(d = opendir("/proc/self/fd")))
		return;
	exe[n] = '\0';
	while ((de = readdir(d))) {
		fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd >= KCOMPAT_MAX_FD || fd == dirfd(d) ||
		    !is_exe(fd, exe))
			continue;
		if (!close_new)
			mark[fd] = true;
		else if (!mark[fd])
			close(fd);
	}
	closedir(d);
}

/*
 * 5.10's KVM_GET_MSR_INDEX_LIST lists MSRs that KVM_GET_MSRS then refuses
 * for this vCPU (on AMD: Intel's PMU and feature-control MSRs), which the
 * 6.1 library's vcpu_save_state() asserts on.
 * Drop them from the library's cached list (its own heap copy), as a VMM
 * saves only the MSRs it can read; on later kernels nothing is dropped.
 */
void kcompat_saveable_msrs(struct vmm_vcpu *v)
{
	struct kvm_msr_list *list = (struct kvm_msr_list *)kvm_get_msr_index_list();
	uint32_t i, n = 0;
	uint64_t val;

	for (i = 0; i < list->nmsrs; i++)
		if (!vmm_get_msr(v, list->indices[i], &val))
			list->indices[n++] = list->indices[i];
	list->nmsrs = n;
}
