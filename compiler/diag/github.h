/*
 * github.h - diagnostics as GitHub Actions workflow commands.
 *
 * One line per diagnostic on standard output,
 *
 *   ::error file=F,line=L,col=C,endLine=L,endColumn=C,title=BFP102::MESSAGE
 *
 * (::warning for warnings), which the Actions runner turns into an
 * annotation on the pull request.  Columns count Unicode code points and
 * endColumn is the span's last character; as GitHub requires, col and
 * endColumn are left out when the span covers several lines.  The message
 * carries the notes and the help line as further lines.  Values are escaped
 * as GitHub's toolkit escapes them: %, CR and LF in the message, and also
 * ':' and ',' in the properties.
 */
#ifndef BFPLAN_DIAG_GITHUB_H
#define BFPLAN_DIAG_GITHUB_H

#include <stdio.h>

#include "diag/diag.h"

void diag_github_render(struct diag_sink *sink, FILE *out);

#endif
