// SPDX-License-Identifier: GPL-2.0-only
/*
 * PKRU belongs to one vCPU: KVM keeps it in vcpu->arch.pkru and switches
 * it around VM entry and exit. Neither another vCPU, another VM nor the
 * host thread may see or change it.
 */
#include "cases/cases.h"

/*
 * Guests on vCPUs a and b each WRPKRU their own value; KVM_SET_XSAVE on b
 * must change b's PKRU and leave a's.
 */
static void set_on_b_keeps_a(struct vmm_vcpu *a, struct vmm_vcpu *b)
{
	uint32_t v[3];

	case_pkru_values(v, 3);
	SETUP(vmm_guest_wrpkru(a, v[0]));
	SETUP(vmm_guest_wrpkru(b, v[1]));
	case_set_pkru(b, true, v[2]);
	CHECK_EQ(case_guest_pkru(a), v[0], "RDPKRU on vCPU a after KVM_SET_XSAVE on b");
	CHECK_EQ(case_guest_pkru(b), v[2], "RDPKRU on vCPU b after its KVM_SET_XSAVE");
}

/* Two vCPUs of one VM. */
CASE(isolation, set_xsave_other_vcpu_keeps_pkru,
     SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_load_guest_xsave_state()")),
     .needs = NEED_PKU)
{
	struct vmm_vm *vm = case_vm(2, true);

	set_on_b_keeps_a(vmm_vcpu(vm, 0), vmm_vcpu(vm, 1));
	vmm_vm_free(vm);
}

/* Two VMs. */
CASE(isolation, set_xsave_other_vm_keeps_pkru,
     SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_load_guest_xsave_state()")),
     .needs = NEED_PKU)
{
	struct vmm_vm *a = case_vm(1, true), *b = case_vm(1, true);

	set_on_b_keeps_a(vmm_vcpu(a, 0), vmm_vcpu(b, 0));
	vmm_vm_free(b);
	vmm_vm_free(a);
}

static uint32_t host_pkru(void)
{
	uint32_t p = 0;

	SETUP(task_rdpkru(&p));
	return p;
}

/*
 * The host thread's PKRU survives a KVM_RUN in which the guest set another,
 * and the guest never sees the host's: a fresh vCPU reads 0, its reset
 * value, then only what it wrote itself.
 */
CASE(isolation, host_and_guest_pkru_separate,
     SOURCES(SDM(3, "9.1.1"),
	     KCODE("arch/x86/kvm/x86.c", "kvm_load_host_xsave_state()")),
     .needs = NEED_PKU | RUN_NEED_HOST_PKU)
{
	struct vmm_vm *vm;
	struct vmm_vcpu *vc;
	uint32_t v[2];

	case_pkru_values(v, 2);
	SETUP(task_wrpkru(v[0]));
	vm = case_vm(1, true);
	vc = vmm_vcpu(vm, 0);
	CHECK_EQ(case_guest_pkru(vc), 0, "a fresh vCPU's RDPKRU (host thread's PKRU set)");
	CHECK_EQ(host_pkru(), v[0], "host thread's PKRU after the guest's first KVM_RUN");
	SETUP(vmm_guest_wrpkru(vc, v[1]));
	CHECK_EQ(host_pkru(), v[0], "host thread's PKRU after a KVM_RUN with guest WRPKRU");
	CHECK_EQ(case_guest_pkru(vc), v[1], "guest RDPKRU on the next KVM_RUN");
	vmm_vm_free(vm);
}

/*
 * KVM_GET_XSAVE must report the guest's PKRU whatever the host thread's
 * PKRU was while the guest ran. KVM saves the guest FPU with the host's
 * PKRU loaded; on a CPU that tracks PKRU's init state (XINUSE[9]) a host
 * PKRU of 0 can clear bit 9 of the saved header, and since 6.3 the slot
 * reads 0 when the bit is clear.
 */
static void get_with_host_pkru(uint32_t host)
{
	struct vmm_vm *vm;
	struct vmm_vcpu *vc;
	struct xs_state s;
	uint32_t v[1], got;

	case_pkru_values(v, 1);
	SETUP(task_wrpkru(host));
	vm = case_vm(1, true);
	vc = vmm_vcpu(vm, 0);
	SETUP(vmm_guest_wrpkru(vc, v[0]));
	case_get(vc, &s);
	got = xs_pkru(case_layout(), s.b, sizeof(s.b));
	run_note("host PKRU 0x%x: KVM_GET_XSAVE XSTATE_BV 0x%llx, PKRU slot 0x%x, guest's 0x%x",
		 host, (unsigned long long)xs_xstate_bv(s.b), got, v[0]);
	if ((xs_xstate_bv(s.b) & XS_BIT(XS_PKRU)) && got == v[0]) {
		vmm_vm_free(vm);
		return;
	}
	if (host == 0)
		run_xfail("KVM_GET_XSAVE lost the guest's PKRU 0x%x (XSTATE_BV 0x%llx, "
			  "slot 0x%x) because the host thread ran the vCPU with PKRU 0: "
			  "a VMM must not run vCPU threads with PKRU 0", v[0],
			  (unsigned long long)xs_xstate_bv(s.b), got);
	run_fail("KVM_GET_XSAVE: XSTATE_BV 0x%llx, PKRU slot 0x%x; the guest wrote 0x%x",
		 (unsigned long long)xs_xstate_bv(s.b), got, v[0]);
}

CASE(isolation, get_xsave_host_pkru_default,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE")),
     .needs = NEED_PKU | RUN_NEED_HOST_PKU)
{
	get_with_host_pkru(XS_PKRU_HOST_DEFAULT);
}

CASE(isolation, get_xsave_host_pkru_zero,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE")),
     .needs = NEED_PKU | RUN_NEED_HOST_PKU)
{
	get_with_host_pkru(0);
}
