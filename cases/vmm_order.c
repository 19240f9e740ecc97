// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vCPU save and restore orders of the VMMs people ship, replayed ioctl
 * by ioctl (vmm/order.c), each checked by the guest's own XSAVE in three
 * situations: a restore into a new vCPU, a restore into a vCPU that ran
 * other state since the save (a snapshot rolled back in place), and a
 * second hop saved before the restored guest ran an instruction. Each
 * situation runs twice: with the guest's PKRU seeded, and with PKRU 0,
 * which KVM_GET_XSAVE may report as XSTATE_BV[9] clear. Expected: every
 * component and PKRU as the guest had them (KVM API doc 4.42/4.43).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cases/cases.h"
#include "vmm/order.h"

enum situation { NEW_VCPU, RAN_VCPU, SECOND_HOP };

/*
 * qemu/qemu target/i386/kvm/kvm.c: kvm_arch_get_registers() and
 * kvm_arch_put_registers(); CPUID at vCPU creation (kvm_arch_init_vcpu),
 * KVM_SET_LAPIC before the registers, from the APIC's post_load
 * (hw/i386/kvm/apic.c, kvm_apic_put). KVM_GET_XSAVE2 wherever
 * KVM_CAP_XSAVE2 is; the buffer parsed into CPUX86State and rebuilt
 * (target/i386/xsave_helper.c). Not replayed: its one-MSR writes
 * (feature control, APIC base, TSC deadline) and its own MSR list.
 */
static const struct vmm_order qemu = {
	.vmm = "QEMU",
	.save = { VMM_IO_EVENTS, VMM_IO_MP_STATE, VMM_IO_REGS, VMM_IO_XSAVE,
		  VMM_IO_XCRS, VMM_IO_SREGS, VMM_IO_MSRS, VMM_IO_LAPIC,
		  VMM_IO_DEBUGREGS },
	.restore = { VMM_IO_LAPIC, VMM_IO_SREGS, VMM_IO_REGS, VMM_IO_XSAVE,
		     VMM_IO_XCRS, VMM_IO_MSRS, VMM_IO_EVENTS, VMM_IO_MP_STATE,
		     VMM_IO_DEBUGREGS },
	.xsave = VMM_XSAVE2_FIELDS,
};

/*
 * firecracker-microvm/firecracker src/vmm/src/arch/x86_64/vcpu.rs:
 * KvmVcpu::save_state() and KvmVcpu::restore_state(); an opaque blob.
 * It drops KVM_GET_CPUID2's all-zero entries when it saves. Not replayed:
 * it saves only the MSRs of its SERIALIZABLE_MSR_RANGES (no IA32_XFD).
 */
static const struct vmm_order firecracker = {
	.vmm = "Firecracker",
	.save = { VMM_IO_MP_STATE, VMM_IO_REGS, VMM_IO_SREGS, VMM_IO_XSAVE,
		  VMM_IO_XCRS, VMM_IO_DEBUGREGS, VMM_IO_LAPIC, VMM_IO_CPUID2,
		  VMM_IO_MSRS, VMM_IO_EVENTS },
	.restore = { VMM_IO_CPUID2, VMM_IO_MP_STATE, VMM_IO_REGS, VMM_IO_SREGS,
		     VMM_IO_XSAVE, VMM_IO_XCRS, VMM_IO_DEBUGREGS, VMM_IO_LAPIC,
		     VMM_IO_MSRS, VMM_IO_EVENTS },
	.xsave = VMM_XSAVE2_BLOB,
	.cpuid_drop_zero = true,
};

/* cloud-hypervisor/cloud-hypervisor hypervisor/src/kvm/mod.rs: KvmVcpu
 * state() and set_state(); KVM_SET_FPU after KVM_SET_XSAVE and LAPIC. */
static const struct vmm_order cloud_hypervisor = {
	.vmm = "cloud-hypervisor",
	.save = { VMM_IO_CPUID2, VMM_IO_MP_STATE, VMM_IO_REGS, VMM_IO_SREGS,
		  VMM_IO_XSAVE, VMM_IO_XCRS, VMM_IO_LAPIC, VMM_IO_FPU,
		  VMM_IO_MSRS, VMM_IO_EVENTS },
	.restore = { VMM_IO_CPUID2, VMM_IO_MP_STATE, VMM_IO_REGS, VMM_IO_SREGS,
		     VMM_IO_XSAVE, VMM_IO_XCRS, VMM_IO_LAPIC, VMM_IO_FPU,
		     VMM_IO_MSRS, VMM_IO_EVENTS },
	.xsave = VMM_XSAVE2_BLOB,
};

/*
 * google/crosvm hypervisor/src/x86_64.rs: VcpuX86_64::snapshot() and
 * restore(), MSRs before XSAVE; LAPIC and MP state go with the irqchip
 * (devices/src/irqchip/x86_64.rs), saved after the vCPUs and restored
 * before them (vm_control/src/lib.rs, do_restore). Not replayed: it sets
 * XCRs and MSRs one at a time, skipping MSRs already equal.
 */
static const struct vmm_order crosvm = {
	.vmm = "crosvm",
	.save = { VMM_IO_REGS, VMM_IO_SREGS, VMM_IO_DEBUGREGS, VMM_IO_XCRS,
		  VMM_IO_MSRS, VMM_IO_XSAVE, VMM_IO_EVENTS, VMM_IO_LAPIC,
		  VMM_IO_MP_STATE },
	.restore = { VMM_IO_LAPIC, VMM_IO_MP_STATE, VMM_IO_REGS, VMM_IO_SREGS,
		     VMM_IO_DEBUGREGS, VMM_IO_XCRS, VMM_IO_MSRS, VMM_IO_XSAVE,
		     VMM_IO_EVENTS },
	.xsave = VMM_XSAVE2_BLOB,
};

/* The guest's state from the pattern of seed, PKRU 0 when pkru0. */
static void fill(struct vmm_vcpu *vc, uint64_t seed, bool pkru0)
{
	struct xs_state s = { 0 };

	SETUP(xs_gen_full(case_layout(), s.b, sizeof(s.b), vmm_guest_xcr0(vc), seed));
	SETUP(vmm_guest_xrstor(vc, vmm_guest_xcr0(vc), s.b, sizeof(s.b)));
	if (pkru0)
		SETUP(vmm_guest_wrpkru(vc, 0));
}

/*
 * A refused restore step fails the case, but for one hazard: KVM_SET_CPUID2
 * into a vCPU that ran must match its CPUID exactly, and where
 * KVM_GET_CPUID2 left nent at the size the VMM asked for (6.1:
 * kvm_vcpu_ioctl_get_cpuid2() sets it on failure only), the saved list
 * carries zero entries the vCPU lacks.
 */
static void restore_or_fail(struct vmm_vcpu *vc, const struct vmm_order *o,
			    const struct vmm_snap *s)
{
	char why[512], cpuid[256] = "";
	unsigned int zeros = 0;

	if (!vmm_snap_restore(vc, o, s))
		return;
	snprintf(why, sizeof(why), "%s", vmm_strerror());
	if (strstr(why, "KVM_SET_CPUID2") &&
	    vmm_snap_cpuid_diff(vc, s, cpuid, sizeof(cpuid), &zeros))
		snprintf(cpuid, sizeof(cpuid), "%s", vmm_strerror());
	if (zeros)
		run_xfail("%s: %s (%s): KVM_GET_CPUID2 did not report its entry "
			  "count, so the CPUID saved cannot be set again after "
			  "KVM_RUN; a VMM must drop the zero entries at the end, or "
			  "restore into a new vCPU", o->vmm, why, cpuid);
	run_fail("%s's restore: %s%s%s", o->vmm, why, *cpuid ? "; CPUID: " : "", cpuid);
}

/* Save with o, then bring the state back in situation sit; the saved
 * buffer's XSTATE_BV[9]. */
static bool move(struct vmm_vm *vm, const struct vmm_order *o,
		 enum situation sit, uint64_t seed)
{
	struct vmm_vcpu *vc = vmm_vcpu(vm, 0);
	struct vmm_snap *s, *s2;
	size_t size;
	bool bit9;

	SETUP(vmm_snap_save(vc, o, &s));
	bit9 = xs_xstate_bv(vmm_snap_xsave(s, &size)) & XS_BIT(XS_PKRU);
	if (sit == RAN_VCPU) {
		fill(vc, seed ^ 0x5a5a5a5a5a5a5a5aULL, false);
	} else {
		SETUP(vmm_vm_renew(vm));
		vc = vmm_vcpu(vm, 0);
	}
	restore_or_fail(vc, o, s);
	if (sit == SECOND_HOP) {
		SETUP(vmm_snap_save(vc, o, &s2));
		SETUP(vmm_vm_renew(vm));
		restore_or_fail(vmm_vcpu(vm, 0), o, s2);
		vmm_snap_free(s2);
	}
	vmm_snap_free(s);
	return bit9;
}

/* What differs between the guest's XSAVE before and after, as text;
 * 0 when nothing does. */
static int differs(const struct xs_state *a, const struct xs_state *b,
		   char *buf, size_t size)
{
	FILE *f = fmemopen(buf, size, "w");
	int n;

	if (!f)
		run_error("fmemopen: %s", strerror(errno));
	n = xs_diff(case_layout(), a->b, b->b, XS_KVM_SIZE, ~0ULL, f);
	fclose(f);
	return n;
}

struct outcome {
	bool lost;
	bool pkru_only;		/* PKRU alone differs */
	char text[64];
};

static void one(const struct vmm_order *o, enum situation sit, bool pkru0,
		struct outcome *out)
{
	struct vmm_vm *vm = case_vm(1, true);
	struct xs_state before, after;
	char diff[384] = "";
	bool bit9;
	int n;

	fill(vmm_vcpu(vm, 0), run_seed(), pkru0);
	case_guest_xsave(vmm_vcpu(vm, 0), &before);
	bit9 = move(vm, o, sit, run_seed());
	case_guest_xsave(vmm_vcpu(vm, 0), &after);
	n = differs(&before, &after, diff, sizeof(diff));
	out->lost = n > 0;
	out->pkru_only = n == 1 && xs_pkru(case_layout(), before.b, XS_KVM_SIZE) !=
		xs_pkru(case_layout(), after.b, XS_KVM_SIZE);
	snprintf(out->text, sizeof(out->text), "PKRU %s, bit 9 %d: %s",
		 pkru0 ? "0" : "seeded", bit9, n ? "lost" : "kept");
	if (n)
		run_note("PKRU %s: %s", pkru0 ? "0" : "seeded", diff);
	vmm_vm_free(vm);
}

/*
 * Both variants; lost PKRU 0 after a restore into a vCPU that ran is the
 * legacy ABI's known hazard (migration.bit_clear_keeps_destination_pkru),
 * any other loss a failure.
 */
static void replay(const struct vmm_order *o, enum situation sit)
{
	struct outcome seeded, zero;

	one(o, sit, false, &seeded);
	one(o, sit, true, &zero);
	run_observe("%s; %s", seeded.text, zero.text);
	if (seeded.lost || (zero.lost && !(zero.pkru_only && sit == RAN_VCPU)))
		run_fail("%s's order lost state (%s; %s): see the notes", o->vmm,
			 seeded.text, zero.text);
	if (zero.lost)
		run_xfail("%s: a buffer saved with guest PKRU 0 has XSTATE_BV[9] "
			  "clear and leaves the PKRU the vCPU ran with: %s must "
			  "restore into a new vCPU, or set XSTATE_BV[9] before "
			  "KVM_SET_XSAVE", o->vmm, o->vmm);
}

#define ORDER_SOURCES							\
	SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE"), KVMDOC("4.43", "KVM_SET_XSAVE"))

#define ORDER_CASES(v)							\
CASE(vmm_order, v##_restore, ORDER_SOURCES, .needs = NEED_PKU)		\
{									\
	replay(&v, NEW_VCPU);						\
}									\
CASE(vmm_order, v##_restore_into_ran_vcpu, ORDER_SOURCES,		\
     .needs = NEED_PKU)							\
{									\
	replay(&v, RAN_VCPU);						\
}									\
CASE(vmm_order, v##_second_hop_before_run, ORDER_SOURCES,		\
     .needs = NEED_PKU)							\
{									\
	replay(&v, SECOND_HOP);						\
}

ORDER_CASES(qemu)
ORDER_CASES(firecracker)
ORDER_CASES(cloud_hypervisor)
ORDER_CASES(crosvm)
