/* SPDX-License-Identifier: GPL-2.0-only */
/* ARRAY_SIZE for code built without the kernel's tools/include. */
#ifndef LIB_ARRAY_H
#define LIB_ARRAY_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif
