// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live migration in one process: the vCPU's whole state moves to a new VM
 * (vmm_vm_migrate(), the selftests' state_test recipe), and the guest there
 * must find every register it had: KVM_GET_XSAVE then KVM_SET_XSAVE
 * round-trips guest state. The hazards a VMM must work around are XFAIL
 * while observed, each saying what to do.
 */
#include "cases/cases.h"

/* A started one-vCPU VM whose guest XRSTORed a state with every component
 * of its XCR0 that the model can fill; *seen is what its XSAVE then shows. */
static struct vmm_vm *filled_guest(struct xs_state *seen)
{
	struct vmm_vm *vm = case_vm(1, true);
	struct vmm_vcpu *vc = vmm_vcpu(vm, 0);
	struct xs_state s = { 0 };

	SETUP(xs_gen_full(case_layout(), s.b, sizeof(s.b), vmm_guest_xcr0(vc),
			  run_seed()));
	SETUP(vmm_guest_xrstor(vc, vmm_guest_xcr0(vc), s.b, sizeof(s.b)));
	case_guest_xsave(vc, seen);
	run_note("guest state before migration: XSTATE_BV 0x%llx",
		 (unsigned long long)xs_xstate_bv(seen->b));
	return vm;
}

/* Every component the guest had, back in the guest after one move. */
CASE(migration, whole_state_to_new_vm,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE"), KVMDOC("4.43", "KVM_SET_XSAVE")),
     .needs = NEED_GUEST)
{
	struct xs_state before, after;
	struct vmm_vm *vm = filled_guest(&before);

	SETUP(vmm_vm_migrate(vm));
	case_guest_xsave(vmm_vcpu(vm, 0), &after);
	case_expect_same(&before, &after, "guest XSAVE after migration");
	vmm_vm_free(vm);
}

/*
 * A move between two WRPKRUs of the guest: each run reads PKRU, writes the
 * next value and reads it back with no exit in between, so the first
 * RDPKRU after a move is what the guest wrote last before it.
 */
CASE(migration, between_wrpkrus,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE"), KVMDOC("4.43", "KVM_SET_XSAVE")),
     .needs = NEED_PKU)
{
	struct vmm_vm *vm = case_vm(1, true);
	struct vmm_vcpu *vc = vmm_vcpu(vm, 0);
	uint32_t v[3];
	int i;

	case_pkru_values(v, 3);
	for (i = 0; i < 3; i++) {
		struct vmm_step s[] = {
			STEP(RDPKRU, 0), STEP(WRPKRU, v[i]),
			STEP(RDPKRU, 0),
		};

		SETUP(vmm_guest_seq(vc, s, ARRAY_SIZE(s), NULL, 0));
		if (i)
			CHECK_EQ((uint32_t)s[0].ret, v[i - 1],
				 "guest RDPKRU first thing after migrating");
		CHECK_EQ((uint32_t)s[2].ret, v[i], "guest RDPKRU after its WRPKRU");
		SETUP(vmm_vm_migrate(vm));
	}
	CHECK_EQ(case_guest_pkru(vc), v[2], "guest RDPKRU after the last move");
	vmm_vm_free(vm);
}

/* A KVM_SET_XSAVE the guest has not run on yet still travels. */
CASE(migration, pending_set_xsave,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE"), KVMDOC("4.43", "KVM_SET_XSAVE")),
     .needs = NEED_PKU)
{
	struct vmm_vm *vm = case_vm(1, true);
	struct vmm_vcpu *vc = vmm_vcpu(vm, 0);
	uint32_t v[2];

	case_pkru_values(v, 2);
	SETUP(vmm_guest_wrpkru(vc, v[0]));
	case_set_pkru(vc, true, v[1]);
	SETUP(vmm_vm_migrate(vm));
	CHECK_EQ(case_guest_pkru(vc), v[1],
		 "guest RDPKRU after migrating a KVM_SET_XSAVE it had not run on");
	vmm_vm_free(vm);
}

/*
 * Two moves with no guest instruction in between, as when a VMM restores a
 * snapshot and migrates again before resuming (each save's immediate-exit
 * KVM_RUN enters no guest code).
 */
CASE(migration, second_hop_before_run,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE"), KVMDOC("4.43", "KVM_SET_XSAVE")),
     .needs = NEED_GUEST)
{
	struct xs_state before, after;
	struct vmm_vm *vm = filled_guest(&before);

	SETUP(vmm_vm_migrate(vm));
	SETUP(vmm_vm_migrate(vm));
	case_guest_xsave(vmm_vcpu(vm, 0), &after);
	case_expect_same(&before, &after, "guest XSAVE after two moves without KVM_RUN");
	vmm_vm_free(vm);
}

/*
 * A buffer whose XSTATE_BV[9] is clear (a VMM that drops PKRU, or one
 * taken after such a restore: pkru.get_before_run_after_set_without_bit)
 * restored into a destination vCPU whose guest already set PKRU: the
 * legacy ABI keeps the destination's own PKRU instead of the source's.
 */
CASE(migration, bit_clear_keeps_destination_pkru,
     SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"),
	     KCOMMIT("d7e5aceace51", "x86/fpu: Emulate XRSTOR's behavior if the xfeatures PKRU bit is not set")),
     .needs = NEED_PKU,
     .expect = RUN_EXPECT_XFAIL,
     .hazard = "a migrated buffer with XSTATE_BV[9] clear leaves the "
	       "destination vCPU's own PKRU, not the source's: a VMM must send "
	       "PKRU with bit 9 set, or restore into a freshly created vCPU")
{
	struct vmm_vm *src = case_vm(1, true), *dst = case_vm(1, true);
	struct xs_state s;
	uint32_t v[2];

	case_pkru_values(v, 2);
	SETUP(vmm_guest_wrpkru(vmm_vcpu(src, 0), v[0]));
	SETUP(vmm_guest_wrpkru(vmm_vcpu(dst, 0), v[1]));
	case_get(vmm_vcpu(src, 0), &s);
	SETUP(xs_put_pkru(case_layout(), s.b, sizeof(s.b), false, v[0]));
	case_set(vmm_vcpu(dst, 0), &s);
	CHECK_EQ(case_guest_pkru(vmm_vcpu(dst, 0)), v[0],
		 "destination RDPKRU after restoring the source's buffer with bit 9 clear");
	vmm_vm_free(dst);
	vmm_vm_free(src);
}

/* A first destination whose guest wrote v[0] and that then got a
 * KVM_SET_XSAVE with XSTATE_BV[9] clear (a VMM restoring other components
 * on their own), not run since. */
static struct vmm_vm *partially_restored(uint32_t v[2])
{
	struct vmm_vm *vm = case_vm(1, true);

	case_pkru_values(v, 2);
	SETUP(vmm_guest_wrpkru(vmm_vcpu(vm, 0), v[0]));
	case_set_pkru(vmm_vcpu(vm, 0), false, v[1]);
	return vm;
}

/*
 * The hop that loses PKRU: KVM_GET_XSAVE there reports bit 9 clear and
 * slot 0 (pkru.get_before_run_after_set_without_bit), so a VMM that saves
 * with KVM_GET_XSAVE alone and restores elsewhere restores no PKRU.
 */
CASE(migration, second_hop_after_partial_restore,
     SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE"), KVMDOC("4.43", "KVM_SET_XSAVE"),
	     MEASURED("6.1 and 6.12")),
     .needs = NEED_PKU,
     .expect = RUN_EXPECT_XFAIL,
     .hazard = "saving with KVM_GET_XSAVE before any KVM_RUN after a "
	       "bit-9-clear KVM_SET_XSAVE loses PKRU on the next hop: a VMM "
	       "must keep PKRU from the source buffer, or first call KVM_RUN "
	       "with immediate_exit set (migration.immediate_exit_run_keeps_pkru)")
{
	struct vmm_vm *first, *second;
	struct xs_state s;
	uint32_t v[2];

	first = partially_restored(v);
	case_get(vmm_vcpu(first, 0), &s);
	second = case_vm(1, true);
	case_set(vmm_vcpu(second, 0), &s);
	CHECK_EQ(case_guest_pkru(vmm_vcpu(second, 0)), v[0],
		 "second destination's RDPKRU");
	vmm_vm_free(second);
	vmm_vm_free(first);
}

/*
 * A KVM_RUN with immediate_exit set before the save, which the selftests'
 * vcpu_save_state() does to complete pending I/O, puts bit 9 and the
 * guest's PKRU back into KVM_GET_XSAVE: the workaround for the hazard
 * above.
 */
CASE(migration, immediate_exit_run_keeps_pkru,
     SOURCES(MEASURED("6.1 and 6.12"), KVMDOC("4.42", "KVM_GET_XSAVE")),
     .needs = NEED_PKU)
{
	struct vmm_vm *vm;
	uint32_t v[2];

	vm = partially_restored(v);
	SETUP(vmm_vm_migrate(vm));
	CHECK_EQ(case_guest_pkru(vmm_vcpu(vm, 0)), v[0],
		 "guest RDPKRU after a move through vcpu_save_state()");
	vmm_vm_free(vm);
}
