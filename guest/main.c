// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest payload. Every operation runs under the library's exception
 * fixup, so a #UD or #GP comes back to the host as a vector instead of
 * killing the guest. No libc and no SSE here (-mgeneral-regs-only): the
 * guest must touch extended state only where an operation says so.
 */
#include "kvm_util.h"
#include "processor.h"

#include "vmm/kcompat.h"
#include "guest/guest.h"

static uint8_t op_rdpkru(uint64_t *ret)
{
	uint32_t eax, edx;
	uint8_t vec;
	KCOMPAT_SAFE_DECL;

	asm volatile(KVM_ASM_SAFE(".byte 0x0f, 0x01, 0xee")	/* rdpkru */
		     : "=a"(eax), "=d"(edx), KCOMPAT_SAFE_OUTPUTS(vec)
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
	KCOMPAT_SAFE_DECL;

	asm volatile(KVM_ASM_SAFE("xgetbv")
		     : "=a"(eax), "=d"(edx), KCOMPAT_SAFE_OUTPUTS(vec)
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

/* Explicit moves: the compiler never touches vector registers here. */
static uint8_t op_fill_xmm(const uint8_t *p)
{
	asm volatile("movdqu 0x00(%0), %%xmm0\n\tmovdqu 0x10(%0), %%xmm1\n\t"
		     "movdqu 0x20(%0), %%xmm2\n\tmovdqu 0x30(%0), %%xmm3\n\t"
		     "movdqu 0x40(%0), %%xmm4\n\tmovdqu 0x50(%0), %%xmm5\n\t"
		     "movdqu 0x60(%0), %%xmm6\n\tmovdqu 0x70(%0), %%xmm7\n\t"
		     "movdqu 0x80(%0), %%xmm8\n\tmovdqu 0x90(%0), %%xmm9\n\t"
		     "movdqu 0xa0(%0), %%xmm10\n\tmovdqu 0xb0(%0), %%xmm11\n\t"
		     "movdqu 0xc0(%0), %%xmm12\n\tmovdqu 0xd0(%0), %%xmm13\n\t"
		     "movdqu 0xe0(%0), %%xmm14\n\tmovdqu 0xf0(%0), %%xmm15"
		     : : "r"(p) : "memory");
	return 0;
}

static uint8_t op_read_xmm(uint8_t *p)
{
	asm volatile("movdqu %%xmm0, 0x00(%0)\n\tmovdqu %%xmm1, 0x10(%0)\n\t"
		     "movdqu %%xmm2, 0x20(%0)\n\tmovdqu %%xmm3, 0x30(%0)\n\t"
		     "movdqu %%xmm4, 0x40(%0)\n\tmovdqu %%xmm5, 0x50(%0)\n\t"
		     "movdqu %%xmm6, 0x60(%0)\n\tmovdqu %%xmm7, 0x70(%0)\n\t"
		     "movdqu %%xmm8, 0x80(%0)\n\tmovdqu %%xmm9, 0x90(%0)\n\t"
		     "movdqu %%xmm10, 0xa0(%0)\n\tmovdqu %%xmm11, 0xb0(%0)\n\t"
		     "movdqu %%xmm12, 0xc0(%0)\n\tmovdqu %%xmm13, 0xd0(%0)\n\t"
		     "movdqu %%xmm14, 0xe0(%0)\n\tmovdqu %%xmm15, 0xf0(%0)"
		     : : "r"(p) : "memory");
	return 0;
}

/* VMOVDQU raises #UD where AVX is not enabled: under the fixup. */
static uint8_t op_fill_ymm(const uint8_t *p)
{
	return kvm_asm_safe("vmovdqu 0x000(%%rdi), %%ymm0\n\tvmovdqu 0x020(%%rdi), %%ymm1\n\t"
			    "vmovdqu 0x040(%%rdi), %%ymm2\n\tvmovdqu 0x060(%%rdi), %%ymm3\n\t"
			    "vmovdqu 0x080(%%rdi), %%ymm4\n\tvmovdqu 0x0a0(%%rdi), %%ymm5\n\t"
			    "vmovdqu 0x0c0(%%rdi), %%ymm6\n\tvmovdqu 0x0e0(%%rdi), %%ymm7\n\t"
			    "vmovdqu 0x100(%%rdi), %%ymm8\n\tvmovdqu 0x120(%%rdi), %%ymm9\n\t"
			    "vmovdqu 0x140(%%rdi), %%ymm10\n\tvmovdqu 0x160(%%rdi), %%ymm11\n\t"
			    "vmovdqu 0x180(%%rdi), %%ymm12\n\tvmovdqu 0x1a0(%%rdi), %%ymm13\n\t"
			    "vmovdqu 0x1c0(%%rdi), %%ymm14\n\tvmovdqu 0x1e0(%%rdi), %%ymm15",
			    "D"(p));
}

static uint8_t op_read_ymm(uint8_t *p)
{
	return kvm_asm_safe("vmovdqu %%ymm0, 0x000(%%rdi)\n\tvmovdqu %%ymm1, 0x020(%%rdi)\n\t"
			    "vmovdqu %%ymm2, 0x040(%%rdi)\n\tvmovdqu %%ymm3, 0x060(%%rdi)\n\t"
			    "vmovdqu %%ymm4, 0x080(%%rdi)\n\tvmovdqu %%ymm5, 0x0a0(%%rdi)\n\t"
			    "vmovdqu %%ymm6, 0x0c0(%%rdi)\n\tvmovdqu %%ymm7, 0x0e0(%%rdi)\n\t"
			    "vmovdqu %%ymm8, 0x100(%%rdi)\n\tvmovdqu %%ymm9, 0x120(%%rdi)\n\t"
			    "vmovdqu %%ymm10, 0x140(%%rdi)\n\tvmovdqu %%ymm11, 0x160(%%rdi)\n\t"
			    "vmovdqu %%ymm12, 0x180(%%rdi)\n\tvmovdqu %%ymm13, 0x1a0(%%rdi)\n\t"
			    "vmovdqu %%ymm14, 0x1c0(%%rdi)\n\tvmovdqu %%ymm15, 0x1e0(%%rdi)",
			    "D"(p));
}

static uint8_t guest_do(struct guest_mbox *mb, uint64_t op, uint64_t arg,
			uint64_t *ret);

/* Every step in order until one raises an exception. */
static uint8_t op_seq(struct guest_mbox *mb, uint64_t n, uint64_t *ret)
{
	struct guest_step *s;
	uint8_t vec = 0;

	for (*ret = 0; *ret < n && *ret < GUEST_SEQ_MAX && !vec; ++*ret) {
		s = &mb->seq[*ret];
		/* No nesting: a step never starts another sequence. */
		vec = s->op == GUEST_OP_SEQ ? 0 : guest_do(mb, s->op, s->arg, &s->ret);
		s->vector = vec;
	}
	return vec;
}

/* Area offsets come from the host, which checks them against the area. */
static uint8_t guest_do(struct guest_mbox *mb, uint64_t op, uint64_t arg,
			uint64_t *ret)
{
	switch (op) {
	case GUEST_OP_RDPKRU:
		return op_rdpkru(ret);
	case GUEST_OP_WRPKRU:
		return op_wrpkru((uint32_t)arg);
	case GUEST_OP_XSAVE:
		return op_xsave(mb->area, arg);
	case GUEST_OP_XRSTOR:
		return op_xrstor(mb->area, arg);
	case GUEST_OP_XGETBV:
		return op_xgetbv((uint32_t)arg, ret);
	case GUEST_OP_XSETBV:
		return op_xsetbv(arg);
	case GUEST_OP_CR4_SET:
		return op_cr4_set(arg, ret);
	case GUEST_OP_FILL_XMM:
		return op_fill_xmm(mb->area + arg);
	case GUEST_OP_READ_XMM:
		return op_read_xmm(mb->area + arg);
	case GUEST_OP_FILL_YMM:
		return op_fill_ymm(mb->area + arg);
	case GUEST_OP_READ_YMM:
		return op_read_ymm(mb->area + arg);
	case GUEST_OP_SEQ:
		return op_seq(mb, arg, ret);
	default:
		return 0;
	}
}

/* Serve the host until the VM is torn down. */
void guest_main(struct guest_mbox *mb)
{
	for (;;) {
		ucall(UCALL_SYNC, 1, mb->count);
		mb->vector = guest_do(mb, mb->op, mb->arg, &mb->ret);
		mb->count++;
	}
}
