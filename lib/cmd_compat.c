// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave-abi compat SRC.json DST.json: what can go wrong when a guest moves
 * from the host SRC.json describes to DST.json's, read from two host
 * reports (xsave-abi host --json). Each hazard is one line: what differs,
 * what it means for the migration, what a VMM should do about it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmd.h"

#define FILE_MAX (16u << 20)	/* far above any host report or run */
#define KV(major, minor) ((major) << 16 | (minor))

/* Reads fields, keeping the first reason a report is unusable. */
struct reader {
	char *why;
	size_t size;
	const char *ctx;	/* prefix of field names in reasons */
	bool bad;
};

static void bad_field(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->bad)
		return;
	r->bad = true;
	va_start(ap, fmt);
	vsnprintf(r->why, r->size, fmt, ap);
	va_end(ap);
}

static const struct json *want(struct reader *r, const struct json *v,
			       const char *name, enum json_type t)
{
	if (!v)
		bad_field(r, "%s%s: missing", r->ctx, name);
	else if (v->type != t)
		bad_field(r, "%s%s: expected %s, got %s", r->ctx, name,
			  json_type_name(t), json_type_name(v->type));
	return r->bad ? NULL : v;
}

static const char *need_str(struct reader *r, const struct json *o,
			    const char *key)
{
	const struct json *v = want(r, json_get(o, key), key, JSON_STRING);

	return v ? v->str : "";
}

static bool need_bool(struct reader *r, const struct json *o, const char *key)
{
	const struct json *v = want(r, json_get(o, key), key, JSON_BOOL);

	return v && v->b;
}

static uint64_t need_u64(struct reader *r, const struct json *o,
			 const char *key, uint64_t max)
{
	const struct json *v = want(r, json_get(o, key), key, JSON_NUMBER);

	if (v && (!v->is_u64 || v->u64 > max))
		bad_field(r, "%s%s: expected an integer from 0 to %llu", r->ctx,
			  key, (unsigned long long)max);
	return r->bad ? 0 : v->u64;
}

static void read_layout(struct reader *r, const struct json *a,
			struct xs_layout *l)
{
	const struct json *c;
	uint64_t i, offset, size;
	unsigned int n = 0;
	char ctx[32];

	xs_layout_init(l);
	for (c = a ? a->child : NULL; c && !r->bad; c = c->next, n++) {
		snprintf(ctx, sizeof(ctx), "xstate_layout[%u]", n);
		if (!want(r, c, ctx, JSON_OBJECT))
			break;
		strcat(ctx, ".");
		r->ctx = ctx;
		i = need_u64(r, c, "component", XS_NCOMP - 1);
		offset = need_u64(r, c, "offset", UINT32_MAX);
		size = need_u64(r, c, "size", UINT32_MAX);
		if (!r->bad && xs_layout_add(l, i, size, offset, 0))
			bad_field(r, "%scomponent %llu: not an extended component "
				  "(2 to 63) of nonzero size", ctx,
				  (unsigned long long)i);
		r->ctx = "";
	}
}

int compat_host_read(const struct json *j, struct compat_host *h, char *why,
		     size_t size)
{
	struct reader r = { .why = why, .size = size, .ctx = "" };
	const struct json *host = json_get(j, "host");
	unsigned int major = 0, minor = 0;

	if (host && host->type == JSON_OBJECT)
		j = host;
	if (!want(&r, j, "the report", JSON_OBJECT))
		return -1;
	memset(h, 0, sizeof(*h));
	h->kernel = need_str(&r, j, "kernel");
	h->vendor = need_str(&r, j, "cpu_vendor");
	h->kvm = need_str(&r, j, "kvm");
	h->kvm_xcr0 = need_u64(&r, j, "kvm_supported_xcr0", UINT64_MAX);
	h->xsave2_size = need_u64(&r, j, "xsave2_size", INT32_MAX);
	h->host_pku = need_bool(&r, j, "host_pku");
	h->host_ospke = need_bool(&r, j, "host_ospke");
	h->guest_xsave = need_bool(&r, j, "guest_xsave");
	h->guest_pku = need_bool(&r, j, "guest_pku");
	read_layout(&r, want(&r, json_get(j, "xstate_layout"), "xstate_layout",
			     JSON_ARRAY), &h->layout);
	if (!r.bad && (sscanf(h->kernel, "%u.%u", &major, &minor) != 2 ||
		       major > 0xffff || minor > 0xffff))
		bad_field(&r, "kernel: \"%s\" is not a release major.minor...",
			  h->kernel);
	h->kv = KV(major, minor);
	return r.bad ? -1 : 0;
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
	{ 0, KV(6, 2), "before 6.3", "KVM_GET_XSAVE writes the PKRU slot even "
	  "with XSTATE_BV bit 9 clear (since 6.3 the slot is 0 then); take "
	  "PKRU from the slot only when bit 9 is set, and never compare "
	  "buffers from the two sides byte for byte" },
};

static unsigned int kernel_rule(const char *side, const struct compat_host *h,
				FILE *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(kernel_ranges) / sizeof(kernel_ranges[0]); i++)
		if (h->kv >= kernel_ranges[i].from && h->kv <= kernel_ranges[i].to)
			n += hazard(out, "kernel: the %s runs %s (%s): %s", side,
				    h->kernel, kernel_ranges[i].range,
				    kernel_ranges[i].what);
	return n;
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

/* The report in path as h; its JSON tree, which h points into, or NULL. */
static struct json *load(const char *path, struct compat_host *h)
{
	struct json_error err;
	struct json *j;
	char why[160];
	size_t len;
	char *text = cmd_read_all(path, FILE_MAX, &len);

	if (!text) {
		fprintf(stderr, "xsave-abi compat: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	j = json_parse(text, len, &err);
	free(text);
	if (!j) {
		fprintf(stderr, "xsave-abi compat: %s: not JSON: byte %zu: %s\n",
			path, err.offset, err.msg);
		return NULL;
	}
	if (compat_host_read(j, h, why, sizeof(why))) {
		fprintf(stderr, "xsave-abi compat: %s: not a host report: %s\n",
			path, why);
		json_free(j);
		return NULL;
	}
	return j;
}

static void compat_usage(FILE *f)
{
	fprintf(f,
"usage: xsave-abi compat SRC.json DST.json\n"
"Lists the hazards of migrating a guest from the host SRC.json describes to\n"
"DST.json's: files from xsave-abi host --json, or a run's --json output.\n"
"\n"
"Exit status: 0 compatible, 1 hazards found, 2 usage error or bad input.\n");
}

int run_cmd_compat(int argc, char **argv)
{
	struct compat_host src, dst;
	struct json *sj, *dj = NULL;
	unsigned int n;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		compat_usage(stdout);
		return 0;
	}
	if (argc != 3) {
		compat_usage(stderr);
		return CMD_EXIT_USAGE;
	}
	sj = load(argv[1], &src);
	if (sj)
		dj = load(argv[2], &dst);
	if (!dj) {
		json_free(sj);
		return CMD_EXIT_USAGE;
	}
	/* Counted first: the count heads the list. */
	n = compat_hazards(&src, &dst, NULL);
	if (n)
		printf("compat: %s -> %s: %u hazard(s)\n", argv[1], argv[2], n);
	else
		printf("compat: %s -> %s: compatible\n", argv[1], argv[2]);
	compat_hazards(&src, &dst, stdout);
	json_free(sj);
	json_free(dj);
	return n ? 1 : 0;
}
