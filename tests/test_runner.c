// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner against cases that pass, fail, crash, hang, assert, skip and
 * leak: each must come back as the right result, and the runner survives.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/report.h"
#include "tests/t.h"

static const char *unmet(unsigned int needs)
{
	return needs & RUN_NEED_KVM ? "/dev/kvm not present" : NULL;
}

static struct run_opts opts = { .timeout_s = 5, .seed = 1234, .unmet = unmet };

static const struct run_case *find(const char *name)
{
	unsigned int i;

	for (i = 0; i < run_ncases(); i++)
		if (!strcmp(run_case_at(i)->name, name))
			return run_case_at(i);
	return NULL;
}

static void expect(const char *name, enum run_result want, const char *reason)
{
	const struct run_case *c = find(name);
	struct run_outcome o;

	if (!c) {
		T_CHECK(0, "fixture %s not registered", name);
		return;
	}
	run_one(&opts, c, &o);
	T_CHECK(o.result == want, "%s: result %s, expected %s (%s)", name,
		report_result_name(o.result), report_result_name(want), o.reason);
	T_CHECK(!reason || strstr(o.reason, reason), "%s: reason '%s' lacks '%s'",
		name, o.reason, reason);
	free(o.log);
}

static void test_results(void)
{
	expect("passes", RUN_PASS, NULL);
	expect("fails", RUN_FAIL, "value is 7");
	expect("skips", RUN_SKIP, "CPUID 1:ECX[99]");
	expect("errors", RUN_ERROR, "harness broke");
	expect("crashes", RUN_ERROR, "SIGSEGV");
	expect("hangs", RUN_ERROR, "timeout");
	expect("library_assert", RUN_ERROR, "lib/kvm_util.c:42: ret == 0");
	expect("library_require", RUN_SKIP, "kvm_has_cap(KVM_CAP_X)");
	expect("exits_3", RUN_ERROR, "status 3");
	expect("hazard_seen", RUN_XFAIL, "known loss [observed: lost]");
	expect("hazard_fixed", RUN_XPASS, "not observed");
	expect("hazard_at_run_time", RUN_XFAIL, "value lost; keep it");
	expect("observes", RUN_FAIL, "after observing");
	expect("leaks_fd", RUN_ERROR, "/dev/null");
	expect("needs_kvm", RUN_SKIP, "/dev/kvm not present");
	expect("reports_seed", RUN_PASS, NULL);
}

static void test_observation(void)
{
	struct run_outcome o;

	run_one(&opts, find("observes"), &o);
	T_CHECK(!strcmp(o.observed, "applied 1"), "observed '%s'", o.observed);
	free(o.log);
	run_one(&opts, find("passes"), &o);
	T_CHECK(!o.observed[0], "no observation left from the case before: '%s'",
		o.observed);
	free(o.log);
}

static void test_timeout_is_bounded(void)
{
	struct timespec a, b;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &a);
	expect("hangs", RUN_ERROR, "after 1 s");
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	T_CHECK(s >= 0.9 && s < 4, "hang bounded by its 1 s timeout (took %.2f s)", s);
}

/* Orphans of a case come to us as subreaper: they must have been killed. */
static void test_process_group_killed(void)
{
	char path[] = "/tmp/xsave-abi-test-XXXXXX";
	int fd = mkstemp(path), status = 0;
	FILE *f;
	int pid = 0;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	setenv("XSABI_TEST_PIDFILE", path, 1);
	expect("leaves_child", RUN_PASS, NULL);
	f = fopen(path, "r");
	T_CHECK(f && fscanf(f, "%d", &pid) == 1, "grandchild pid recorded");
	if (f)
		fclose(f);
	T_CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
		WTERMSIG(status) == SIGKILL, "grandchild killed with the group");
	unlink(path);
	close(fd);
}

static void test_log_and_selection(void)
{
	struct run_outcome o;
	const char *globs[] = { "fixture.pa*" };
	struct run_opts sel = opts;

	run_one(&opts, find("prints_note"), &o);
	T_CHECK(o.log && strstr(o.log, "note 42"), "note captured");
	free(o.log);
	sel.include[0] = globs[0];
	sel.ninclude = 1;
	T_CHECK(run_selected(&sel, find("passes")) &&
		!run_selected(&sel, find("fails")), "-t glob");
	sel.ninclude = 0;
	sel.exclude[0] = "fixture.f*";
	sel.nexclude = 1;
	T_CHECK(!run_selected(&sel, find("fails")) &&
		run_selected(&sel, find("passes")), "-x glob");
	sel.nexclude = 0;
	sel.groups[0] = "host";
	sel.ngroups = 1;
	T_CHECK(!run_selected(&sel, find("passes")), "-g group");
}

static void test_exit_codes(void)
{
	struct run_totals t = { 0 };

	t.n[RUN_PASS] = 1;
	t.n[RUN_SKIP] = 3;
	t.n[RUN_XFAIL] = 1;
	T_CHECK(run_exit_code(&t) == 0, "pass, skip, xfail: 0");
	t.n[RUN_ERROR] = 1;
	T_CHECK(run_exit_code(&t) == 1, "error: 1");
	memset(&t, 0, sizeof(t));
	t.n[RUN_SKIP] = 2;
	T_CHECK(run_exit_code(&t) == 4, "only skips: 4");
	t.n[RUN_FAIL] = 1;
	T_CHECK(run_exit_code(&t) == 1, "fail: 1");
}

/* A verdict's report names its sources: KTAP before the result, JSON always. */
static void test_sources(void)
{
	static const char *const sources = "KVM API doc 4.43 KVM_SET_XSAVE; "
		"commit 4a804c4f8356 (\"x86/fpu: Allow PKRU to be (once again) "
		"written by ptrace.\")";
	struct run_outcome o[2];
	struct run_report r = { .res = o, .n = 2 };
	char want[512], *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	run_one(&opts, find("fails"), &o[0]);
	run_one(&opts, find("hazard_seen"), &o[1]);
	report_ktap_result(f, 1, &o[0], false);
	report_ktap_result(f, 2, &o[1], false);
	report_json(f, &r);
	fclose(f);
	snprintf(want, sizeof(want), "# fixture.fails: value is 7\n"
		 "# expected by: %s\nnot ok 1 fixture.fails\n", sources);
	T_CHECK(strstr(text, want) != NULL, "KTAP of a failure with its sources: %s",
		text);
	T_CHECK(strstr(text, "# expected by: KVM API doc 4.42 KVM_GET_XSAVE\n"
		       "ok 2 fixture.hazard_seen # XFAIL") != NULL,
		"KTAP of an XFAIL with its sources: %s", text);
	T_CHECK(strstr(text, "\"sources\":[{\"kind\":\"kvm_api_doc\","
		       "\"section\":\"4.43\",\"ioctl\":\"KVM_SET_XSAVE\"},"
		       "{\"kind\":\"commit\",\"id\":\"4a804c4f8356\",\"subject\":"
		       "\"x86/fpu: Allow PKRU to be (once again) written by ptrace.\"}]")
		!= NULL, "JSON sources of the failure: %s", text);
	free(text);
	free(o[0].log);
	free(o[1].log);
}

/* A case's matrix cell, from its outcome or, not selected, from the registry. */
static void test_matrix(void)
{
	struct run_outcome o;
	struct run_report r = { .res = &o, .n = 1 };
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	run_one(&opts, find("observes"), &o);
	report_matrix_ktap(f, &r);
	r.n = 0;
	report_matrix_ktap(f, &r);
	fclose(f);
	T_CHECK(strstr(text, "# pkru matrix: sigreturn bit_set: applied 1\n") &&
		strstr(text, "# pkru matrix: sigreturn bit_set: not measured: "
		       "fixture.observes not selected\n") &&
		strstr(text, "# pkru matrix: sigreturn bit_clear: not measured: "
		       "no case for it\n"), "matrix cells: %s", text);
	free(text);
	free(o.log);
}

/* The child really runs without capabilities and with no_new_privs. */
CASE(fixture, unprivileged, SOURCES(KVMDOC("4.42", "KVM_GET_XSAVE")))
{
	cap_t caps = cap_get_proc();
	cap_t none = cap_init();

	if (cap_compare(caps, none))
		run_fail("capabilities held: %s", cap_to_text(caps, NULL));
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		run_fail("no_new_privs not set");
}

int main(void)
{
	test_results();
	test_observation();
	test_timeout_is_bounded();
	test_process_group_killed();
	test_log_and_selection();
	test_exit_codes();
	test_sources();
	test_matrix();
	expect("unprivileged", RUN_PASS, NULL);
	return t_done("test_runner");
}
