/*
 * fixture_plan.h - a lowered plan built by hand, for the emitter tests.
 *
 * The seed case on Windows Server 2008: cluster exch01 with EXNODE1
 * (passive, first) and EXNODE2 (active, holding the Exchange 2007
 * clustered mailbox server, last).  Prerequisites: the cluster control
 * scripts (Task 110), the Exchange cluster manager service (Task 123) and
 * .NET Framework 4.0 (Fixlet 40301, Patches for Windows).  Per node: pause
 * (116), move groups (114), patch (a baseline of two patch Fixlets and the
 * restart 160), resume (115); move mailbox (121) first on EXNODE2 only.
 *
 * Spans point into a plan text registered with the source manager, so
 * diagnostics about the fixture have real locations.
 */
#ifndef BFPLAN_FIXTURE_PLAN_H
#define BFPLAN_FIXTURE_PLAN_H

#include "diag.h"
#include "lower.h"
#include "source.h"

struct fixture_plan {
	struct arena arena;
	struct src_manager sm;
	struct diag_sink diags;
	uint32_t file;
	struct lw_program program;
	struct lw_plan *plan;
	struct lw_site *server_automation; /* gather URL unknown: tests pass it as an override */
	struct lw_site *patches;
	struct lw_prereq *dotnet;
	struct lw_fixlet *pause, *restart;
};

/* The override the tests give for the Server Automation site. */
#define FIXTURE_SA_URL "http://bes.example.com:52311/cgi-bin/bfgather.exe/serverautomation"

void fixture_plan_init(struct fixture_plan *fx);
void fixture_plan_free(struct fixture_plan *fx);

/* The span of the first occurrence of `needle` in the fixture's plan text. */
struct src_span fixture_span(const struct fixture_plan *fx, const char *needle);

#endif
