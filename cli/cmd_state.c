// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave-abi state save FILE [--seed N] [--xcr0 MASK]
 * xsave-abi state load FILE
 *
 * One vCPU's XSAVE state across processes, hosts and kernels. save fills a
 * new vCPU with a seeded pattern (by the guest's own XRSTOR where guests
 * may use XSAVE; --xcr0 limits the vCPU's XCR0 to MASK, hexadecimal, as a
 * VMM's CPU model limits a guest meant to move between unlike hosts) and
 * writes what KVM_GET_XSAVE returns to a state file
 * (xs/xs_file.h). load checks the file and converts it to this host's
 * layout before anything is created, restores it into a new vCPU with
 * KVM_SET_XSAVE, and checks component by component, in KTAP, what
 * KVM_GET_XSAVE and the guest's own XSAVE then show.
 * Exit: 0 done and every component as saved, 1 a component differs or the
 * harness failed, 2 bad usage or a file that cannot be loaded here.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/cmd_common.h"
#include "cli/cmd_out.h"
#include "vmm/state.h"
#include "vmm/vmm.h"

#define STATE_FILE_MAX (1u << 20)	/* far above any state file */

static struct xs_file file;

static int usage(FILE *f)
{
	fprintf(f, "usage: xsave-abi state save FILE [--seed N] [--xcr0 MASK]\n"
		   "       xsave-abi state load FILE\n");
	return f == stdout ? 0 : CMD_EXIT_USAGE;
}

/* The file's bytes to a checked target; 0 or -errno. */
static int write_file(struct out_file *o, const void *data, size_t len)
{
	FILE *f = out_begin(o);

	if (!f) {
		out_discard(o);
		return -errno;
	}
	fwrite(data, 1, len, f);
	return out_commit(o, f);
}

static int state_save(const char *path, uint64_t seed, uint64_t xcr0_mask)
{
	static struct out_file out;
	char why[PATH_MAX + 128];
	bool by_guest;
	void *data;
	size_t len;
	int rc;

	if (out_check(&out, path, false, why, sizeof(why))) {
		fprintf(stderr, "xsave-abi state save: %s\n", why);
		return CMD_EXIT_USAGE;
	}
	rc = cmd_need_kvm("xsave-abi state save") ? CMD_EXIT_USAGE : 0;
	if (!rc && vmm_state_capture(&file, seed, xcr0_mask, &by_guest)) {
		fprintf(stderr, "xsave-abi state save: %s\n", vmm_strerror());
		rc = 1;
	}
	if (!rc && xs_file_write(&file, &data, &len, why, sizeof(why))) {
		fprintf(stderr, "xsave-abi state save: %s\n", why);
		rc = 1;
	}
	if (rc) {
		out_discard(&out);
		return rc;
	}
	rc = write_file(&out, data, len);
	free(data);
	if (rc) {
		fprintf(stderr, "xsave-abi state save: %s: %s\n", path, strerror(-rc));
		return 1;
	}
	printf("saved %s: %zu bytes, XCR0 0x%llx, XSTATE_BV 0x%llx, pattern of seed "
	       "%llu put in by %s\n", path, len, (unsigned long long)file.xcr0,
	       (unsigned long long)xs_xstate_bv(file.blob),
	       (unsigned long long)seed,
	       by_guest ? "the guest's XRSTOR" : "KVM_SET_XSAVE (guests cannot use XSAVE here)");
	return 0;
}

/* "AVX (YMM_Hi128)" -> "avx_ymm_hi128": a KTAP test name. */
static void slug(int i, char *out, size_t size)
{
	const char *s = xs_name(i);
	size_t n = 0;

	for (; *s && n + 1 < size; s++) {
		if (isalnum((unsigned char)*s))
			out[n++] = tolower((unsigned char)*s);
		else if (n && out[n - 1] != '_')
			out[n++] = '_';
	}
	while (n && out[n - 1] == '_')
		n--;
	out[n] = '\0';
}

/* Differences in component i between want and got, as text ("" if none). */
static int differs(const void *want, const void *got, int i, char *text, size_t size)
{
	FILE *f = fmemopen(text, size, "w");
	int n;

	if (!f)
		return -1;
	n = xs_diff(&vmm_host()->layout, want, got, XS_KVM_SIZE, XS_BIT(i), f);
	fclose(f);
	text[size - 1] = '\0';
	return n;
}

static void print_origin(const struct xs_file *f)
{
	const struct vmm_host *h = vmm_host();

	printf("# state file: saved under kernel %s, %s family 0x%x model 0x%x, "
	       "KVM XCR0 0x%llx, vCPU XCR0 0x%llx, XSAVE2 %u, seed %llu\n",
	       f->release, f->vendor, f->family, f->model,
	       (unsigned long long)f->kvm_xcr0, (unsigned long long)f->xcr0,
	       f->xsave2_size, (unsigned long long)f->seed);
	printf("# loaded under kernel %s, %s family 0x%x model 0x%x, KVM XCR0 0x%llx\n",
	       h->release, h->vendor, h->family, h->model,
	       (unsigned long long)h->kvm_xcr0);
}

/* One KTAP line per component of the file's XCR0; the number that differ. */
static int check_components(const uint8_t *want, struct vmm_state_view *v,
			    uint64_t xcr0)
{
	const struct xs_layout *l = &vmm_host()->layout;
	char name[64], host[512], guest[512];
	int i, n = 0, bad = 0, dh, dg;

	printf("1..%d\n", __builtin_popcountll(xcr0));
	xs_expand_init(l, v->host, XS_KVM_SIZE, xcr0);
	xs_expand_init(l, v->guest, XS_KVM_SIZE, xcr0);
	for (i = 0; i < XS_NCOMP; i++) {
		if (!(xcr0 & XS_BIT(i)))
			continue;
		slug(i, name, sizeof(name));
		dh = differs(want, v->host, i, host, sizeof(host));
		dg = v->by_guest ? differs(want, v->guest, i, guest, sizeof(guest)) : 0;
		if (dh)
			printf("# %s: KVM_GET_XSAVE: %s\n", name, host);
		if (dg)
			printf("# %s: guest XSAVE: %s\n", name, guest);
		printf("%s %d %s\n", dh || dg ? "not ok" : "ok", ++n, name);
		bad += dh || dg;
	}
	return bad;
}

static int state_load(const char *path)
{
	static uint8_t want[XS_KVM_SIZE] __attribute__((aligned(64)));
	static struct vmm_state_view view;
	const struct vmm_host *h = vmm_host();
	char why[512];
	size_t len = 0;
	void *data;
	int bad;

	data = cmd_read_all(path, STATE_FILE_MAX, &len);
	if (!data) {
		fprintf(stderr, "xsave-abi state load: %s: %s\n", path, strerror(errno));
		return CMD_EXIT_USAGE;
	}
	if (xs_file_parse(data, len, &file, why, sizeof(why))) {
		free(data);
		fprintf(stderr, "xsave-abi state load: %s: %s\n", path, why);
		return CMD_EXIT_USAGE;
	}
	free(data);
	/* The destination's checks need its KVM: without one, say that. */
	if (cmd_need_kvm("xsave-abi state load"))
		return CMD_EXIT_USAGE;
	if (xs_file_convert(&file, &h->layout, vmm_vcpu_xcr0(h), h->mxcsr_mask,
			    want, sizeof(want), why, sizeof(why))) {
		fprintf(stderr, "xsave-abi state load: %s: %s\n", path, why);
		return CMD_EXIT_USAGE;
	}
	printf("TAP version 13\n");
	print_origin(&file);
	if (vmm_state_restore(want, file.xcr0, &view)) {
		printf("Bail out! restoring the state: %s\n", vmm_strerror());
		return 1;
	}
	if (!view.by_guest)
		printf("# guest-side check skipped: guests cannot use XSAVE here "
		       "(KVM_GET_SUPPORTED_CPUID 1:ECX[26] clear)\n");
	xs_expand_init(&h->layout, want, sizeof(want), file.xcr0);
	bad = check_components(want, &view, file.xcr0);
	printf("# %d component(s) differ\n", bad);
	return bad ? 1 : 0;
}

/* --xcr0's MASK: 0x and hexadecimal digits only, x87's bit set. */
static int xcr0_arg(const char *s, uint64_t *mask)
{
	const char *p = s + 2;
	char *end;

	while (isxdigit((unsigned char)*p))
		p++;
	if (!strncmp(s, "0x", 2) && s[2] && !*p && p - s <= 18) {
		*mask = strtoull(s + 2, &end, 16);
		if (*mask & 1)
			return 0;
	}
	fprintf(stderr, "xsave-abi state save: --xcr0: '%s' is not 0x and up to "
		"16 hexadecimal digits with bit 0 (x87) set\n", s);
	return -1;
}

/* save's --xcr0 MASK, wherever it stands after FILE, taken out of argv
 * (NULL included) before the options save shares with qemu save. */
static int take_xcr0(int *argc, char **argv, uint64_t *mask)
{
	int i;

	if (*argc < 2 || strcmp(argv[1], "save"))
		return 0;
	for (i = 3; i + 1 < *argc; i++) {
		if (strcmp(argv[i], "--xcr0"))
			continue;
		if (xcr0_arg(argv[i + 1], mask))
			return -1;
		memmove(&argv[i], &argv[i + 2], (*argc - i - 1) * sizeof(*argv));
		*argc -= 2;
		break;
	}
	return 0;
}

int run_cmd_state(int argc, char **argv)
{
	uint64_t seed = 1, xcr0_mask = ~0ULL;

	if (take_xcr0(&argc, argv, &xcr0_mask))
		return usage(stderr);
	switch (cmd_save_load("xsave-abi state save", argc, argv, &seed)) {
	case CMD_HELP: return usage(stdout);
	case CMD_SAVE: return state_save(argv[2], seed, xcr0_mask);
	case CMD_LOAD: return state_load(argv[2]);
	default: return usage(stderr);
	}
}
