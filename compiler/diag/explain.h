/*
 * explain.h - the long explanations behind `bfplan explain CODE`.
 *
 * The text is docs/diagnostics.md itself, compiled in at build time
 * (compiler/diag/explain_gen.awk), so the documentation and the tool cannot
 * drift apart.
 */
#ifndef BFPLAN_EXPLAIN_H
#define BFPLAN_EXPLAIN_H

/* The section for `code` ("BFP101"), or NULL if the documentation has none. */
const char *explain_text(const char *code);

/* Its rule in one paragraph, on one line (for SARIF's fullDescription), or NULL. */
const char *explain_description(const char *code);

#endif
