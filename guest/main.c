// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest payload. Every operation runs under the library's exception
 * fixup, so a #UD or #GP comes back to the host as a vector instead of
 * killing the guest. No libc and no SSE here (-mgeneral-regs-only): the
 * guest must touch extended state only where an operation says so.
 */
#include "kvm_util.h"
#include "processor.h"

#include "vmm/compat.h"
#include "guest/guest.h"

static uint8_t op_rdpkru(uint64_t *ret)
{
	uint32_t eax, edx;
	uint8_t vec;
	COMPAT_SAFE_DECL;

	asm volatile(KVM_ASM_SAFE(".byte 0x0f, 0x01, 0xee")	/* rdpkru */
		     : "=a"(eax), "=d"(edx), COMPAT_SAFE_OUTPUTS(vec)
		     : "c"(0)
		     : KVM_ASM_SAFE_CLOBBERS);
	*ret = eax;
	return vec;
}

static uint8_t op_wrpkru(uint32_t pkru)
{
	return kvm_asm_safe(".byte 0x0f, 0x01, 0xef",		/* wrpkru */
			    "a"(pkru), "c"(0), "d"(0));
}

static uint8_t op_xsave(void *area, uint64_t rfbm)
{
	return kvm_asm_safe("xsave64 (%%rdi)", "D"(area),
			    "a"((uint32_t)rfbm), "d"((uint32_t)(rfbm >> 32)));
}

static uint8_t op_xrstor(void *area, uint64_t rfbm)
{
	return kvm_asm_safe("xrstor64 (%%rdi)", "D"(area),
			    "a"((uint32_t)rfbm), "d"((uint32_t)(rfbm >> 32)));
}

static uint8_t op_xgetbv(uint32_t index, uint64_t *ret)
{
	uint32_t eax, edx;
	uint8_t vec;
	COMPAT_SAFE_DECL;

	asm volatile(KVM_ASM_SAFE("xgetbv")
		     : "=a"(eax), "=d"(edx), COMPAT_SAFE_OUTPUTS(vec)
		     : "c"(index)
		     : KVM_ASM_SAFE_CLOBBERS);
	*ret = eax | ((uint64_t)edx << 32);
	return vec;
}

static uint8_t op_xsetbv(uint64_t xcr0)
{
	return kvm_asm_safe("xsetbv", "a"((uint32_t)xcr0),
			    "d"((uint32_t)(xcr0 >> 32)), "c"(0));
}

/* Only bits the vCPU's CPUID allows are ever asked for: no fixup needed. */
static uint8_t op_cr4_set(uint64_t bits, uint64_t *ret)
{
	set_cr4(get_cr4() | bits);
	*ret = get_cr4();
	return 0;
}

static uint8_t guest_do(struct guest_mbox *mb)
{
	switch (mb->op) {
	case GUEST_OP_RDPKRU:
		return op_rdpkru(&mb->ret);
	case GUEST_OP_WRPKRU:
		return op_wrpkru((uint32_t)mb->arg);
	case GUEST_OP_XSAVE:
		return op_xsave(mb->area, mb->arg);
	case GUEST_OP_XRSTOR:
		return op_xrstor(mb->area, mb->arg);
	case GUEST_OP_XGETBV:
		return op_xgetbv((uint32_t)mb->arg, &mb->ret);
	case GUEST_OP_XSETBV:
		return op_xsetbv(mb->arg);
	case GUEST_OP_CR4_SET:
		return op_cr4_set(mb->arg, &mb->ret);
	default:
		return 0;
	}
}

/* Serve the host until the VM is torn down. */
void guest_main(struct guest_mbox *mb)
{
	for (;;) {
		ucall(UCALL_SYNC, 1, mb->count);
		mb->vector = guest_do(mb);
		mb->count++;
	}
}
