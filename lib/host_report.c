// SPDX-License-Identifier: GPL-2.0-only
/* The host report: what the suite's verdicts depend on, stated first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/host_report.h"
#include "lib/report.h"

static const char *kvm_state(const struct vmm_host *h)
{
	switch (h->kvm) {
	case VMM_KVM_OK:
		return "usable";
	case VMM_KVM_ABSENT:
		return "not present";
	default:
		return "not accessible";
	}
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void ktap_layout(FILE *f, const struct xs_layout *l)
{
	int i;

	for (i = 2; i < XS_NCOMP; i++) {
		const struct xs_comp *c = &l->comp[i];

		if (!(l->xfeatures & XS_BIT(i)))
			continue;
		fprintf(f, "#   component %2d %-20s offset 0x%04x size 0x%04x%s%s\n",
			i, xs_name(i), c->offset, c->size,
			c->align64 ? " align64" : "",
			c->supervisor ? " supervisor" : "");
	}
}

char *host_report_ktap(const struct vmm_host *h)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "# kernel: %s (version %u.%u.%u)\n", h->release, h->kv >> 24,
		(h->kv >> 16) & 0xff, h->kv & 0xffff);
	fprintf(f, "# KVM selftests library: kernel tree %s\n", vmm_ktree());
	fprintf(f, "# cpu: %s family 0x%x model 0x%x stepping %u\n", h->vendor,
		h->family, h->model, h->stepping);
	fprintf(f, "# host: XSAVE %s, XCR0 0x%llx, PKU %s, OSPKE %s\n",
		yes_no(h->host_xsave), (unsigned long long)h->host_xcr0,
		yes_no(h->host_pku), yes_no(h->host_ospke));
	fprintf(f, "# /dev/kvm: %s", kvm_state(h));
	if (h->kvm == VMM_KVM_OK)
		fprintf(f, ", module %s, API version %d\n", h->kvm_module,
			h->api_version);
	else
		fprintf(f, " (%s)\n", strerror(h->kvm_errno));
	if (h->kvm == VMM_KVM_OK) {
		fprintf(f, "# kvm supported XCR0: 0x%llx\n",
			(unsigned long long)h->kvm_xcr0);
		if (h->xcomp_err)
			fprintf(f, "# kvm KVM_X86_XCOMP_GUEST_SUPP: unavailable (%s)\n",
				strerror(h->xcomp_err));
		else
			fprintf(f, "# kvm KVM_X86_XCOMP_GUEST_SUPP: 0x%llx\n",
				(unsigned long long)h->xcomp_guest_supp);
		fprintf(f, "# kvm KVM_CAP_XSAVE2: %d\n", h->xsave2_size);
		fprintf(f, "# guests get: XSAVE %s, PKU %s\n", yes_no(h->guest_xsave),
			yes_no(h->guest_pku));
	}
	fprintf(f, "# xstate layout (host CPUID 0xD), standard size %u:\n",
		h->layout.size);
	ktap_layout(f, &h->layout);
	fprintf(f, "# capabilities held: %s\n", h->caps);
	fclose(f);
	return buf;
}

static void json_layout(FILE *f, const struct xs_layout *l)
{
	bool first = true;
	int i;

	fputc('[', f);
	for (i = 2; i < XS_NCOMP; i++) {
		const struct xs_comp *c = &l->comp[i];

		if (!(l->xfeatures & XS_BIT(i)))
			continue;
		fprintf(f, "%s{\"component\":%d,\"name\":\"%s\",\"offset\":%u,"
			"\"size\":%u,\"align64\":%s,\"supervisor\":%s}",
			first ? "" : ",", i, xs_name(i), c->offset, c->size,
			c->align64 ? "true" : "false",
			c->supervisor ? "true" : "false");
		first = false;
	}
	fputc(']', f);
}

char *host_report_json(const struct vmm_host *h)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("{\"kernel\":", f);
	report_json_string(f, h->release);
	fputs(",\"libkvm_tree\":", f);
	report_json_string(f, vmm_ktree());
	fputs(",\"cpu_vendor\":", f);
	report_json_string(f, h->vendor);
	fprintf(f, ",\"cpu_family\":%u,\"cpu_model\":%u,\"cpu_stepping\":%u,"
		"\"host_xsave\":%s,\"host_xcr0\":%llu,\"host_pku\":%s,"
		"\"host_ospke\":%s,\"kvm\":\"%s\",\"kvm_module\":",
		h->family, h->model, h->stepping, h->host_xsave ? "true" : "false",
		(unsigned long long)h->host_xcr0, h->host_pku ? "true" : "false",
		h->host_ospke ? "true" : "false", kvm_state(h));
	report_json_string(f, h->kvm == VMM_KVM_OK ? h->kvm_module : "");
	fprintf(f, ",\"kvm_supported_xcr0\":%llu,\"xcomp_guest_supp\":%llu,"
		"\"xsave2_size\":%d,\"guest_xsave\":%s,\"guest_pku\":%s,"
		"\"xstate_size\":%u,\"xstate_layout\":",
		(unsigned long long)h->kvm_xcr0,
		(unsigned long long)h->xcomp_guest_supp, h->xsave2_size,
		h->guest_xsave ? "true" : "false", h->guest_pku ? "true" : "false",
		h->layout.size);
	json_layout(f, &h->layout);
	fputs(",\"capabilities\":", f);
	report_json_string(f, h->caps);
	fputc('}', f);
	fclose(f);
	return buf;
}
