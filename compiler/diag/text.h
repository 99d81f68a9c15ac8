/*
 * text.h - diagnostics in GCC's text form, for people and editors.
 *
 * Location, message [CODE], the quoted line with its underline, the notes
 * and the help, in the order diag_each() gives them.
 */
#ifndef BFPLAN_DIAG_TEXT_H
#define BFPLAN_DIAG_TEXT_H

#include <stdio.h>

#include "diag/diag.h"

enum diag_color { DIAG_COLOR_NEVER, DIAG_COLOR_ALWAYS };

void diag_render_text(struct diag_sink *sink, FILE *out, enum diag_color color);

#endif
