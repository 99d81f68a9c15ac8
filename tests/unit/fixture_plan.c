/*
 * fixture_plan.c - the hand-built lowered plan of the emitter tests (see fixture_plan.h).
 */
#include "fixture_plan.h"

#include <string.h>

/* What the lowered plan "came from"; only its substrings matter, as spans. */
static const char plan_text[] =
	"site server-automation \"Server Automation\"\n"
	"site patches-for-windows \"Patches for Windows\" url \"http://sync.bigfix.com/cgi-bin/bfgather/bessecurity\"\n"
	"task 110 \"Install Windows Cluster Control Application\" site server-automation\n"
	"task 123 \"Install IBM Exchange Cluster Manager Service\" site server-automation\n"
	"fixlet 40301 \"UPDATE: Microsoft .NET Framework 4.0 Available\" site patches-for-windows\n"
	"fixlet 116 \"Pause Node in the Cluster (Windows 2008-2012)\" site server-automation\n"
	"fixlet 114 \"Move Groups from Node in the Cluster (Windows 2008-2012)\" site server-automation\n"
	"fixlet 115 \"Resume Node in the Cluster (Windows 2008-2012)\" site server-automation\n"
	"fixlet 121 \"Move Exchange 2007 Mailbox Server from Node\" site server-automation\n"
	"task 160 \"Restart Endpoint on Pending Restart and Wait for Restart to Complete\" site server-automation\n"
	"relevance \"exists service \\\"ClusSvc\\\"\"\n"
	"actionscript \"// pause\\nwaithidden cluster.exe node {computer name} /pause\"\n"
	"prerequisite control-scripts \"Windows cluster control scripts\"\n"
	"  detect \"exists file \\\"cluster.exe\\\" of system folder\"\n"
	"prerequisite cluster-manager-service \"IBM Exchange Cluster Manager Service\"\n"
	"  detect \"exists running service \\\"IBMExchClusterMgr\\\"\"\n"
	"  note \"runs with domain credentials that may move the mailbox server\"\n"
	"prerequisite dotnet-4.0 \"Microsoft .NET Framework 4.0\"\n"
	"  detect \"exists key \\\"HKLM\\\\SOFTWARE\\\\Microsoft\\\\NET Framework Setup\\\\NDP\\\\v4\\\\Full\\\" of native registry\"\n"
	"cluster exch01 {\n"
	"  os windows-2008\n"
	"  nodes EXNODE1, EXNODE2\n"
	"  role exchange2007-mailbox \"EXCMS01\"\n"
	"}\n"
	"baseline nov-2026 \"2026-11 Windows cumulative updates\" {\n"
	"  fixlet 501 site \"Patches for Windows\"\n"
	"  fixlet 502 site \"Patches for Windows\"\n"
	"  restart\n"
	"}\n"
	"plan patch-exch01 \"Patch the Exchange cluster exch01\" {\n"
	"  cluster exch01\n"
	"  order passive-first\n"
	"  max-down 1\n"
	"  window 6h\n"
	"  require control-scripts\n"
	"  require cluster-manager-service\n"
	"  require dotnet-4.0\n"
	"  each node {\n"
	"    move-mailbox optional\n"
	"    pause\n"
	"    move-groups\n"
	"    patch nov-2026\n"
	"    resume\n"
	"  }\n"
	"}\n"
	"verify \"cluster node shows the node Up\"\n"
	"verify \"Get-ClusteredMailboxServerStatus EXCMS01 shows it running on another node\"\n";

struct src_span fixture_span(const struct fixture_plan *fx, const char *needle)
{
	const struct src_file *f = src_file(&fx->sm, fx->file);
	const char *hit = strstr(f->text, needle);
	if (!hit)
		return (struct src_span){SRC_NO_FILE, 0, 0};
	uint32_t begin = (uint32_t)(hit - f->text);
	return (struct src_span){fx->file, begin, begin + (uint32_t)strlen(needle)};
}

static struct lw_text text(const struct fixture_plan *fx, const char *s, const char *at)
{
	struct lw_text t = {s, {SRC_NO_FILE, 0, 0}};
	if (at)
		t.span = fixture_span(fx, at);
	return t;
}

static struct lw_site *site(struct fixture_plan *fx, const char *name, const char *display,
			    const char *url)
{
	struct lw_site *s = arena_alloc(&fx->arena, sizeof *s);
	s->name = name;
	s->display = text(fx, display, display);
	s->gather_url = text(fx, url, url);
	s->decl = fixture_span(fx, arena_printf(&fx->arena, "site %s", name));
	return s;
}

static struct lw_fixlet *fixlet(struct fixture_plan *fx, bool is_task, uint32_t id,
				const struct lw_site *s, const char *title, enum lw_restart restart)
{
	struct lw_fixlet *f = arena_alloc(&fx->arena, sizeof *f);
	f->name = title ? arena_printf(&fx->arena, "%s-%u", is_task ? "task" : "fixlet", id) : NULL;
	f->is_task = is_task;
	f->id = id;
	f->site = s;
	f->title = text(fx, title, title);
	f->action = "Action1";
	f->relevance = text(fx, "exists service \"ClusSvc\"", "exists service");
	f->actionscript = text(fx, "// pause\nwaithidden cluster.exe node {computer name} /pause",
			       "// pause");
	f->restart = restart;
	const char *decl = arena_printf(&fx->arena, "%s %u", is_task ? "task" : "fixlet", id);
	f->decl = fixture_span(fx, decl);
	return f;
}

static struct lw_prereq *prereq(struct fixture_plan *fx, const char *name, const char *title,
				const char *detect, const char *detect_at,
				const struct lw_fixlet *provider, const char *note)
{
	struct lw_prereq *p = arena_alloc(&fx->arena, sizeof *p);
	p->name = name;
	p->title = text(fx, title, title);
	p->detect = text(fx, detect, detect_at);
	p->provider = provider;
	p->note = text(fx, note, note);
	p->decl = fixture_span(fx, arena_printf(&fx->arena, "prerequisite %s", name));
	p->required_at = fixture_span(fx, arena_printf(&fx->arena, "require %s", name));
	return p;
}

static struct lw_check *check(struct fixture_plan *fx, const char *code, enum lw_check_when when,
			      const char *description, const struct lw_prereq *p)
{
	struct lw_check *c = arena_alloc(&fx->arena, sizeof *c);
	c->code = code;
	c->when = when;
	c->description = text(fx, description, NULL);
	c->prereq = p;
	ptrvec_push(&fx->arena, &fx->plan->checks, c);
	return c;
}

static struct lw_step *step(struct fixture_plan *fx, const char *name, const char *title,
			    const char *node, const struct lw_fixlet *f, const char *from,
			    const char *to, int64_t timeout, const char *line)
{
	struct lw_step *s = arena_alloc(&fx->arena, sizeof *s);
	s->name = name;
	s->title = text(fx, title, NULL);
	s->kind = LW_STEP_FIXLET;
	s->node = node;
	s->from_state = from;
	s->to_state = to;
	s->timeout = timeout;
	s->origin = fixture_span(fx, line);
	if (f) {
		struct lw_component *c = arena_alloc(&fx->arena, sizeof *c);
		c->fixlet = f;
		c->origin = s->origin;
		ptrvec_push(&fx->arena, &s->components, c);
	}
	return s;
}

struct catalog {
	struct lw_fixlet *pause, *move_groups, *resume, *move_mailbox, *restart, *patch1, *patch2;
	struct lw_check *scripts_ok, *service_ok, *dotnet_ok;
};

static struct lw_node *node(struct fixture_plan *fx, const struct catalog *cat, const char *name,
			    unsigned position, bool holder)
{
	struct arena *a = &fx->arena;
	struct lw_node *n = arena_alloc(a, sizeof *n);
	n->name = name;
	n->position = position;
	n->role_holder = holder;
	n->decl = fixture_span(fx, name);

	struct lw_step *resume = step(fx, "resume", "Resume the node", name, cat->resume, "drained",
				      "online", 600, "    resume");
	resume->verify = text(fx, "cluster node shows the node Up", "cluster node shows");

	if (holder) {
		struct lw_step *mm = step(fx, "move-mailbox", "Move the mailbox server off the node", name,
					  cat->move_mailbox, "online", "online", 1800,
					  "move-mailbox optional");
		mm->optional = true;
		mm->role_only = true;
		cptrvec_push(a, &mm->guards, cat->service_ok);
		ptrvec_push(a, &n->steps, mm);
	}
	struct lw_step *pause = step(fx, "pause", "Pause the node", name, cat->pause, "online", "paused",
				     600, "    pause");
	pause->on_failure = resume;
	cptrvec_push(a, &pause->guards, cat->scripts_ok);
	ptrvec_push(a, &n->steps, pause);

	struct lw_step *mg = step(fx, "move-groups", "Move the cluster groups off the node", name,
				  cat->move_groups, "paused", "drained", 1800, "    move-groups");
	mg->on_failure = resume;
	ptrvec_push(a, &n->steps, mg);

	struct lw_step *patch = step(fx, "patch", "Patch the node", name, NULL, "drained", "drained", 7200,
				     "    patch nov-2026");
	patch->kind = LW_STEP_BASELINE;
	patch->baseline_name = "nov-2026";
	patch->baseline_title = text(fx, "2026-11 Windows cumulative updates",
				     "2026-11 Windows cumulative updates");
	patch->on_failure = resume;
	const struct lw_fixlet *parts[] = {cat->patch1, cat->patch2, cat->restart};
	for (size_t i = 0; i < 3; i++) {
		struct lw_component *c = arena_alloc(a, sizeof *c);
		c->fixlet = parts[i];
		c->origin = fixture_span(fx, i == 2 ? "  restart\n" : i ? "fixlet 502" : "fixlet 501");
		ptrvec_push(a, &patch->components, c);
	}
	cptrvec_push(a, &patch->guards, cat->dotnet_ok);
	ptrvec_push(a, &n->steps, patch);
	ptrvec_push(a, &n->steps, resume);
	return n;
}

void fixture_plan_init(struct fixture_plan *fx)
{
	memset(fx, 0, sizeof *fx);
	struct arena *a = &fx->arena;
	arena_init(a);
	src_init(&fx->sm, a);
	fx->file = src_add(&fx->sm, "exch01.plan", plan_text, sizeof plan_text - 1);
	diag_init(&fx->diags, a, &fx->sm);

	struct lw_site *sa = site(fx, "server-automation", "Server Automation", NULL);
	struct lw_site *pw = site(fx, "patches-for-windows", "Patches for Windows",
				  "http://sync.bigfix.com/cgi-bin/bfgather/bessecurity");
	fx->server_automation = sa;
	fx->patches = pw;

	struct catalog cat = {0};
	struct lw_fixlet *t110 = fixlet(fx, true, 110, sa, "Install Windows Cluster Control Application",
					LW_RESTART_NEVER);
	struct lw_fixlet *t123 = fixlet(fx, true, 123, sa, "Install IBM Exchange Cluster Manager Service",
					LW_RESTART_NEVER);
	struct lw_fixlet *f40301 = fixlet(fx, false, 40301, pw,
					  "UPDATE: Microsoft .NET Framework 4.0 Available", LW_RESTART_MAY);
	cat.pause = fixlet(fx, false, 116, sa, "Pause Node in the Cluster (Windows 2008-2012)",
			   LW_RESTART_NEVER);
	cat.move_groups = fixlet(fx, false, 114, sa,
				 "Move Groups from Node in the Cluster (Windows 2008-2012)", LW_RESTART_NEVER);
	cat.resume = fixlet(fx, false, 115, sa, "Resume Node in the Cluster (Windows 2008-2012)",
			    LW_RESTART_NEVER);
	cat.move_mailbox = fixlet(fx, false, 121, sa, "Move Exchange 2007 Mailbox Server from Node",
				  LW_RESTART_NEVER);
	cat.restart = fixlet(fx, true, 160,
			     sa, "Restart Endpoint on Pending Restart and Wait for Restart to Complete",
			     LW_RESTART_CLEARS);
	/* anonymous patch content: no name, no title */
	cat.patch1 = fixlet(fx, false, 501, pw, NULL, LW_RESTART_MAY);
	cat.patch2 = fixlet(fx, false, 502, pw, NULL, LW_RESTART_MAY);
	cat.patch1->decl = fixture_span(fx, "fixlet 501");
	cat.patch2->decl = fixture_span(fx, "fixlet 502");
	fx->pause = cat.pause;
	fx->restart = cat.restart;

	struct lw_plan *p = arena_alloc(a, sizeof *p);
	fx->plan = p;
	p->name = "patch-exch01";
	p->title = text(fx, "Patch the Exchange cluster exch01", "Patch the Exchange cluster exch01");
	p->cluster = "exch01";
	p->os = "windows-2008";
	p->os_title = text(fx, "Windows Server 2008", NULL);
	strvec_push(a, &p->cluster_nodes, "EXNODE1");
	strvec_push(a, &p->cluster_nodes, "EXNODE2");
	struct lw_role *role = arena_alloc(a, sizeof *role);
	role->name = "exchange2007-mailbox";
	role->title = text(fx, "Exchange 2007 clustered mailbox server", NULL);
	role->server = text(fx, "EXCMS01", "\"EXCMS01\"");
	role->detect = cat.move_mailbox;
	role->verify = text(fx, "Get-ClusteredMailboxServerStatus EXCMS01 shows it running on another node",
			    "Get-ClusteredMailboxServerStatus");
	p->role = role;
	p->order = LW_ORDER_PASSIVE_FIRST;
	p->max_down = 1;
	p->window = 6 * 3600;
	p->decl = fixture_span(fx, "plan patch-exch01");

	struct lw_prereq *scripts = prereq(fx, "control-scripts", "Windows cluster control scripts",
					   "exists file \"cluster.exe\" of system folder",
					   "exists file", t110, NULL);
	struct lw_prereq *service = prereq(fx, "cluster-manager-service",
					   "IBM Exchange Cluster Manager Service",
					   "exists running service \"IBMExchClusterMgr\"", "exists running",
					   t123, "runs with domain credentials that may move the mailbox server");
	struct lw_prereq *dotnet = prereq(
		fx, "dotnet-4.0", "Microsoft .NET Framework 4.0",
		"exists key \"HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full\" of native registry",
		"exists key", f40301, NULL);
	cptrvec_push(a, &service->needs, scripts);
	fx->dotnet = dotnet;
	ptrvec_push(a, &p->prereqs, scripts);
	ptrvec_push(a, &p->prereqs, service);
	ptrvec_push(a, &p->prereqs, dotnet);

	cat.scripts_ok = check(fx, "BFP301", LW_PREFLIGHT,
			       "the cluster control scripts are installed on every node", scripts);
	cat.service_ok = check(fx, "BFP301", LW_PREFLIGHT,
			       "the Exchange cluster manager service runs on every node", service);
	cat.dotnet_ok = check(fx, "BFP301", LW_PREFLIGHT,
			      ".NET Framework 4.0 is installed on every node", dotnet);
	check(fx, "BFP310", LW_PROVEN, "the role holder EXNODE2 is patched last: the mailbox server moves once",
	      NULL);
	check(fx, "BFP313", LW_PROVEN, "at most 1 of 2 nodes is down at a time", NULL);
	check(fx, "BFP309", LW_PROVEN, "the patch baseline ends with a restart that clears Pending Restart",
	      NULL);

	struct lw_node *n1 = node(fx, &cat, "EXNODE1", 1, false);
	struct lw_node *n2 = node(fx, &cat, "EXNODE2", 2, true);
	ptrvec_push(a, &p->nodes, n1);
	ptrvec_push(a, &p->nodes, n2);

	int64_t per_node = 600 + 1800 + 7200 + 600;
	for (unsigned i = 0; i < 2; i++) {
		struct lw_phase *ph = arena_alloc(a, sizeof *ph);
		ph->number = i + 1;
		ptrvec_push(a, &ph->nodes, i ? n2 : n1);
		ph->worst_case = per_node + (i ? 1800 : 0);
		p->worst_case += ph->worst_case;
		ptrvec_push(a, &p->phases, ph);
	}
	cptrvec_push(a, &p->sites, sa);
	cptrvec_push(a, &p->sites, pw);

	ptrvec_push(a, &fx->program.plans, p);
	strvec_push(a, &fx->program.files, "exch01.plan");
	strvec_push(a, &fx->program.files, "stdlib/bigfix/server automation.plan");
}

void fixture_plan_free(struct fixture_plan *fx)
{
	arena_free(&fx->arena);
}
