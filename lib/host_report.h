/* SPDX-License-Identifier: GPL-2.0-only */
/* The host report, as KTAP diagnostic lines and as a JSON object. */
#ifndef HOST_REPORT_H
#define HOST_REPORT_H

#include "vmm/host.h"

char *host_report_ktap(const struct vmm_host *h);
char *host_report_json(const struct vmm_host *h);

#endif
