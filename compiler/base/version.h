/*
 * version.h - bfplan's version, the one place it is written.
 *
 * The diagnostics forms and plan.json name it, and `--version` prints it;
 * the man page and docs/ci.md's pre-commit `rev` must agree with it
 * (tests/editors checks the man page).
 */
#ifndef BFPLAN_VERSION_H
#define BFPLAN_VERSION_H

#define BFPLAN_VERSION "0.1.0"

#endif
