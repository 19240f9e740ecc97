// SPDX-License-Identifier: GPL-2.0-only
/* Cases that end in every way a case can end, for tests/test_runner.c. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/case.h"

/* What a fixture cites is only data for the reports. */
#define ANY SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE"))

CASE(fixture, passes, ANY) { }

/* A verdict on the kernel: its sources go with it into every report. */
CASE(fixture, fails,
     SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"),
	     KCOMMIT("4a804c4f8356", "x86/fpu: Allow PKRU to be (once again) written by ptrace.")))
{
	run_fail("value is %d", 7);
}

CASE(fixture, skips, ANY) { run_skip("no such thing (CPUID 1:ECX[99])"); }

CASE(fixture, errors, ANY) { run_error("harness broke"); }

CASE(fixture, crashes, ANY) { raise(SIGSEGV); }

CASE(fixture, hangs, ANY, .timeout_s = 1) { pause(); }

/* What a TEST_ASSERT of libkvm-selftests prints before exit(254). */
CASE(fixture, library_assert, ANY)
{
	fprintf(stderr, "==== Test Assertion Failure ====\n"
		"  lib/kvm_util.c:42: ret == 0\n  pid=1 tid=1 errno=22\n");
	exit(254);
}

/* What TEST_REQUIRE prints before exit(4). */
CASE(fixture, library_require, ANY)
{
	printf("1..0 # SKIP - Requirement not met: kvm_has_cap(KVM_CAP_X)\n");
	exit(4);
}

CASE(fixture, exits_3, ANY) { exit(3); }

CASE(fixture, hazard_seen, ANY, .expect = RUN_EXPECT_XFAIL,
     .hazard = "known loss")
{
	run_fail("lost");
}

CASE(fixture, hazard_fixed, ANY, .expect = RUN_EXPECT_XFAIL,
     .hazard = "known loss") { }

/* A hazard only some hosts show: the case says so when it sees it. */
CASE(fixture, hazard_at_run_time, ANY) { run_xfail("value lost; keep it"); }

/* An observation survives the case's verdict and fills its matrix cell. */
CASE(fixture, observes, ANY, .matrix = RUN_MATRIX_SIGRETURN_BIT_SET)
{
	run_observe("applied %d", 1);
	run_fail("after observing");
}

CASE(fixture, leaks_fd, ANY) { open("/dev/null", O_RDONLY); }

CASE(fixture, needs_kvm, ANY, .needs = RUN_NEED_KVM) { }

CASE(fixture, prints_note, ANY) { run_note("note %d", 42); }

/* Leaves a grandchild behind: the runner must kill the process group. */
CASE(fixture, leaves_child, ANY)
{
	const char *pidfile = getenv("XSABI_TEST_PIDFILE");
	pid_t pid = fork();
	FILE *f;

	if (pid == 0) {
		pause();
		_exit(0);
	}
	f = pidfile ? fopen(pidfile, "w") : NULL;
	if (f) {
		fprintf(f, "%d\n", pid);
		fclose(f);
	}
}

CASE(fixture, reports_seed, ANY)
{
	if (run_seed() != 1234)
		run_fail("seed %llu", (unsigned long long)run_seed());
}
