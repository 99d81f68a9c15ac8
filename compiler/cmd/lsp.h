/*
 * lsp.h - the `bfplan lsp` command: its options, then the language server.
 */
#ifndef BFPLAN_CMD_LSP_H
#define BFPLAN_CMD_LSP_H

#include <stdio.h>

#include "cmd/cli.h"

/* argv holds the options after `lsp`; the server speaks on standard input and `out`. */
int cmd_lsp(int argc, char **argv, FILE *out, FILE *err, const struct bfplan_env *env);

#endif
