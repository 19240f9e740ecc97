/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVH entry: QEMU starts us in 32-bit flat protected mode, paging off,
 * %ebx = struct hvm_start_info. We switch to long mode over identity-mapped
 * 2 MiB pages (supervisor only, so PKRU never applies to our own accesses)
 * and call l2_main(start_info). Also the NMI and exception entries.
 */
#define CR0_PE		(1 << 0)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define SEL_CODE	0x08
#define SEL_DATA	0x10
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .note.pvh, "a"
	.balign 4
	.long 4, 8, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.quad pvh_start

	.text
	.code32
	.globl pvh_start
pvh_start:
	cli
	mov %ebx, %esi
	lgdt gdt_ptr
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_PE), %eax
	mov %eax, %cr0
	ljmp $SEL_CODE, $long_start

	.code64
long_start:
	mov $SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov $stack_top, %rsp
	mov %esi, %edi
	call l2_main
1:	hlt
	jmp 1b

/* The registers a C call may change: 9 pushes. */
.macro save_caller_saved
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
.endm
.macro restore_caller_saved
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
.endm

/*
 * The CPU aligns the NMI frame to 16 bytes; 5 frame words and 9 pushes
 * keep the call 16-aligned. Only the caller-saved registers need saving:
 * the C code never touches x87, SSE or AVX registers.
 */
	.globl nmi_entry
nmi_entry:
	save_caller_saved
	cld
	call l2_nmi
	restore_caller_saved
	iretq

/*
 * One 16-byte stub per exception vector: push the vector and call
 * l2_exception(frame); it returns non-zero to resume (a #UD it fixed),
 * else stop.
 */
	.balign 16
	.globl exc_stubs
exc_stubs:
	.set vec, 0
	.rept 32
	.balign 16
	pushq $vec
	jmp exc_common
	.set vec, vec + 1
	.endr
exc_common:
	save_caller_saved
	push %rbx
	lea 80(%rsp), %rdi	/* the vector, then what the CPU pushed */
	mov %rsp, %rbx
	and $-16, %rsp
	cld
	call l2_exception
	mov %rbx, %rsp
	test %eax, %eax
	jz 2f
	pop %rbx
	restore_caller_saved
	add $8, %rsp		/* the vector */
	iretq
2:	hlt
	jmp 2b

	.data
	.balign 8
gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 64-bit code */
	.quad 0x00cf92000000ffff	/* flat data */
gdt_end:
gdt_ptr:
	.word gdt_end - gdt - 1
	.quad gdt

/*
 * The first GiB, identity-mapped: present, writable, 2 MiB pages; and the
 * local APIC's 2 MiB at 0xfee00000, uncached.
 */
	.balign 4096
pml4:
	.quad pdpt + 3
	.fill 511, 8, 0
pdpt:
	.quad pd + 3
	.fill 2, 8, 0
	.quad pd_apic + 3
	.fill 508, 8, 0
pd_apic:
	.fill 503, 8, 0
	.quad 0xfee00000 | 0x9b
	.fill 8, 8, 0
pd:
	.set i, 0
	.rept 512
	.quad (i << 21) | 0x83
	.set i, i + 1
	.endr

	.bss
	.balign 16
	.skip 16384
stack_top:
	.section .note.GNU-stack, "", @progbits
