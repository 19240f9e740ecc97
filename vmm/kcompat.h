/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The differences between the libkvm-selftests of the trees we build
 * against (Debian's linux-source-6.1 and linux-source-6.12), in one place.
 * Include after kvm_util.h and processor.h.
 */
#ifndef VMM_KCOMPAT_H
#define VMM_KCOMPAT_H

/*
 * 6.12 reports the exception's error code through the fixup too, so its
 * KVM_ASM_SAFE needs a second output; KVM_ASM_SAFE_FEP came with it.
 */
#ifdef KVM_ASM_SAFE_FEP
#define KCOMPAT_SAFE_DECL	uint64_t kcompat_ec
#define KCOMPAT_SAFE_OUTPUTS(v)	KVM_ASM_SAFE_OUTPUTS(v, kcompat_ec)
#else
#define KCOMPAT_SAFE_DECL	do { } while (0)
#define KCOMPAT_SAFE_OUTPUTS(v)	KVM_ASM_SAFE_OUTPUTS(v)
#endif

/* 6.1's feature list has PKU but not OSPKE. */
#ifndef X86_FEATURE_OSPKE
#define X86_FEATURE_OSPKE	KVM_X86_CPU_FEATURE(0x7, 0, ECX, 4)
#endif

/*
 * 6.1 needs the IDT and exception handlers set up by the caller; newer
 * libraries do it for every VM and vCPU and made these functions static,
 * in which case the weak references below stay NULL.
 */
void vm_init_descriptor_tables(struct kvm_vm *vm) __attribute__((weak));
void vcpu_init_descriptor_tables(struct kvm_vcpu *vcpu) __attribute__((weak));

/* Close descriptors the library leaked on the binary (vmm/kcompat.c). */
#define KCOMPAT_MAX_FD 1024
void kcompat_elf_fds(bool *mark, bool close_new);

/* Leave out of vcpu_save_state() the MSRs this vCPU refuses (5.10). */
struct vmm_vcpu;
void kcompat_saveable_msrs(struct vmm_vcpu *v);

#endif
