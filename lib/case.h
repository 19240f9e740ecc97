/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A case: a name, a group, where its expectation comes from, what it
 * needs, its body and its expected outcome, registered in the "run_cases"
 * linker section so that nothing central lists the cases. Each body runs
 * in a forked child with no capabilities; it ends by returning (pass) or
 * through run_fail(), run_skip() or run_error().
 */
#ifndef RUN_CASE_H
#define RUN_CASE_H

#include <stdint.h>

/* Requirements the runner checks before forking (reasons in cli/main.c). */
enum run_need {
	RUN_NEED_KVM = 1 << 0,		/* /dev/kvm usable */
	RUN_NEED_GUEST_XSAVE = 1 << 1,	/* KVM offers XSAVE to guests */
	RUN_NEED_GUEST_PKU = 1 << 2,	/* KVM offers PKU to guests */
	RUN_NEED_XSAVE2 = 1 << 3,	/* KVM_CAP_XSAVE2 */
	RUN_NEED_XCOMP_SUPP = 1 << 4,	/* KVM_X86_XCOMP_GUEST_SUPP attribute */
	RUN_NEED_HOST_PKU = 1 << 5,	/* host CPU has PKU, the kernel enabled it */
};

enum run_expect {
	RUN_EXPECT_PASS,
	RUN_EXPECT_XFAIL,	/* a known hazard: failing is the observed state */
};

/* The PKRU matrix cell a case measures (lib/report_matrix.c), or none. */
enum run_matrix {
	RUN_MATRIX_NONE,
	RUN_MATRIX_KVM_SET_XSAVE_BIT_SET,
	RUN_MATRIX_KVM_SET_XSAVE_BIT_CLEAR,
	RUN_MATRIX_PTRACE_BIT_SET,
	RUN_MATRIX_PTRACE_BIT_CLEAR,
	RUN_MATRIX_SIGRETURN_BIT_SET,
	RUN_MATRIX_SIGRETURN_BIT_CLEAR,
};

/* Where a case's expectation comes from, printed with its verdict. */
enum run_source_kind {
	RUN_SOURCE_END,		/* ends a case's list */
	RUN_SOURCE_COMMIT,	/* kernel commit: ref: 12-hex id, title: subject */
	RUN_SOURCE_KVM_DOC,	/* KVM API doc: ref: section, title: ioctl */
	RUN_SOURCE_SDM,		/* Intel SDM: volume, ref: section */
	RUN_SOURCE_CODE,	/* kernel source: ref: file, title: function */
	RUN_SOURCE_MEASURED,	/* ref: the kernels it was observed on */
};

struct run_source {
	enum run_source_kind kind;
	const char *ref;
	const char *title;
	unsigned int volume;
};

struct run_case {
	const char *group;
	const char *name;
	const struct run_source *sources;	/* ends with RUN_SOURCE_END */
	unsigned int needs;
	enum run_expect expect;
	const char *hazard;	/* RUN_EXPECT_XFAIL: one line for the report */
	unsigned int timeout_s;	/* 0: the runner's --timeout */
	enum run_matrix matrix;
	void (*body)(void);
};

/* 0, or a compile error when e holds (the kernel's BUILD_BUG_ON_ZERO). */
#define RUN_BUILD_BUG_ON_ZERO(e) ((int)sizeof(struct { int:(-!!(e)); }))

/* A case's sources: one or more of KCOMMIT(), KVMDOC(), SDM(), KCODE(),
 * MEASURED(), e.g. SOURCES(KVMDOC("4.43", "KVM_SET_XSAVE"), SDM(1, "13.8")). */
#define SOURCES(...)							\
	((const struct run_source[]){					\
		__VA_ARGS__, { .kind = RUN_SOURCE_END } })
/* A commit id of another length than 12 does not compile. */
#define KCOMMIT(id, subject)						\
	{ .kind = RUN_SOURCE_COMMIT, .title = (subject),		\
	  .ref = (id) + RUN_BUILD_BUG_ON_ZERO(sizeof(id) != 13) }
#define KVMDOC(section, ioctl)						\
	{ .kind = RUN_SOURCE_KVM_DOC, .ref = (section), .title = (ioctl) }
#define SDM(vol, section)						\
	{ .kind = RUN_SOURCE_SDM, .volume = (vol), .ref = (section) }
#define KCODE(file, function)						\
	{ .kind = RUN_SOURCE_CODE, .ref = (file), .title = (function) }
#define MEASURED(kernels) { .kind = RUN_SOURCE_MEASURED, .ref = (kernels) }

#define RUN_CASE_ID(g, n) run_case__##g##__##n

/*
 * CASE(group, name, SOURCES(...), .needs = ..., ...) { body }
 * Names are group.name in every report. SOURCES() is required: a case
 * without one, or with an empty or NULL list, does not compile.
 */
#define CASE(g, n, src, ...)						\
	static void RUN_CASE_ID(g, n)(void);				\
	static const struct run_case RUN_CASE_ID(g, n##_desc)		\
	__attribute__((used, section("run_cases"), aligned(8))) = {	\
		.group = #g, .name = #n, .body = RUN_CASE_ID(g, n),	\
		.sources = (src) + RUN_BUILD_BUG_ON_ZERO(sizeof(src) <	\
			2 * sizeof(struct run_source)),			\
		__VA_ARGS__ };						\
	static void RUN_CASE_ID(g, n)(void)

/* Ends the case: the kernel does not behave as the case expects. */
void run_fail(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* Ends the case: a requirement is missing; say exactly which. */
void run_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* Ends the case: the harness could not do its part (not a verdict). */
void run_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* Ends the case: it observed a known hazard (XFAIL); say what a VMM must do. */
void run_xfail(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* What the case observed, in a few words, for its PKRU matrix cell. */
void run_observe(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A diagnostic line, shown with -v or when the case does not pass. */
void run_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The run's seed (--seed), for cases that generate data. */
uint64_t run_seed(void);

#define CHECK(cond, fmt, ...)						\
	do {								\
		if (!(cond))						\
			run_fail("%s:%d: " fmt, __FILE__, __LINE__,	\
				 ##__VA_ARGS__);			\
	} while (0)

#define CHECK_EQ(got, want, what)					\
	do {								\
		unsigned long long __g = (got), __w = (want);		\
		if (__g != __w)						\
			run_fail("%s:%d: %s is 0x%llx, expected 0x%llx",	\
				 __FILE__, __LINE__, what, __g, __w);	\
	} while (0)

#endif
