/*
 * fixture_plan.h - the lowered plan of the emitter tests.
 *
 * The seed case on Windows Server 2008, compiled from a plan text of its
 * own through load, resolve, check and lower: cluster exch01 with EXNODE1
 * (passive, first) and EXNODE2 (active, holding the Exchange 2007
 * clustered mailbox server, last).  Prerequisites: the cluster control
 * scripts (Task 110), the Exchange cluster manager service (Task 123) and
 * .NET Framework 4.0 (Fixlet 40301, Patches for Windows).  Per node: pause
 * (116), move groups (114), patch (a Baseline of Fixlets 501 and 502 and
 * the restart, Task 160), resume (115); move mailbox (121) first, in the
 * active node's phase.  The plan text declares every Fixlet with its
 * relevance and action script, so both component forms can be built.
 *
 * Spans point into that text, so diagnostics about the fixture have real
 * locations.  Tests change the lowered data to make hostile input.
 */
#ifndef BFPLAN_FIXTURE_PLAN_H
#define BFPLAN_FIXTURE_PLAN_H

#include "diag/diag.h"
#include "lower/lower.h"
#include "base/source.h"

struct fixture_plan {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink diags;
	uint32_t file;
	struct lw_program program;
	struct lw_plan *plan;
	struct lw_site *server_automation; /* its gather URL comes from the lowering options */
	struct lw_site *patches;
	struct lw_prereq *dotnet;
	struct lw_fixlet *pause, *restart;
	struct lw_item *resume;            /* what every phase's resume step runs */
};

/* The --site-url the fixture is compiled with, for the Server Automation site. */
#define FIXTURE_SA_URL "http://bes.example.com:52311/cgi-bin/bfgather.exe/serverautomation"

void fixture_plan_init(struct fixture_plan *fx);
void fixture_plan_free(struct fixture_plan *fx);

/* The span of the first occurrence of `needle` in the fixture's plan text. */
struct src_span fixture_span(const struct fixture_plan *fx, const char *needle);

#endif
