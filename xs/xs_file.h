/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state file: one vCPU's XSAVE state with what is needed to restore it
 * elsewhere. Version 1, all integers little-endian:
 *
 *   off  size  field
 *     0     8  magic "XSABISTF"
 *     8     4  version (1)
 *    12     4  reserved, 0
 *    16     8  seed: how the writer made the pattern, if it did
 *    24     8  the source KVM's supported XCR0
 *    32     8  the source vCPU's XCR0
 *    40     4  CPU family
 *    44     4  CPU model
 *    48     4  CPU stepping
 *    52     4  KVM_CAP_XSAVE2 size, 0 if absent
 *    56     4  R, kernel release length (at most 64), then R bytes
 *     .     4  V, CPU vendor length (at most 12), then V bytes
 *     .     4  N, layout entries (at most 62), then N entries of 16 bytes,
 *              components 2..63 ascending: index, size (CPUID 0xD EAX),
 *              offset (EBX), flags (ECX bit 0 supervisor, bit 1 align64)
 *     .     4  X, XCRs (at most 16), then X entries of 16 bytes, indexes
 *              ascending: index, reserved 0, value (8 bytes)
 *     .     4  B, XSAVE blob size (576..65536), then B bytes in the
 *              standard (uncompacted) format of the layout above
 *     .     4  CRC-32 (zlib's: reflected 0xedb88320, initial and final
 *              value 0xffffffff) of every byte before it
 *
 * x87 and SSE have fixed places and no entries. Strings are printable
 * ASCII without a terminator. Also required, by the writer and the parser
 * alike: reserved fields 0; XSTATE_BV within XCR0, XCR0 within the
 * supported XCR0 and within XSETBV's rules (x87 always, AVX with SSE,
 * AVX-512 whole and with AVX, MPX and AMX whole); MXCSR within bits 0-15;
 * XCOMP_BV and the XSAVE header's reserved bytes 0; every user component
 * after the header, inside 64 KiB and apart from the others, and each of
 * XCR0's inside the blob (others may lie beyond it: a 4096-byte
 * KVM_GET_XSAVE blob on a host with AMX); an XCR0 entry, if any, equal to
 * the XCR0 field. The parser takes exactly the files xs_file_write() can
 * produce, one encoding for each content.
 */
#ifndef XS_FILE_H
#define XS_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "xs/xs.h"

#define XS_FILE_MAGIC		"XSABISTF"
#define XS_FILE_MAGIC_SIZE	8
#define XS_FILE_VERSION		1
#define XS_FILE_RELEASE_MAX	64
#define XS_FILE_VENDOR_MAX	12
#define XS_FILE_NXCRS		16	/* KVM_MAX_XCRS */
#define XS_FILE_BLOB_MAX	65536

struct xs_file_xcr {
	uint32_t index;
	uint64_t value;
};

struct xs_file {
	uint32_t version;		/* parsed; the writer writes its own */
	char release[XS_FILE_RELEASE_MAX + 1];
	char vendor[XS_FILE_VENDOR_MAX + 1];
	uint32_t family, model, stepping;
	uint64_t kvm_xcr0;		/* the source KVM's supported XCR0 */
	uint64_t xcr0;			/* the source vCPU's XCR0 */
	uint32_t xsave2_size;
	uint64_t seed;
	struct xs_layout layout;	/* where the blob's components are */
	uint32_t nxcrs;
	struct xs_file_xcr xcrs[XS_FILE_NXCRS];
	uint32_t blob_size;
	uint8_t blob[XS_FILE_BLOB_MAX];
};

uint32_t xs_file_crc32(const void *data, size_t len);
int xs_file_write(const struct xs_file *f, void **data, size_t *len,
		  char *why, size_t whylen);
int xs_file_parse(const void *data, size_t len, struct xs_file *out,
		  char *why, size_t whylen);
int xs_file_convert(const struct xs_file *f, const struct xs_layout *dst,
		    uint64_t dst_xcr0, uint32_t dst_mxcsr_mask, void *out,
		    size_t out_size, char *why, size_t whylen);

#endif
