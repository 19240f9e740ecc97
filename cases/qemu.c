// SPDX-License-Identifier: GPL-2.0-only
/*
 * A real VMM end to end: Debian's QEMU (-accel kvm -cpu host) runs the L2
 * guest (l2/), which seeds PKRU, x87, SSE and AVX and checks them itself
 * on each NMI; QEMU saves it with migrate to a file and a second QEMU
 * restores it with -incoming, or savevm and loadvm snapshot it in place.
 * Expected: the guest finds every register as it wrote it (KVM API doc
 * 4.42/4.43: KVM_GET_XSAVE and KVM_SET_XSAVE move the whole state; QEMU
 * target/i386/machine.c carries PKRU in its stream, vmstate_pkru).
 * Driver and lookup: qemu/qemu.h; XSAVE_ABI_QEMU and XSAVE_ABI_L2 override
 * where QEMU and the payload are.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cases/cases.h"
#include "qemu/qemu.h"

#define QEMU_SOURCES							\
	SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE"), KVMDOC("4.43", "KVM_SET_XSAVE"))
/* Boots, saves and restores under nested KVM in the emulated machine. */
#define QEMU_CASE_TIMEOUT_S 120

static struct qemu_setup q;
static struct qemu_vm *vm;	/* the one running */

/* Every QEMU stopped and the work folder gone: nothing outlives a case. */
static void q_done(void)
{
	qemu_stop(vm);
	vm = NULL;
	qemu_teardown(&q);
}

/* q_done(), then the verdict (run_fail(), run_error(), run_xfail()). */
static void __attribute__((noreturn, format(printf, 2, 3)))
q_end(void (*verdict)(const char *, ...), const char *fmt, ...)
{
	char why[1400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	q_done();
	verdict("%s", why);
	__builtin_unreachable();
}

static void q_start(void)
{
	int err = qemu_setup(&q, "kvm", "host", NULL);

	if (err == -ENOENT)
		run_skip("%s", qemu_strerror());
	if (err)
		run_error("%s", qemu_strerror());
}

/* The first check of a guest as booted: it must pass, with PKU. */
static void q_check_booted(struct qemu_check *c)
{
	if (qemu_check(vm, c))
		q_end(run_error, "%s", qemu_strerror());
	if (!c->ok)
		q_end(run_fail, "in its first check, before any restore, the guest found "
		      "fail=%s:\n%s", c->failed, c->text);
	if (!c->pkru_want)
		q_end(run_error, "the guest saw no PKU under -cpu host:\n%s", c->text);
}

/* Boot with the run's seed and its first check. */
static void q_boot(struct qemu_check *c)
{
	if (qemu_boot(&q.o, run_seed(), 0, &vm))
		q_end(run_error, "%s", qemu_strerror());
	q_check_booted(c);
}

/* The VM migrated to DIR/name, stopped, restored in a new QEMU. */
static void q_hop(const char *name, bool cont)
{
	char file[128];

	if (qemu_setup_path(&q, name, file, sizeof(file)))
		q_end(run_error, "%s", qemu_strerror());
	if (qemu_migrate_file(vm, file))
		q_end(run_fail, "QEMU could not save: %s", qemu_strerror());
	qemu_stop(vm);
	vm = NULL;
	if (qemu_incoming(&q.o, file, &vm) || (cont && qemu_cont(vm)))
		q_end(run_fail, "QEMU could not restore: %s", qemu_strerror());
}

/* A check of a restored guest: it must answer, whatever it finds. */
static void q_check(struct qemu_check *c)
{
	if (qemu_check(vm, c))
		q_end(run_fail, "the restored guest did not check: %s",
		      qemu_strerror());
	run_note("%s", c->text);
}

static void migrate_once(struct qemu_check *before, struct qemu_check *after)
{
	q_start();
	q_boot(before);
	q_hop("mig", true);
	q_check(after);
}

CASE(qemu, migrate_keeps_pkru, QEMU_SOURCES, .needs = NEED_PKU,
     .timeout_s = QEMU_CASE_TIMEOUT_S)
{
	struct qemu_check before, after;

	migrate_once(&before, &after);
	run_observe("PKRU 0x%x saved, 0x%x after restore", before.pkru, after.pkru);
	if (after.pkru != after.pkru_want)
		q_end(run_fail, "the guest's PKRU is 0x%x after the restore, it wrote "
		      "0x%x", after.pkru, after.pkru_want);
	q_done();
}

CASE(qemu, migrate_keeps_components, QEMU_SOURCES, .needs = NEED_PKU,
     .timeout_s = QEMU_CASE_TIMEOUT_S)
{
	struct qemu_check before, after;

	migrate_once(&before, &after);
	if (!after.ok)
		q_end(run_fail, "after the restore the guest found fail=%s", after.failed);
	q_done();
}

/*
 * The guest changes PKRU and XMM3 after its first check; loadvm of a
 * snapshot taken before that brings back both, and the check count. The
 * snapshot needs a qcow2 node, which qemu/ creates with blockdev-create.
 */
CASE(qemu, savevm_loadvm, QEMU_SOURCES, .needs = NEED_PKU,
     .timeout_s = QEMU_CASE_TIMEOUT_S)
{
	struct qemu_check c;
	char image[128];

	q_start();
	if (qemu_setup_path(&q, "snap.qcow2", image, sizeof(image)) ||
	    qemu_boot(&q.o, run_seed(), QEMU_BOOT_CLOBBER, &vm) ||
	    qemu_savevm(vm, image, "before"))
		q_end(run_error, "%s", qemu_strerror());
	q_check_booted(&c);
	if (qemu_check(vm, &c))
		q_end(run_error, "%s", qemu_strerror());
	if (c.ok || strcmp(c.failed, "sse,pkru"))
		q_end(run_error, "the clobbered guest's check found fail=%s, not "
		      "fail=sse,pkru: the check cannot see a change", c.failed);
	if (qemu_loadvm(vm, "before"))
		q_end(run_fail, "QEMU could not load its snapshot: %s", qemu_strerror());
	q_check(&c);
	run_observe("PKRU 0x%x after loadvm, want 0x%x", c.pkru, c.pkru_want);
	if (!c.ok || c.n != 1)
		q_end(run_fail, "after loadvm the guest's check %u found fail=%s "
		      "(want: check 1, ok)", c.n, c.failed);
	q_done();
}

/*
 * Restore, migrate again before the guest runs an instruction, restore:
 * for raw ioctls the suite's migration.second_hop_after_partial_restore
 * hazard. QEMU keeps PKRU in its own CPUX86State between KVM_GET_XSAVE
 * and the stream, so the guest should find it; if QEMU loses PKRU alone,
 * that is the hazard.
 */
CASE(qemu, migrate_twice_before_run, QEMU_SOURCES, .needs = NEED_PKU,
     .timeout_s = QEMU_CASE_TIMEOUT_S)
{
	struct qemu_check before, after;

	q_start();
	q_boot(&before);
	q_hop("mig1", false);
	q_hop("mig2", true);
	q_check(&after);
	run_observe("PKRU 0x%x saved, 0x%x after two hops", before.pkru, after.pkru);
	if (!after.ok && !strcmp(after.failed, "pkru"))
		q_end(run_xfail, "QEMU lost PKRU on a second hop before the guest "
		      "ran (0x%x, want 0x%x): a VMM must keep PKRU from the first "
		      "restore's stream, not re-read it before KVM_RUN",
		      after.pkru, after.pkru_want);
	if (!after.ok)
		q_end(run_fail, "after two hops the guest found fail=%s", after.failed);
	q_done();
}
