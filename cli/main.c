// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave-abi: does this host's KVM save and restore guest XSAVE state, PKRU
 * above all, the way a VMM assumes? The command line, the host probe and
 * the requirement checks; everything else is in lib/run_*.c and vmm/.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/cmd_common.h"
#include "cli/cmd_out.h"
#include "lib/array.h"
#include "lib/host_report.h"
#include "lib/report.h"
#include "qemu/qemu.h"
#include "vmm/vmm.h"

#define EXIT_USAGE 2

static void usage(FILE *f)
{
	fprintf(f,
"usage: xsave-abi [options]\n"
"       xsave-abi host [--json FILE]       this host's report alone\n"
"       xsave-abi compat SRC.json DST.json  migration hazards from SRC to DST\n"
"       xsave-abi state save FILE [--seed N]  a vCPU's XSAVE state to a file\n"
"       xsave-abi state load FILE  restore it here, checked by component\n"
"       xsave-abi compose [--json F] [--junit F] RUN_DIR...  the report of a\n"
"                          run.sh --vm run from its boots' folders\n"
"       xsave-abi qemu save FILE [--seed N]  QEMU migrates its checked guest\n"
"                          to a file\n"
"       xsave-abi qemu load FILE  QEMU restores it here; the guest checks itself\n"
"Checks that KVM saves and restores guest XSAVE state, PKRU above all, as\n"
"a VMM assumes. Prints KTAP on stdout.\n"
"\n"
"  --list            list the cases (group.name and requirements), run none\n"
"  --hazards         list the known hazards (XFAIL cases) and what a VMM\n"
"                    must do about each, run none\n"
"  -t, --test GLOB   run only cases whose group.name matches GLOB (repeatable)\n"
"  -x, --exclude GLOB  skip cases whose group.name matches GLOB (repeatable)\n"
"  -g, --group NAME  run only this group (repeatable)\n"
"  --json FILE       also write results and the host report as JSON\n"
"  --junit FILE      also write results as JUnit XML\n"
"  --seed N          seed for generated data (default: from the clock, printed)\n"
"  --timeout SEC     per-case timeout in seconds (default 10)\n"
"  -v, --verbose     show every case's diagnostics, not only failures'\n"
"  -h, --help        this text\n"
"  --version         print the version\n"
"\n"
"Group qemu and the qemu subcommand run Debian's QEMU with -accel kvm\n"
"-cpu host: $XSAVE_ABI_QEMU (default " QEMU_DEFAULT_BINARY ") and\n"
"$XSAVE_ABI_L2, the guest it boots (default: l2/l2.elf in this program's\n"
"folder); work files in a fresh folder in $TMPDIR (default /tmp).\n"
"\n"
"Exit status: 0 all passed (XFAIL, XPASS and SKIP count as passed), 1 a case\n"
"failed or hit a harness error, 2 usage error or /dev/kvm not accessible,\n"
"4 every selected case was skipped.\n");
}

static void list_cases(const struct run_opts *o)
{
	static const char *const need_names[] = {
		"kvm", "guest-xsave", "guest-pku", "xsave2", "xcomp-guest-supp",
		"host-pku",
	};
	unsigned int i, b;
	char name[256];

	for (i = 0; i < run_ncases(); i++) {
		const struct run_case *c = run_case_at(i);

		if (!run_selected(o, c))
			continue;
		run_case_fullname(c, name, sizeof(name));
		printf("%-48s", name);
		for (b = 0; b < ARRAY_SIZE(need_names); b++)
			if (c->needs & (1u << b))
				printf(" %s", need_names[b]);
		printf("%s\n", c->expect == RUN_EXPECT_XFAIL ? " (known hazard)" : "");
	}
}

/* The known hazards, each written once, in its case; the README shows
 * this list as it is (tests/test_docs.sh). */
static void list_hazards(const struct run_opts *o)
{
	unsigned int i;
	char name[256];

	for (i = 0; i < run_ncases(); i++) {
		const struct run_case *c = run_case_at(i);

		if (!run_selected(o, c) || c->expect != RUN_EXPECT_XFAIL)
			continue;
		run_case_fullname(c, name, sizeof(name));
		printf("- `%s`: %s.\n", name, c->hazard);
	}
}

static bool any_needs_kvm(const struct run_opts *o)
{
	unsigned int i;

	for (i = 0; i < run_ncases(); i++)
		if (run_selected(o, run_case_at(i)) &&
		    (run_case_at(i)->needs & ~RUN_NEED_HOST_PKU))
			return true;
	return false;
}

static int add_filter(const char **v, int *n, const char *s)
{
	if (*n >= RUN_MAX_FILTERS) {
		fprintf(stderr, "xsave-abi: at most %d filters of a kind\n",
			RUN_MAX_FILTERS);
		return -1;
	}
	v[(*n)++] = s;
	return 0;
}

/* xsave-abi NAME ARGS...: NAME's function gets argv from NAME on. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subcommands[] = {
	{ "host", run_cmd_host },
	{ "compat", run_cmd_compat },
	{ "state", run_cmd_state },
	{ "compose", run_cmd_compose },
	{ "qemu", run_cmd_qemu },
};

enum { OPT_LIST = 256, OPT_HAZARDS, OPT_JSON, OPT_JUNIT, OPT_SEED, OPT_TIMEOUT, OPT_VERSION };

static const struct option longopts[] = {
	{ "list", no_argument, NULL, OPT_LIST },
	{ "hazards", no_argument, NULL, OPT_HAZARDS },
	{ "test", required_argument, NULL, 't' },
	{ "exclude", required_argument, NULL, 'x' },
	{ "group", required_argument, NULL, 'g' },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

struct cli {
	struct run_opts o;
	bool list, hazards;
	struct out_reports out;
};

#define PARSE_DONE 1	/* --help or --version printed: exit 0 */

static int parse_opt(int opt, struct cli *c)
{
	uint64_t v;

	switch (opt) {
	case OPT_LIST: c->list = true; return 0;
	case OPT_HAZARDS: c->list = c->hazards = true; return 0;
	case 't': return add_filter(c->o.include, &c->o.ninclude, optarg);
	case 'x': return add_filter(c->o.exclude, &c->o.nexclude, optarg);
	case 'g': return add_filter(c->o.groups, &c->o.ngroups, optarg);
	case OPT_JSON: c->out.json = optarg; return 0;
	case OPT_JUNIT: c->out.junit = optarg; return 0;
	case 'v': c->o.verbose = true; return 0;
	case 'h': usage(stdout); return PARSE_DONE;
	case OPT_VERSION: printf("xsave-abi %s\n", RUN_VERSION); return PARSE_DONE;
	case OPT_SEED:
		return cmd_number("xsave-abi", "--seed", optarg, 0, UINT64_MAX,
				  &c->o.seed);
	case OPT_TIMEOUT:
		if (cmd_number("xsave-abi", "--timeout", optarg, 1, 3600, &v))
			return -1;
		c->o.timeout_s = v;
		return 0;
	}
	return -1;	/* getopt_long said why */
}

static int parse(int argc, char **argv, struct cli *c)
{
	int opt, rc = 0;

	c->o.timeout_s = 10;
	c->o.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while (!rc && (opt = getopt_long(argc, argv, "t:x:g:vh", longopts, NULL)) != -1)
		rc = parse_opt(opt, c);
	if (!rc && optind < argc) {
		fprintf(stderr, "xsave-abi: unexpected argument '%s'\n", argv[optind]);
		rc = -1;
	}
	if (rc < 0)
		fprintf(stderr, "xsave-abi: see xsave-abi --help\n");
	return rc;
}

static unsigned int count_selected(const struct run_opts *o)
{
	unsigned int i, n = 0;

	for (i = 0; i < run_ncases(); i++)
		n += run_selected(o, run_case_at(i));
	return n;
}

/* A signal stops the run: its case's processes and temporary files go,
 * then the harness dies by the same signal. */
static void on_signal(int sig)
{
	run_stop_child();
	out_remove_temporaries();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigfillset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int json_writer(FILE *f, const void *r)
{
	return report_json(f, r);
}

static int junit_writer(FILE *f, const void *r)
{
	return report_junit(f, r);
}

static int run(struct cli *c)
{
	struct run_report r = { 0 };
	const struct vmm_host *h = vmm_host();
	int rc;

	if (any_needs_kvm(&c->o) && h->kvm != VMM_KVM_ABSENT &&
	    cmd_need_kvm("xsave-abi"))
		return EXIT_USAGE;
	r.host_ktap = host_report_ktap(h);
	r.host_json = host_report_json(h);
	rc = run_all(&c->o, &r, stdout);
	if (rc < 0) {
		fprintf(stderr, "xsave-abi: %s\n", strerror(-rc));
		rc = 1;
	} else if (out_reports_write(&c->out, "xsave-abi", json_writer,
				     junit_writer, &r)) {
		rc = 1;
	}

	free((char *)r.host_ktap);
	free((char *)r.host_json);
	run_report_free(&r);
	return rc;
}

static int harness(int argc, char **argv)
{
	struct cli c = { 0 };
	int rc;

	rc = parse(argc, argv, &c);
	if (rc)
		return rc == PARSE_DONE ? 0 : EXIT_USAGE;
	c.o.unmet = cmd_unmet;
	if (!count_selected(&c.o)) {
		fprintf(stderr, "xsave-abi: no case matches the filters (see --list)\n");
		return EXIT_USAGE;
	}
	/* Before anything runs, under --list too (run.sh --vm checks so). */
	if (out_reports_check(&c.out, c.list, "xsave-abi"))
		return EXIT_USAGE;
	if (c.list) {
		out_reports_discard(&c.out);
		if (c.hazards)
			list_hazards(&c.o);
		else
			list_cases(&c.o);
		return 0;
	}
	rc = run(&c);
	out_reports_discard(&c.out);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned int i;

	/* The library loads the guest from this file; PATH or a symlink won't do. */
	program_invocation_name = "/proc/self/exe";
	if (out_std_init()) {
		fprintf(stderr, "xsave-abi: standard output is closed\n");
		return EXIT_USAGE;
	}
	catch_signals();
	for (i = 0; argc > 1 && i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return out_stdout_done("xsave-abi",
					       subcommands[i].run(argc - 1, argv + 1));
	return out_stdout_done("xsave-abi", harness(argc, argv));
}
