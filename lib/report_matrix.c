// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PKRU matrix: for each kernel interface that writes PKRU from an
 * XSAVE-format buffer, what PKRU became with XSTATE_BV[9] set and clear,
 * as this run's own cases observed it (run_observe()). A cell no case
 * measured says why: "not measured: REASON".
 */
#include "lib/array.h"
#include "lib/report.h"

static const char *const rows[] = { "kvm_set_xsave", "ptrace", "sigreturn" };
static const char *const cols[] = { "bit_set", "bit_clear" };
#define NROWS (ARRAY_SIZE(rows))
#define NCOLS (ARRAY_SIZE(cols))

static const enum run_matrix cells[NROWS][NCOLS] = {
	{ RUN_MATRIX_KVM_SET_XSAVE_BIT_SET, RUN_MATRIX_KVM_SET_XSAVE_BIT_CLEAR },
	{ RUN_MATRIX_PTRACE_BIT_SET, RUN_MATRIX_PTRACE_BIT_CLEAR },
	{ RUN_MATRIX_SIGRETURN_BIT_SET, RUN_MATRIX_SIGRETURN_BIT_CLEAR },
};

enum run_matrix report_matrix_at(unsigned int i)
{
	return i < NROWS * NCOLS ? cells[i / NCOLS][i % NCOLS] : RUN_MATRIX_NONE;
}

const char *report_matrix_name(enum run_matrix m)
{
	static char names[NROWS * NCOLS][40];
	unsigned int i;

	for (i = 0; i < NROWS * NCOLS; i++) {
		if (report_matrix_at(i) != m)
			continue;
		if (!names[i][0])
			snprintf(names[i], sizeof(names[i]), "%s %s",
				 rows[i / NCOLS], cols[i % NCOLS]);
		return names[i];
	}
	return "";
}

void report_matrix_cell(const struct run_report *r, enum run_matrix m,
			char *buf, size_t size)
{
	char name[256];
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		const struct run_outcome *o = &r->res[i];

		if (o->c->matrix != m)
			continue;
		if (o->observed[0])
			snprintf(buf, size, "%s", o->observed);
		else if (o->result == RUN_SKIP)
			snprintf(buf, size, "not measured: %s", o->reason);
		else
			snprintf(buf, size, "not measured: %s: %s",
				 report_result_name(o->result), o->reason);
		return;
	}
	for (i = 0; i < run_ncases(); i++) {
		if (run_case_at(i)->matrix != m)
			continue;
		run_case_fullname(run_case_at(i), name, sizeof(name));
		snprintf(buf, size, "not measured: %s not selected", name);
		return;
	}
	snprintf(buf, size, "not measured: no case for it");
}

void report_matrix_ktap(FILE *f, const struct run_report *r)
{
	char text[1200];
	unsigned int i, j;

	fputs("# pkru matrix: interface, XSTATE_BV[9] -> what PKRU became\n", f);
	for (i = 0; i < NROWS; i++)
		for (j = 0; j < NCOLS; j++) {
			report_matrix_cell(r, cells[i][j], text, sizeof(text));
			fprintf(f, "# pkru matrix: %s %s: %s\n", rows[i], cols[j], text);
		}
}

void report_matrix_json(FILE *f, const struct run_report *r)
{
	char text[1200];
	unsigned int i, j;

	fputc('{', f);
	for (i = 0; i < NROWS; i++) {
		fprintf(f, "%s\"%s\":{", i ? "," : "", rows[i]);
		for (j = 0; j < NCOLS; j++) {
			report_matrix_cell(r, cells[i][j], text, sizeof(text));
			fprintf(f, "%s\"%s\":", j ? "," : "", cols[j]);
			report_json_string(f, text);
		}
		fputc('}', f);
	}
	fputc('}', f);
}
