// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave-abi compat SRC.json DST.json: what can go wrong when a guest moves
 * from the host SRC.json describes to DST.json's, read from two host
 * reports (xsave-abi host --json). Each hazard is one line: what differs,
 * what it means for the migration, what a VMM should do about it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/cmd_json.h"
#include "lib/array.h"

#define KV(major, minor) ((major) << 16 | (minor))

static void read_layout(struct cmd_reader *r, const json_t *a,
			struct xs_layout *l)
{
	uint64_t i, offset, size;
	const json_t *c;
	char ctx[40];
	size_t n;

	xs_layout_init(l);
	json_array_foreach(a, n, c) {
		snprintf(ctx, sizeof(ctx), "xstate_layout[%zu]", n);
		if (!cmd_want(r, c, ctx, "object"))
			break;
		strcat(ctx, ".");
		r->ctx = ctx;
		i = cmd_need_uint(r, c, "component", XS_NCOMP - 1);
		offset = cmd_need_uint(r, c, "offset", UINT32_MAX);
		size = cmd_need_uint(r, c, "size", UINT32_MAX);
		if (!r->bad && xs_layout_add(l, i, size, offset, 0))
			cmd_bad(r, "%scomponent %llu: not an extended component "
				"(2 to 63) of nonzero size", ctx,
				(unsigned long long)i);
		r->ctx = "";
		if (r->bad)
			break;
	}
}

/* Decimal digits at *s, moved past them, as a number up to 65535; or -1. */
static long release_part(const char **s)
{
	const char *p = *s;
	long v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + *p - '0';
		if (v > 0xffff)
			return -1;
	}
	*s = p;
	return v;
}

/* A release "major.minor", then its end or a non-digit, as KV(); or -1. */
static long kernel_version(const char *s)
{
	long major = release_part(&s), minor;

	if (major < 0 || *s++ != '.')
		return -1;
	minor = release_part(&s);
	return minor < 0 ? -1 : KV(major, minor);
}

static int host_read(const json_t *j, struct compat_host *h, char *why,
		     size_t size)
{
	struct cmd_reader r = { .why = why, .size = size, .what = "a host report",
				 .ctx = "" };
	const json_t *host = json_object_get(j, "host");
	long kv;

	if (json_is_object(host))
		j = host;
	memset(h, 0, sizeof(*h));
	if (!cmd_want(&r, j, "the report", "object"))
		return -1;
	cmd_need_str(&r, j, "kernel", h->kernel, sizeof(h->kernel));
	cmd_need_str(&r, j, "cpu_vendor", h->vendor, sizeof(h->vendor));
	cmd_need_str(&r, j, "kvm", h->kvm, sizeof(h->kvm));
	/* XCR0 bit 63 is reserved (SDM Vol. 1, 13.3). */
	h->kvm_xcr0 = cmd_need_uint(&r, j, "kvm_supported_xcr0", INT64_MAX);
	h->xsave2_size = cmd_need_uint(&r, j, "xsave2_size", INT32_MAX);
	h->host_pku = cmd_need_bool(&r, j, "host_pku");
	h->host_ospke = cmd_need_bool(&r, j, "host_ospke");
	h->guest_xsave = cmd_need_bool(&r, j, "guest_xsave");
	h->guest_pku = cmd_need_bool(&r, j, "guest_pku");
	read_layout(&r, cmd_want(&r, json_object_get(j, "xstate_layout"),
			     "xstate_layout", "array"), &h->layout);
	kv = r.bad ? 0 : kernel_version(h->kernel);
	if (kv < 0)
		cmd_bad(&r, "kernel: \"%s\" is not a release major.minor..., "
			"each from 0 to 65535", h->kernel);
	h->kv = kv;
	return r.bad ? -1 : 0;
}

int compat_host_parse(const char *text, size_t len, struct compat_host *h,
		      char *why, size_t size)
{
	json_t *j = cmd_json_load(text, len, why, size);
	int rc;

	if (!j)
		return -1;
	rc = host_read(j, h, why, size);
	json_decref(j);
	return rc;
}

/* One hazard line on out; out NULL only counts. */
static unsigned int hazard(FILE *out, const char *fmt, ...)
{
	va_list ap;

	if (!out)
		return 1;
	fputs("hazard: ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	return 1;
}

static unsigned int vendor_rule(const struct compat_host *s,
				const struct compat_host *d, FILE *out)
{
	if (!strcmp(s->vendor, d->vendor))
		return 0;
	return hazard(out, "vendor (informational): the source CPU is %s, the "
		      "destination's %s: vendors lay out XSAVE state differently "
		      "(PKRU at 0xa80 on Intel, 0x980 on many AMD parts) and offer "
		      "different components; migrate across vendors only with a "
		      "guest CPU model both accept and the state moved component "
		      "by component", s->vendor, d->vendor);
}

static bool kvm_usable(const struct compat_host *h)
{
	return !strcmp(h->kvm, "usable");
}

static unsigned int kvm_rule(const char *side, const struct compat_host *h,
			     FILE *out)
{
	if (kvm_usable(h))
		return 0;
	return hazard(out, "kvm: /dev/kvm was %s on the %s when its report was "
		      "written: its KVM fields (supported XCR0, XSAVE2 size, guest "
		      "PKU) are unknown and were not compared; write the report "
		      "again with KVM loaded and /dev/kvm open to the user",
		      h->kvm, side);
}

static unsigned int components_rule(const struct compat_host *s,
				    const struct compat_host *d, FILE *out)
{
	uint64_t lost = s->kvm_xcr0 & ~d->kvm_xcr0;
	unsigned int n = 0;
	int i;

	for (i = 0; i < XS_NCOMP; i++) {
		if (!(lost & XS_BIT(i)))
			continue;
		n += hazard(out, "components: the source KVM supports XSAVE "
			    "component %d (%s), the destination's does not "
			    "(supported XCR0 0x%llx, 0x%llx): the destination "
			    "KVM rejects KVM_SET_XSAVE with XSTATE_BV bit %d set, so "
			    "a guest using it cannot be restored there; give guests "
			    "that may migrate there a CPU model masked to the "
			    "intersection, XCR0 0x%llx", i, xs_name(i),
			    (unsigned long long)s->kvm_xcr0,
			    (unsigned long long)d->kvm_xcr0, i,
			    (unsigned long long)(s->kvm_xcr0 & d->kvm_xcr0));
	}
	return n;
}

static unsigned int layout_rule(const struct compat_host *s,
				const struct compat_host *d, FILE *out)
{
	uint64_t both = s->layout.xfeatures & d->layout.xfeatures;
	const struct xs_comp *a, *b;
	unsigned int n = 0;
	int i;

	for (i = 0; i < XS_NCOMP; i++) {
		a = &s->layout.comp[i];
		b = &d->layout.comp[i];
		if (!(both & XS_BIT(i)) ||
		    (a->offset == b->offset && a->size == b->size))
			continue;
		n += hazard(out, "layout: component %d (%s) is at offset 0x%x, "
			    "size 0x%x on the source and at offset 0x%x, size "
			    "0x%x on the destination: raw XSAVE buffers must be "
			    "converted by component; copying bytes restores them "
			    "at the wrong offsets; move the state component by "
			    "component, each side's offsets from its own CPUID 0xD",
			    i, xs_name(i), a->offset, a->size, b->offset, b->size);
	}
	return n;
}

/* KVM_GET_XSAVE's struct kvm_xsave, 4096 bytes, is there without XSAVE2. */
static uint32_t xsave_size(const struct compat_host *h)
{
	return h->xsave2_size > XS_KVM_SIZE ? h->xsave2_size : XS_KVM_SIZE;
}

static unsigned int xsave2_rule(const struct compat_host *s,
				const struct compat_host *d, FILE *out)
{
	if (xsave_size(d) >= xsave_size(s))
		return 0;
	return hazard(out, "xsave2: the destination's XSAVE buffer is %u bytes%s, "
		      "the source's %u: state past byte %u, of components the "
		      "destination lacks, cannot be restored there; size buffers "
		      "by each side's own KVM_CAP_XSAVE2 and mask the guest CPU "
		      "model to the components the destination supports",
		      xsave_size(d), d->xsave2_size ? "" :
		      " (no KVM_CAP_XSAVE2: struct kvm_xsave)", xsave_size(s),
		      xsave_size(d));
}

/* KVM_GET_SUPPORTED_CPUID 1:ECX[26]: without it no guest state beyond
 * x87 and SSE exists to move. */
static unsigned int xsave_rule(const struct compat_host *s,
			       const struct compat_host *d, FILE *out)
{
	if (s->guest_xsave == d->guest_xsave)
		return 0;
	return hazard(out, "xsave: the %s KVM lets guests use XSAVE, the %s's "
		      "does not: a guest that enabled XSAVE (XCR0, AVX, PKRU) "
		      "cannot run on a host without it; keep guests that may "
		      "migrate between the two without XSAVE in their CPU model, "
		      "or do not migrate them", s->guest_xsave ? "source" : "destination",
		      s->guest_xsave ? "destination" : "source");
}

/* Why a host's KVM does not offer PKU to guests. */
static const char *no_guest_pku(const struct compat_host *h)
{
	if (!h->host_pku)
		return "its CPU has no PKU";
	if (!h->host_ospke)
		return "its kernel has not enabled PKU, OSPKE clear";
	return "its KVM hides PKU: no EPT/NPT, or an emulating KVM";
}

static unsigned int pku_rule(const struct compat_host *s,
			     const struct compat_host *d, FILE *out)
{
	if (s->guest_pku == d->guest_pku)
		return 0;
	if (s->guest_pku)
		return hazard(out, "pku: the source KVM offers PKU to guests, the "
			      "destination's does not (%s): a guest that saw PKU "
			      "in its CPUID loses it there, and its PKRU cannot be "
			      "restored; start guests that may migrate there "
			      "without PKU in their CPU model", no_guest_pku(d));
	return hazard(out, "pku: the destination KVM offers PKU to guests, the "
		      "source's does not (%s): keep the guest's CPU model from "
		      "the source, without PKU; a VMM that builds it from the "
		      "destination's KVM_GET_SUPPORTED_CPUID changes the CPUID "
		      "under a running guest, and the guest cannot migrate back",
		      no_guest_pku(s));
}

/* Kernel series with a known XSAVE behaviour change, from and to inclusive. */
static const struct {
	unsigned int from, to;
	const char *range, *what;
} kernel_ranges[] = {
	{ KV(5, 14), KV(6, 0), "5.14 to 6.0", "PTRACE_SETREGSET(NT_X86_XSTATE) "
	  "ignores PKRU (fixed by \"x86/fpu: Allow PKRU to be (once again) "
	  "written by ptrace\"); a tool that restores a process's PKRU by "
	  "ptrace, such as a checkpoint of the VMM itself, must not rely on it "
	  "there; xsave-abi -g ptrace on that host tells" },
	{ KV(5, 17), KV(6, 5), "5.17 to 6.5", "KVM_SET_XSAVE may reject (EINVAL) "
	  "XSTATE_BV bits of components the vCPU's guest CPUID lacks (fixed by "
	  "\"KVM: x86: Constrain guest-supported xfeatures only at "
	  "KVM_GET_XSAVE{2}\", backported to some stable kernels); set the "
	  "guest CPUID before KVM_SET_XSAVE and keep XSTATE_BV within it; "
	  "xsave-abi -g cpuid on that host tells" },
	/* pkru.get_slot_with_bit_clear: 5.10 copies only set components. */
	{ KV(5, 16), KV(6, 2), "5.16 to 6.2", "KVM_GET_XSAVE writes the PKRU "
	  "slot even with XSTATE_BV bit 9 clear (0 since \"x86/fpu/xstate: "
	  "Prevent false-positive warning in __copy_xstate_uabi_buf()\", in "
	  "6.3 and 6.1.22); take PKRU from the slot only when bit 9 is set, and "
	  "never compare buffers from the two sides byte for byte" },
};

static unsigned int kernel_rule(const char *side, const struct compat_host *h,
				FILE *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(kernel_ranges); i++)
		if (h->kv >= kernel_ranges[i].from && h->kv <= kernel_ranges[i].to)
			n += hazard(out, "kernel: the %s runs %s (%s): %s", side,
				    h->kernel, kernel_ranges[i].range,
				    kernel_ranges[i].what);
	return n;
}

/* compat --kernel-hazards: the kernel ranges, as the docs show them. */
static void list_kernel_hazards(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kernel_ranges); i++)
		printf("- %s: %s\n", kernel_ranges[i].range, kernel_ranges[i].what);
}

static unsigned int newer_rule(const struct compat_host *s,
			       const struct compat_host *d, FILE *out)
{
	if (s->kv <= d->kv)
		return 0;
	return hazard(out, "kernel: the source runs %s, a newer series than the "
		      "destination's %s: a newer kernel may save state an older "
		      "one cannot restore; keep the guest CPU model to what the "
		      "destination KVM offers, and try the migration before "
		      "relying on it", s->kernel, d->kernel);
}

unsigned int compat_hazards(const struct compat_host *s,
			    const struct compat_host *d, FILE *out)
{
	unsigned int n;

	n = vendor_rule(s, d, out);
	n += kvm_rule("source", s, out);
	n += kvm_rule("destination", d, out);
	/* An unusable /dev/kvm leaves the KVM fields zero, not unsupported. */
	if (kvm_usable(s) && kvm_usable(d)) {
		n += components_rule(s, d, out);
		n += xsave2_rule(s, d, out);
		n += xsave_rule(s, d, out);
		n += pku_rule(s, d, out);
	}
	n += layout_rule(s, d, out);
	n += kernel_rule("source", s, out);
	n += kernel_rule("destination", d, out);
	n += newer_rule(s, d, out);
	return n;
}

/* The report in path as h: 0, or -1 with the reason on stderr. */
static int load(const char *path, struct compat_host *h)
{
	char why[256];
	size_t len;
	char *text = cmd_read_all(path, CMD_JSON_FILE_MAX, &len);
	int rc;

	if (!text) {
		fprintf(stderr, "xsave-abi compat: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = compat_host_parse(text, len, h, why, sizeof(why));
	free(text);
	if (rc)
		fprintf(stderr, "xsave-abi compat: %s: %s\n", path, why);
	return rc;
}

static void compat_usage(FILE *f)
{
	fprintf(f,
"usage: xsave-abi compat SRC.json DST.json\n"
"       xsave-abi compat --kernel-hazards\n"
"Lists the hazards of migrating a guest from the host SRC.json describes to\n"
"DST.json's: files from xsave-abi host --json, or a run's --json output.\n"
"--kernel-hazards lists the kernel series it warns about, and why.\n"
"\n"
"Exit status: 0 compatible, 1 hazards found, 2 usage error or bad input.\n");
}

static const struct option compat_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "kernel-hazards", no_argument, NULL, 'k' },
	{ 0 },
};

/* main checks standard output once this returns (out_stdout_done()): a
 * failed write makes the exit status 1. */
int run_cmd_compat(int argc, char **argv)
{
	struct compat_host src, dst;
	bool kernels = false;
	unsigned int n;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", compat_opts, NULL)) != -1) {
		if (opt == 'h') {
			compat_usage(stdout);
			return 0;
		}
		if (opt == 'k') {
			kernels = true;
			continue;
		}
		compat_usage(stderr);
		return CMD_EXIT_USAGE;
	}
	if (kernels && argc == optind) {
		list_kernel_hazards();
		return 0;
	}
	if (kernels || argc - optind != 2) {
		compat_usage(stderr);
		return CMD_EXIT_USAGE;
	}
	argv += optind;
	if (load(argv[0], &src) || load(argv[1], &dst))
		return CMD_EXIT_USAGE;
	/* Counted first: the count heads the list. */
	n = compat_hazards(&src, &dst, NULL);
	if (n)
		printf("compat: %s -> %s: %u hazard(s)\n", argv[0], argv[1], n);
	else
		printf("compat: %s -> %s: compatible\n", argv[0], argv[1]);
	compat_hazards(&src, &dst, stdout);
	return n ? 1 : 0;
}
