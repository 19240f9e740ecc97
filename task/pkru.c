// SPDX-License-Identifier: GPL-2.0-only
/*
 * The calling thread's own PKRU (SDM Vol. 2, RDPKRU/WRPKRU). Both fault
 * with #UD unless the kernel set CR4.PKE (CPUID 7.0:ECX[4] OSPKE), so they
 * check first. WRPKRU keeps access to key 0 up to the caller: a value with
 * bits 0-1 set makes the thread's own memory unreadable.
 */
#include <errno.h>

#include "task/task.h"
#include "vmm/vmm.h"

int task_rdpkru(uint32_t *pkru)
{
	uint32_t eax, edx;

	if (!vmm_host()->host_ospke)
		return vmm_fail("RDPKRU (host OSPKE clear)", EOPNOTSUPP);
	asm volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	*pkru = eax;
	return 0;
}

int task_wrpkru(uint32_t pkru)
{
	if (!vmm_host()->host_ospke)
		return vmm_fail("WRPKRU (host OSPKE clear)", EOPNOTSUPP);
	asm volatile(".byte 0x0f, 0x01, 0xef" : : "a"(pkru), "c"(0), "d"(0) : "memory");
	return 0;
}
