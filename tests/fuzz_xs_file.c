// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the state-file parser. Each input is parsed as it
 * is and again with its checksum made right, so that mutations reach the
 * checks behind the checksum. What parses must be written back to the
 * same bytes (the format has one encoding per content) and parse again to
 * the same contents; it must convert to its own layout, and to an Intel
 * one or be refused with a reason, never with a byte out of place.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/xs_samples.h"

static struct xs_file parsed, again;
static uint8_t out[XS_FILE_BLOB_MAX];
static char why[256];

static void require(int cond)
{
	if (!cond)
		abort();
}

static void convert(const struct xs_file *f)
{
	struct xs_layout skx;
	int rc;

	layout_skx(&skx);
	why[0] = 0;
	rc = xs_file_convert(f, &skx, 0x2ff, XS_MXCSR_MASK_MAX, out, XS_KVM_SIZE, why, sizeof(why));
	require(rc ? why[0] != 0 : !misplaced(f, &skx, out, XS_KVM_SIZE));
	rc = xs_file_convert(f, &f->layout, f->xcr0, XS_MXCSR_MASK_MAX, out, f->blob_size, why,
			     sizeof(why));
	require(!rc && !misplaced(f, &f->layout, out, f->blob_size));
}

static void one(const uint8_t *data, size_t size)
{
	void *copy;
	size_t len;

	why[0] = 0;
	if (xs_file_parse(data, size, &parsed, why, sizeof(why))) {
		require(why[0] != 0);
		return;
	}
	require(!xs_file_write(&parsed, &copy, &len, why, sizeof(why)));
	require(len == size && !memcmp(copy, data, size));
	require(!xs_file_parse(copy, len, &again, why, sizeof(why)));
	require(!memcmp(&parsed, &again, sizeof(parsed)));
	free(copy);
	convert(&parsed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *sealed;

	one(data, size);
	if (size < 4)
		return 0;
	sealed = malloc(size);
	memcpy(sealed, data, size);
	reseal(sealed, size);
	one(sealed, size);
	free(sealed);
	return 0;
}
