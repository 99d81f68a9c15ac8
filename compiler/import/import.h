/*
 * import.h - `bfplan import`: BigFix content in, plan-language declarations out.
 *
 * Reads .bes files as a console export or the REST API gives them (a <BES>
 * document holding Fixlets, Tasks and Baselines, several per file) and the
 * REST API's <BESAPI> listings (a Fixlet's or Task's title, ID and site,
 * without content).  Writes one declaration per item:
 *
 *   Fixlet, Task   `fixlet`/`task` with `imported-from`: the title, every
 *                  relevance clause, the default action's name, script and
 *                  success criteria, its other actions (`other-action`),
 *                  the parameters it asks for (`secure` for a secret), and
 *                  the Pending Restart behaviour read from that script
 *                  (actionscript.h).  A plan that `use`s the file gets them
 *                  merged into the catalog entry of the same site and ID.
 *   Baseline       `baseline` whose lines keep each component's source ID,
 *                  the gather URL of its site, its action and its
 *                  IncludeInRelevance.
 *
 * Text goes out by the lexer's rules: what it calls hidden is escaped, and
 * the declaration says why in a `# bfplan: allow BFP006` comment, so that
 * `check` warns of nothing an import wrote without a warning.
 *
 * What bfplan cannot supply or cannot judge (a parameter the action asks
 * for, a restart it cannot read for sure) is written as a comment and as a
 * statement the resolver keeps (`parameter`, `unconfirmed`), and reported
 * as a warning.
 *
 * The files are parsed with libxml2 and nothing else: no network, no DTD
 * (a DOCTYPE is refused before its declarations are read), no entities
 * beyond XML's own, and a bounded file size.  The output depends only on
 * the files' contents, their names (not their directories) and the options.
 */
#ifndef BFPLAN_IMPORT_H
#define BFPLAN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/source.h"
#include "base/textbuf.h"
#include "diag/diag.h"

/* The largest .bes file bfplan reads: exports of large baselines run to megabytes. */
enum { IMPORT_MAX_FILE_SIZE = 64 * 1024 * 1024 };

struct import_options {
	const char *site;       /* --site: the plan-language name of the items' site, or NULL */
	const uint32_t *ids;    /* --id: IDs for the Fixlets and Tasks without one, in document order */
	size_t id_count;
	bool allow_outside;     /* --allow-outside: a file may be a link out of its directory */
};

enum import_status {
	IMPORT_OK,       /* read; the sink says whether anything was wrong */
	IMPORT_IO_ERROR, /* a file could not be read at all */
};

/*
 * Reads every file in `paths` ("-" is standard input) and appends the
 * declarations to `out`, a keeping buffer.  Each file's text is added to
 * `sm`, so diagnostics quote its lines.
 */
enum import_status import_files(struct arena *a, struct src_manager *sm, struct diag_sink *diags,
				const struct import_options *opts, const char *const *paths, size_t count,
				struct textbuf *out);

/* Appends `s` as a plan-language string literal, quotes included, that reads back as `s` exactly. */
void import_put_string(struct textbuf *b, const char *s, size_t len);

#endif
