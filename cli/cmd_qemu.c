// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave-abi qemu save FILE [--seed N]
 * xsave-abi qemu load FILE
 *
 * A real VMM's saved guest across kernels: save boots QEMU (-accel kvm
 * -cpu host) with the L2 guest, which seeds PKRU, x87, SSE and AVX, checks
 * it once and migrates it to FILE; load restores FILE in a new QEMU, lets
 * the guest run and prints, in KTAP, what the guest's own check found, one
 * line per component. QEMU and the payload as for group qemu
 * (XSAVE_ABI_QEMU, XSAVE_ABI_L2).
 * Exit: 0 every component as saved, 1 one differs or QEMU could not save
 * or restore, 2 bad usage, no QEMU or payload, or no usable /dev/kvm.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/cmd_common.h"
#include "lib/case.h"
#include "qemu/qemu.h"

static int usage(FILE *f)
{
	fprintf(f, "usage: xsave-abi qemu save FILE [--seed N]\n"
		   "       xsave-abi qemu load FILE\n");
	return f == stdout ? 0 : CMD_EXIT_USAGE;
}

/* What group qemu needs, then QEMU and the payload found. */
static int begin(const char *prog, struct qemu_setup *s)
{
	const char *why;

	if (cmd_need_kvm(prog))
		return CMD_EXIT_USAGE;
	why = cmd_unmet(RUN_NEED_KVM | RUN_NEED_GUEST_XSAVE | RUN_NEED_GUEST_PKU);
	if (why) {
		fprintf(stderr, "%s: %s\n", prog, why);
		return CMD_EXIT_USAGE;
	}
	if (qemu_setup(s, "kvm", "host", NULL)) {
		fprintf(stderr, "%s: %s\n", prog, qemu_strerror());
		return CMD_EXIT_USAGE;
	}
	return 0;
}

/* QEMU stopped, the work folder gone; rc passed on. */
static int end(struct qemu_setup *s, struct qemu_vm *vm, int rc)
{
	qemu_stop(vm);
	qemu_teardown(s);
	return rc;
}

static int qemu_save(const char *path, uint64_t seed)
{
	static const char prog[] = "xsave-abi qemu save";
	struct qemu_setup s;
	struct qemu_vm *vm = NULL;
	struct qemu_check c;
	int rc = begin(prog, &s);

	if (rc)
		return rc;
	if (qemu_boot(&s.o, seed, 0, &vm) || qemu_check(vm, &c)) {
		fprintf(stderr, "%s: %s\n", prog, qemu_strerror());
		return end(&s, vm, 1);
	}
	if (!c.ok) {
		fprintf(stderr, "%s: before the save, the guest's own check found "
			"fail=%s\n%s", prog, c.failed, c.text);
		return end(&s, vm, 1);
	}
	if (qemu_migrate_file(vm, path)) {
		fprintf(stderr, "%s: %s\n", prog, qemu_strerror());
		return end(&s, vm, 1);
	}
	printf("saved %s: guest of seed %llu, PKRU 0x%x; %s\n", path,
	       (unsigned long long)seed, c.pkru, qemu_ready_line(vm));
	return end(&s, vm, 0);
}

static int qemu_load(const char *path)
{
	static const char prog[] = "xsave-abi qemu load";
	struct qemu_setup s;
	struct qemu_vm *vm = NULL;
	struct qemu_check c;
	unsigned int n = 0;
	int rc = begin(prog, &s), bad;

	if (rc)
		return rc;
	printf("TAP version 13\n");
	if (qemu_incoming(&s.o, path, &vm) || qemu_cont(vm) || qemu_check(vm, &c)) {
		printf("Bail out! %s\n", qemu_strerror());
		return end(&s, vm, 1);
	}
	printf("# PKRU 0x%x, written 0x%x\n", c.pkru, c.pkru_want);
	bad = qemu_check_ktap(&c, stdout, &n);
	printf("1..%u\n", n);
	if (!n) {
		printf("# the guest's check compared nothing:\n# %s\n", c.text);
		return end(&s, vm, 1);
	}
	printf("# %d component(s) differ\n", bad);
	return end(&s, vm, bad ? 1 : 0);
}

int run_cmd_qemu(int argc, char **argv)
{
	uint64_t seed = 1;

	switch (cmd_save_load("xsave-abi qemu save", argc, argv, &seed)) {
	case CMD_HELP: return usage(stdout);
	case CMD_SAVE: return qemu_save(argv[2], seed);
	case CMD_LOAD: return qemu_load(argv[2]);
	default: return usage(stderr);
	}
}
