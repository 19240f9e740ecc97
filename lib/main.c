// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave-abi: does this host's KVM save and restore guest XSAVE state, PKRU
 * above all, the way a VMM assumes? The command line, the host probe and
 * the requirement checks; everything else is in lib/run_*.c and vmm/.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/cmd.h"
#include "lib/host_report.h"
#include "lib/run.h"
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
"Checks that KVM saves and restores guest XSAVE state, PKRU above all, as\n"
"a VMM assumes. Prints KTAP on stdout.\n"
"\n"
"  --list            list the cases (group.name and requirements), run none\n"
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
"Exit status: 0 all passed (XFAIL, XPASS and SKIP count as passed), 1 a case\n"
"failed or hit a harness error, 2 usage error or /dev/kvm not accessible,\n"
"4 every selected case was skipped.\n");
}

static const char *unmet(unsigned int needs)
{
	const struct vmm_host *h = vmm_host();
	static char why[256];

	if ((needs & RUN_NEED_HOST_PKU) && !h->host_pku)
		return "host CPU has no PKU (CPUID 7.0:ECX[3] clear)";
	if ((needs & RUN_NEED_HOST_PKU) && !h->host_ospke)
		return "host kernel has not enabled PKU (CPUID 7.0:ECX[4] OSPKE clear)";
	if (!(needs & ~RUN_NEED_HOST_PKU))
		return NULL;
	if (h->kvm != VMM_KVM_OK)
		return "/dev/kvm not present";
	if ((needs & RUN_NEED_GUEST_XSAVE) && !h->guest_xsave)
		return "guest XSAVE unusable: KVM does not offer it "
		       "(KVM_GET_SUPPORTED_CPUID 1:ECX[26] clear)";
	if ((needs & RUN_NEED_GUEST_PKU) && !h->guest_pku)
		return "KVM does not offer PKU to guests "
		       "(KVM_GET_SUPPORTED_CPUID 7.0:ECX[3] clear)";
	if ((needs & RUN_NEED_XSAVE2) && !h->xsave2_size)
		return "KVM_CAP_XSAVE2 not supported (KVM_CHECK_EXTENSION returned 0)";
	if ((needs & RUN_NEED_XCOMP_SUPP) && h->xcomp_err) {
		snprintf(why, sizeof(why), "KVM_GET_DEVICE_ATTR(KVM_X86_XCOMP_GUEST_SUPP)"
			 " on /dev/kvm failed: %s", vmm_errname(h->xcomp_err));
		return why;
	}
	return NULL;
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
		for (b = 0; b < sizeof(need_names) / sizeof(need_names[0]); b++)
			if (c->needs & (1u << b))
				printf(" %s", need_names[b]);
		printf("%s\n", c->expect == RUN_EXPECT_XFAIL ? " (known hazard)" : "");
	}
}

/* An unusable /dev/kvm is the user's to fix, never a silent skip. */
static int kvm_access_error(const struct vmm_host *h)
{
	struct passwd *pw = getpwuid(h->kvm_uid);
	struct group *gr = getgrgid(h->kvm_gid);
	bool group_rw = (h->kvm_mode & 060) == 060 && h->kvm_gid != 0 && gr;

	fprintf(stderr,
		"xsave-abi: cannot open /dev/kvm: %s\n"
		"  /dev/kvm has mode %04o, owner %s, group %s; this process runs as uid %d\n",
		strerror(h->kvm_errno), h->kvm_mode & 07777,
		pw ? pw->pw_name : "?", gr ? gr->gr_name : "?", (int)getuid());
	if (group_rw)
		fprintf(stderr, "  fix: add the user to group %s (usermod -aG %s USER, "
			"then log in again)\n", gr->gr_name, gr->gr_name);
	else
		fprintf(stderr, "  fix: give the device to group kvm with a udev rule, in "
			"/etc/udev/rules.d/65-kvm.rules:\n"
			"    KERNEL==\"kvm\", GROUP=\"kvm\", MODE=\"0660\"\n"
			"  then add the user to group kvm (usermod -aG kvm USER) and log in again\n");
	return EXIT_USAGE;
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

static FILE *open_out(const char *path)
{
	FILE *f;

	if (!path)
		return NULL;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "xsave-abi: %s: %s\n", path, strerror(errno));
	return f;
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

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && *s && !*end;
}

/* xsave-abi NAME ARGS...: NAME's function gets argv from NAME on. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subcommands[] = {
	{ "host", run_cmd_host },
	{ "compat", run_cmd_compat },
	{ "state", run_cmd_state },
};

enum { OPT_LIST = 256, OPT_JSON, OPT_JUNIT, OPT_SEED, OPT_TIMEOUT, OPT_VERSION };

static const struct option longopts[] = {
	{ "list", no_argument, NULL, OPT_LIST },
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
	bool list;
	const char *json, *junit;
};

static int parse(int argc, char **argv, struct cli *c)
{
	uint64_t v;
	int opt, rc = 0;

	c->o.timeout_s = 10;
	c->o.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while (!rc && (opt = getopt_long(argc, argv, "t:x:g:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_LIST: c->list = true; break;
		case 't': rc = add_filter(c->o.include, &c->o.ninclude, optarg); break;
		case 'x': rc = add_filter(c->o.exclude, &c->o.nexclude, optarg); break;
		case 'g': rc = add_filter(c->o.groups, &c->o.ngroups, optarg); break;
		case OPT_JSON: c->json = optarg; break;
		case OPT_JUNIT: c->junit = optarg; break;
		case 'v': c->o.verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case OPT_VERSION: printf("xsave-abi %s\n", RUN_VERSION); exit(0);
		case OPT_SEED:
			if (!parse_u64(optarg, &c->o.seed))
				rc = -1;
			break;
		case OPT_TIMEOUT:
			if (!parse_u64(optarg, &v) || !v || v > 3600)
				rc = -1;
			c->o.timeout_s = v;
			break;
		default: rc = -1;
		}
	}
	if (!rc && optind < argc) {
		fprintf(stderr, "xsave-abi: unexpected argument '%s'\n", argv[optind]);
		rc = -1;
	}
	if (rc)
		usage(stderr);
	return rc;
}

static unsigned int count_selected(const struct run_opts *o)
{
	unsigned int i, n = 0;

	for (i = 0; i < run_ncases(); i++)
		n += run_selected(o, run_case_at(i));
	return n;
}

static int write_reports(const struct cli *c, const struct run_report *r,
			 FILE *json, FILE *junit)
{
	int rc = 0;

	if (json && (report_json(json, r) || fclose(json))) {
		fprintf(stderr, "xsave-abi: writing %s failed\n", c->json);
		rc = -1;
	}
	if (junit && (report_junit(junit, r) || fclose(junit))) {
		fprintf(stderr, "xsave-abi: writing %s failed\n", c->junit);
		rc = -1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	struct run_report r = { 0 };
	const struct vmm_host *h;
	const char *lib_why;
	FILE *json, *junit;
	unsigned int i;
	int rc;

	/* The library loads the guest from this file; PATH or a symlink won't do. */
	program_invocation_name = "/proc/self/exe";
	for (i = 0; argc > 1 && i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	if (parse(argc, argv, &c))
		return EXIT_USAGE;
	c.o.unmet = unmet;
	if (!count_selected(&c.o)) {
		fprintf(stderr, "xsave-abi: no case matches the filters (see --list)\n");
		return EXIT_USAGE;
	}
	if (c.list) {
		list_cases(&c.o);
		return 0;
	}
	h = vmm_host();
	if (h->kvm == VMM_KVM_NO_ACCESS && any_needs_kvm(&c.o))
		return kvm_access_error(h);
	lib_why = vmm_lib_unsupported(h);
	if (lib_why && any_needs_kvm(&c.o)) {
		fprintf(stderr, "xsave-abi: %s\n", lib_why);
		return EXIT_USAGE;
	}
	json = open_out(c.json);
	junit = open_out(c.junit);
	if ((c.json && !json) || (c.junit && !junit))
		return EXIT_USAGE;
	r.host_ktap = host_report_ktap(h);
	r.host_json = host_report_json(h);
	rc = run_all(&c.o, &r, stdout);
	if (rc < 0) {
		fprintf(stderr, "xsave-abi: %s\n", strerror(-rc));
		return 1;
	}
	if (write_reports(&c, &r, json, junit))
		rc = 1;
	free((char *)r.host_ktap);
	free((char *)r.host_json);
	run_report_free(&r);
	return rc;
}
