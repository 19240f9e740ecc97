// SPDX-License-Identifier: GPL-2.0-only
/*
 * The running kernel's upstream version, for cases whose expectation
 * changed with a kernel commit. Distribution kernels carry stable
 * backports, so a change is keyed on the stable patch level too.
 */
#include <stdio.h>
#include <string.h>

#include "vmm/host.h"

#define KV_SERIES(kv)	((kv) & 0xffff0000u)

/* "major.minor[.patch]" at the start of s, or 0. */
static uint32_t kv_at(const char *s)
{
	unsigned int major, minor, patch = 0;

	if (sscanf(s, "%u.%u.%u", &major, &minor, &patch) < 2 || major > 255 ||
	    minor > 255 || patch > 0xffff)
		return 0;
	return VMM_KV(major, minor, patch);
}

uint32_t vmm_kv_parse(const char *release, const char *version)
{
	const char *deb = strstr(version, "Debian ");
	uint32_t kv = kv_at(release), dkv = deb ? kv_at(deb + 7) : 0;

	return dkv && KV_SERIES(dkv) == KV_SERIES(kv) ? dkv : kv;
}

bool vmm_kernel_before(const struct vmm_host *h, unsigned int major,
		       unsigned int minor, unsigned int patch)
{
	return h->kv < VMM_KV(major, minor, patch);
}

bool vmm_kernel_has(const struct vmm_host *h, const struct vmm_kchange *c)
{
	unsigned int i;

	for (i = 0; i < 4 && c->stable[i]; i++)
		if (KV_SERIES(c->stable[i]) == KV_SERIES(h->kv))
			return h->kv >= c->stable[i];
	return h->kv >= c->mainline;
}
