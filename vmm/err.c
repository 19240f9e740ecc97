// SPDX-License-Identifier: GPL-2.0-only
/* The last vmm/ error, as "IOCTL_NAME: message (ENAME)". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/vmm.h"

static __thread char vmm_last[512];

const char *vmm_strerror(void)
{
	return vmm_last[0] ? vmm_last : "no error";
}

const char *vmm_errname(int err)
{
	const char *n = strerrorname_np(err < 0 ? -err : err);

	return n ? n : "E?";
}

int vmm_fail(const char *op, int err)
{
	snprintf(vmm_last, sizeof(vmm_last), "%s: %s (%s)", op, strerror(err),
		 vmm_errname(err));
	return -err;
}

int vmm_failf(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vmm_last, sizeof(vmm_last), fmt, ap);
	va_end(ap);
	return -err;
}
