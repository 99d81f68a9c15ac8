/*
 * fixture_plan.c - the lowered plan of the emitter tests (see fixture_plan.h).
 */
#include "fixture_plan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/load.h"
#include "sema/check.h"
#include "sema/resolve.h"

/* Every catalog entry the plan uses is declared here, so the emitters see content for both forms. */
static const char *const plan_lines[] = {
	"# The emitter tests' plan: the seed case on Windows Server 2008, with every",
	"# catalog entry it needs declared here, relevance and action script included.",
	"",
	"os windows-2008 \"Windows Server 2008\" {",
	"    witness-online \"exists selects \\\"State from MSCluster_Resource\\\" of wmi \\\"root\\\\MSCluster\\\"\"",
	"    unconfirmed witness-online \"never run on a cluster node\"",
	"}",
	"",
	"state online \"Up in the cluster\" {",
	"    initial",
	"    final",
	"}",
	"state paused \"Paused\"",
	"state drained \"Paused, groups moved\"",
	"state patched \"Patched\"",
	"state pending-restart \"Waiting for a restart\" { waits }",
	"",
	"site server-automation \"Server Automation\"",
	"site patches-for-windows \"Patches for Windows\" {",
	"    gather-url \"http://sync.bigfix.com/cgi-bin/bfgather/bessecurity\"",
	"}",
	"",
	"task install-cluster-control \"Install Windows Cluster Control Application\" {",
	"    id 110",
	"    site server-automation",
	"    os windows-2008",
	"    relevance \"not exists service \\\"ClusCtl\\\"\"",
	"    actionscript \"// install\"",
	"}",
	"",
	"task install-cluster-manager-service \"Install IBM Exchange Cluster Manager Service\" {",
	"    id 123",
	"    site server-automation",
	"    os windows-2008",
	"    relevance \"not exists service \\\"IBMExchClusterMgr\\\"\"",
	"    actionscript \"// install\"",
	"}",
	"",
	"fixlet dotnet-4.0-update \"UPDATE: Microsoft .NET Framework 4.0 Available\" {",
	"    id 40301",
	"    site patches-for-windows",
	"    os windows-2008",
	"    pending-restart may",
	"    relevance \"true\"",
	"    actionscript \"// install .NET\"",
	"}",
	"",
	"fixlet pause-node \"Pause Node in the Cluster (Windows 2008-2012)\" {",
	"    id 116",
	"    site server-automation",
	"    os windows-2008",
	"    needs control-scripts",
	"    relevance \"exists service \\\"ClusSvc\\\"\"",
	"    actionscript \"// pause\"",
	"    actionscript \"waithidden cluster.exe node {computer name} /pause\"",
	"}",
	"",
	"fixlet move-groups-node \"Move Groups from Node in the Cluster (Windows 2008-2012)\" {",
	"    id 114",
	"    site server-automation",
	"    os windows-2008",
	"    needs control-scripts",
	"    relevance \"exists service \\\"ClusSvc\\\"\"",
	"    actionscript \"// move groups\"",
	"}",
	"",
	"fixlet resume-node \"Resume Node in the Cluster (Windows 2008-2012)\" {",
	"    id 115",
	"    site server-automation",
	"    os windows-2008",
	"    needs control-scripts",
	"    relevance \"exists service \\\"ClusSvc\\\"\"",
	"    actionscript \"// resume\"",
	"}",
	"",
	"fixlet move-mailbox-server \"Move Exchange 2007 Mailbox Server from Node\" {",
	"    id 121",
	"    site server-automation",
	"    os windows-2008",
	"    needs control-scripts, cluster-manager-service",
	"    relevance \"exists service \\\"MSExchangeIS\\\"\"",
	"    actionscript \"// move the mailbox server\"",
	"    note \"The move does not always succeed.\"",
	"}",
	"",
	"task restart-on-pending \"Restart Endpoint on Pending Restart and Wait for Restart to Complete\" {",
	"    id 160",
	"    site server-automation",
	"    os windows-2008",
	"    pending-restart clears",
	"    relevance \"pending restart\"",
	"    actionscript \"restart 60\"",
	"}",
	"",
	"fixlet patch-501 {",
	"    id 501",
	"    site patches-for-windows",
	"    os windows-2008",
	"    pending-restart may",
	"    relevance \"true\"",
	"    actionscript \"// patch 501\"",
	"}",
	"",
	"fixlet patch-502 {",
	"    id 502",
	"    site patches-for-windows",
	"    os windows-2008",
	"    pending-restart may",
	"    relevance \"true\"",
	"    actionscript \"// patch 502\"",
	"}",
	"",
	"prerequisite control-scripts \"Windows cluster control scripts\" {",
	"    provided-by install-cluster-control",
	"    detect \"exists file \\\"cluster.exe\\\" of system folder\"",
	"}",
	"",
	"prerequisite dotnet-4.0 \"Microsoft .NET Framework 4.0\" {",
	"    provided-by dotnet-4.0-update",
	"    detect \"exists key \\\"HKLM\\\\SOFTWARE\\\\Microsoft\\\\NET Framework Setup\\\\NDP\\\\v4\\\\Full\\\" of native registry\"",
	"}",
	"",
	"prerequisite cluster-manager-service \"IBM Exchange Cluster Manager Service\" {",
	"    provided-by install-cluster-manager-service",
	"    detect \"exists running service \\\"IBMExchClusterMgr\\\"\"",
	"    needs dotnet-4.0",
	"    note \"runs with domain credentials that may move the mailbox server\"",
	"}",
	"",
	"step pause \"Pause the node\" {",
	"    from online",
	"    to paused",
	"    run pause-node",
	"    undo resume",
	"    timeout 10m",
	"    on-failure \"Check the Cluster service on {node}.\"",
	"}",
	"",
	"step move-groups \"Move the cluster groups off the node\" {",
	"    from paused",
	"    to drained",
	"    run move-groups-node",
	"    timeout 30m",
	"}",
	"",
	"step patch \"Patch the node\" {",
	"    from drained",
	"    to patched",
	"    baseline",
	"    timeout 2h",
	"    hold-on-failure",
	"    on-failure \"Resume {node} only if the change owner agrees.\"",
	"    not-relevant \"{node} has every patch already.\"",
	"    unconfirmed baseline \"whether the restart inside runs before the step ends\"",
	"}",
	"",
	"step restart \"Restart the node\" {",
	"    from pending-restart, patched",
	"    to patched",
	"    run restart-on-pending",
	"    timeout 30m",
	"}",
	"",
	"step resume \"Resume the node\" {",
	"    from paused, drained, patched",
	"    to online",
	"    run resume-node",
	"    timeout 10m",
	"    verify \"cluster node {node} shows Up\"",
	"}",
	"",
	"role exchange2007-mailbox \"Exchange 2007 clustered mailbox server\" {",
	"    detected-by move-mailbox-server",
	"    verify \"Get-ClusteredMailboxServerStatus {server} shows it running on another node\"",
	"}",
	"",
	"step move-mailbox \"Move the mailbox server off the node\" {",
	"    from online",
	"    to online",
	"    role exchange2007-mailbox",
	"    run move-mailbox-server",
	"    timeout 30m",
	"    must-succeed",
	"}",
	"",
	"cluster exch01 {",
	"    os windows-2008",
	"    nodes EXNODE1, EXNODE2",
	"    quorum node-and-witness",
	"    role exchange2007-mailbox \"EXCMS01\"",
	"}",
	"",
	"baseline nov-2026 \"2026-11 Windows cumulative updates\" {",
	"    fixlet patch-501",
	"    fixlet patch-502",
	"    restart",
	"}",
	"",
	"plan patch-exch01 \"Patch the Exchange cluster exch01\" {",
	"    cluster exch01",
	"    order passive-first",
	"    max-down 1",
	"    window 7h",
	"    require control-scripts",
	"    require cluster-manager-service",
	"    require dotnet-4.0",
	"    each node {",
	"        move-mailbox",
	"        pause",
	"        move-groups",
	"        patch nov-2026",
	"        resume",
	"    }",
	"}",
};

struct src_span fixture_span(const struct fixture_plan *fx, const char *needle)
{
	const struct src_file *f = src_file(&fx->sm, fx->file);
	const char *hit = strstr(f->text, needle);
	if (!hit)
		return (struct src_span){SRC_NO_FILE, 0, 0};
	uint32_t begin = (uint32_t)(hit - f->text);
	return (struct src_span){fx->file, begin, begin + (uint32_t)strlen(needle)};
}

/* The lowered objects are shared read-only data; the tests change them to make hostile input. */
static void *writable(const void *p)
{
	return (void *)(uintptr_t)p;
}

static struct lw_site *site_named(struct fixture_plan *fx, const char *name)
{
	for (size_t i = 0; i < fx->program.sites.len; i++) {
		struct lw_site *s = fx->program.sites.items[i];
		if (strcmp(s->name, name) == 0)
			return s;
	}
	abort();
}

/* The item of `each node` a step of that name runs (the steps of every phase share it). */
static const struct lw_item *item_named(const struct lw_plan *p, const char *name)
{
	for (size_t i = 0; i < p->items.len; i++) {
		const struct lw_item *s = p->items.items[i];
		if (strcmp(s->name, name) == 0)
			return s;
	}
	abort();
}

/* Writes the plan to a private file and compiles it as `bfplan build` would, up to the lowered program. */
void fixture_plan_init(struct fixture_plan *fx)
{
	memset(fx, 0, sizeof *fx);
	struct arena *a = &fx->arena;
	arena_init(a);
	src_init(&fx->sm, a);
	diag_init(&fx->diags, a, &fx->sm);

	char dir[] = "/tmp/fixture_plan.XXXXXX";
	if (!mkdtemp(dir))
		abort();
	const char *path = arena_printf(a, "%s/exch01.plan", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	for (size_t i = 0; i < sizeof plan_lines / sizeof plan_lines[0]; i++)
		fprintf(f, "%s\n", plan_lines[i]);
	if (fclose(f) != 0)
		abort();

	struct load_options lo = {0};
	struct program program;
	if (load_program(a, &fx->sm, &fx->diags, &lo, path, &program) != LOAD_OK)
		abort();
	unlink(path);
	rmdir(dir);
	fx->file = program.root;
	struct world world;
	resolve_program(a, &fx->sm, &fx->diags, &program, &world);
	struct checked_program checked;
	check_program(a, &fx->diags, &world, &checked);
	static const struct lower_site_url sa_url = {"server-automation", FIXTURE_SA_URL, LW_URL_COMMAND_LINE};
	struct lower_options opts = {.site_urls = &sa_url, .site_url_count = 1};
	lower_program(a, &world, &checked, &opts, &fx->program);
	if (fx->diags.errors || fx->diags.warnings || fx->program.plans.len != 1)
		abort(); /* the fixture itself must be a clean plan */

	fx->plan = fx->program.plans.items[0];
	fx->server_automation = site_named(fx, "server-automation");
	fx->patches = site_named(fx, "patches-for-windows");
	for (size_t i = 0; i < fx->plan->prereqs.len; i++) {
		struct lw_prereq *p = fx->plan->prereqs.items[i];
		if (strcmp(p->name, "dotnet-4.0") == 0)
			fx->dotnet = p;
	}
	fx->pause = writable(item_named(fx->plan, "pause")->fixlet);
	fx->resume = writable(item_named(fx->plan, "resume"));
	const struct lw_baseline *bl = fx->plan->baselines.items[0];
	const struct lw_component *last = bl->components.items[bl->components.len - 1];
	fx->restart = writable(last->fixlet);

	/* the names the depfile test expects: one of them needs escaping */
	fx->program.files = (struct strvec){0};
	strvec_push(a, &fx->program.files, "exch01.plan");
	strvec_push(a, &fx->program.files, "stdlib/bigfix/server automation.plan");
	fx->program.sources = fx->program.files;
}

void fixture_plan_free(struct fixture_plan *fx)
{
	arena_free(&fx->arena);
}
