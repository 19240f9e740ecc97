// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where QEMU and the payload are, and a work folder for one run: the same
 * lookup for the harness's cases, its qemu subcommand and tests/test_qemu.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu/internal.h"

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* l2/l2.elf in the folder of the running program: where the build and
 * the emulated machine put it. */
static int payload_beside_exe(char *out, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return qemu_fail(errno, "readlink /proc/self/exe: %s", strerror(errno));
	exe[n] = 0;
	if ((size_t)snprintf(out, size, "%s/l2/l2.elf", dirname(exe)) >= size)
		return qemu_fail(ENAMETOOLONG, "%s/l2/l2.elf: path too long", exe);
	return 0;
}

int qemu_setup(struct qemu_setup *s, const char *accel, const char *cpu,
	       const char *payload)
{
	const char *tmp = env_or("TMPDIR", "/tmp");
	int err;

	memset(s, 0, sizeof(*s));
	s->o = (struct qemu_opts){
		.binary = env_or("XSAVE_ABI_QEMU", QEMU_DEFAULT_BINARY),
		.accel = accel,
		.cpu = cpu,
		.machine = getenv("XSAVE_ABI_QEMU_MACHINE"),
		.bios = getenv("XSAVE_ABI_QEMU_BIOS"),
		.timeout_ms = QEMU_DEFAULT_TIMEOUT_MS,
		.payload = s->payload,
		.dir = s->dir,
	};
	payload = env_or("XSAVE_ABI_L2", payload);
	if (payload)
		snprintf(s->payload, sizeof(s->payload), "%s", payload);
	else if ((err = payload_beside_exe(s->payload, sizeof(s->payload))))
		return err;
	if (access(s->o.binary, X_OK))
		return qemu_fail(ENOENT, "no QEMU: %s: %s (XSAVE_ABI_QEMU names "
				 "another)", s->o.binary, strerror(errno));
	if (access(s->payload, R_OK))
		return qemu_fail(ENOENT, "no L2 payload: %s: %s (XSAVE_ABI_L2 names "
				 "another)", s->payload, strerror(errno));
	/* Short: the QMP socket's path must fit in sun_path. */
	if ((size_t)snprintf(s->dir, sizeof(s->dir), "%s/xsave-abi-qemu.XXXXXX",
			     tmp) >= sizeof(s->dir))
		err = ENAMETOOLONG;
	else if (!mkdtemp(s->dir))
		err = errno;
	else
		return 0;
	s->dir[0] = 0;
	return qemu_fail(err, "work folder under %s: %s", tmp, strerror(err));
}

void qemu_teardown(struct qemu_setup *s)
{
	struct dirent *e;
	DIR *d;

	if (!s->dir[0])
		return;
	d = opendir(s->dir);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(s->dir);
	s->dir[0] = 0;
}

int qemu_setup_path(const struct qemu_setup *s, const char *name, char *out,
		    size_t size)
{
	if ((size_t)snprintf(out, size, "%s/%s", s->dir, name) >= size)
		return qemu_fail(ENAMETOOLONG, "%s/%s: path too long", s->dir, name);
	return 0;
}
