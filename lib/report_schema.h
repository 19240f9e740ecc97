/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run report's JSON (--json), declared once: lib/report_json.c writes
 * it and cli/cmd_run_json.c reads it back (xsave-abi compose), both with
 * these keys. A run:
 *   { tool: "xsave-abi", version, seed, host: {host report}, host_ktap,
 *     results: [ result... ], pkru_matrix: { ROW: { COL: text } },
 *     totals: { RESULT: n }, wall_ms }
 * A result:
 *   { name: "group.case", group, result: pass|fail|xfail|xpass|skip|error,
 *     reason, observed, expect: pass|xfail, hazard, matrix: "ROW COL" or "",
 *     sources: [ { kind, ... } ], log, duration_ms }
 * A source: kind commit {id, subject}, kvm_api_doc {section, ioctl},
 *   sdm {volume, section}, kernel_code {file, function}, measured {kernels}.
 */
#ifndef REPORT_SCHEMA_H
#define REPORT_SCHEMA_H

#define RS_TOOL		"tool"
#define RS_TOOL_NAME	"xsave-abi"
#define RS_VERSION	"version"
#define RS_SEED		"seed"
#define RS_HOST		"host"
#define RS_HOST_KTAP	"host_ktap"
#define RS_RESULTS	"results"
#define RS_PKRU_MATRIX	"pkru_matrix"
#define RS_TOTALS	"totals"
#define RS_WALL_MS	"wall_ms"

#define RS_NAME		"name"
#define RS_GROUP	"group"
#define RS_RESULT	"result"
#define RS_REASON	"reason"
#define RS_OBSERVED	"observed"
#define RS_EXPECT	"expect"
#define RS_HAZARD	"hazard"
#define RS_MATRIX	"matrix"
#define RS_SOURCES	"sources"
#define RS_LOG		"log"
#define RS_DURATION_MS	"duration_ms"

#define RS_KIND		"kind"
#define RS_VOLUME	"volume"

/* A source's kind and its two keys, by enum run_source_kind. */
#define RS_SOURCE_KEYS {						\
	[RUN_SOURCE_COMMIT] = { "commit", "id", "subject" },		\
	[RUN_SOURCE_KVM_DOC] = { "kvm_api_doc", "section", "ioctl" },	\
	[RUN_SOURCE_SDM] = { "sdm", "section" },			\
	[RUN_SOURCE_CODE] = { "kernel_code", "file", "function" },	\
	[RUN_SOURCE_MEASURED] = { "measured", "kernels" },		\
}

#endif
