// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave-abi host [--json FILE]: this host's report alone, the input of
 * xsave-abi compat. It needs no /dev/kvm: a host without KVM is described
 * as such.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/cmd_out.h"
#include "lib/host_report.h"
#include "lib/run.h"

static void host_usage(FILE *f)
{
	fprintf(f,
"usage: xsave-abi host [--json FILE]\n"
"Prints this host's report (CPU, XSAVE layout, what KVM offers guests) as\n"
"KTAP diagnostic lines, or with --json writes it to FILE as JSON, the\n"
"input of xsave-abi compat. /dev/kvm is not required.\n");
}

/* The host object with the tool's name and version as its first members. */
static int write_json(struct out_file *o, const char *host)
{
	FILE *f = out_begin(o);
	int err;

	if (!f) {
		err = errno;
		out_discard(o);
	} else {
		/* host_report_json() writes an object: "{" then its members. */
		fprintf(f, "{\"tool\":\"xsave-abi\",\"version\":\"%s\",%s\n",
			RUN_VERSION, host + 1);
		err = -out_commit(o, f);
	}
	if (err)
		fprintf(stderr, "xsave-abi host: writing %s: %s\n", o->path,
			strerror(err));
	return err ? 1 : 0;
}

static const struct option host_opts[] = {
	{ "json", required_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int run_cmd_host(int argc, char **argv)
{
	static struct out_file out;
	const char *json = NULL;
	char why[PATH_MAX + 128];
	char *text;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", host_opts, NULL)) != -1) {
		if (opt == 'h') {
			host_usage(stdout);
			return 0;
		}
		if (opt != 'j') {
			host_usage(stderr);
			return CMD_EXIT_USAGE;
		}
		json = optarg;
	}
	if (optind < argc) {
		fprintf(stderr, "xsave-abi host: unexpected argument '%s'\n",
			argv[optind]);
		return CMD_EXIT_USAGE;
	}
	if (json && out_check(&out, json, false, why, sizeof(why))) {
		fprintf(stderr, "xsave-abi host: %s\n", why);
		return CMD_EXIT_USAGE;
	}
	text = json ? host_report_json(vmm_host()) : host_report_ktap(vmm_host());
	if (!text) {
		fprintf(stderr, "xsave-abi host: out of memory\n");
		if (json)
			out_discard(&out);
		return 1;
	}
	if (json)
		rc = write_json(&out, text);
	else
		rc = fputs(text, stdout) < 0;
	free(text);
	return rc;
}
