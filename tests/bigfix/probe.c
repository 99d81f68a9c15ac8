/*
 * probe.c - one call of bfplan's BigFix client (runtime/bigfix) from the
 * command line, for the tests against the stand-in server.
 *
 * usage: bigfix-probe URL [OPTION...] COMMAND [ARG...]
 *   options: --cacert FILE  --insecure  --xsd BESAPI.xsd  --timeout-ms N
 *            --retries N  --backoff-ms N  --max-answer BYTES
 *   commands:
 *     login
 *     resolve NAME dns|domain VALUE
 *     query RELEVANCE
 *     applicable SITE FIXLET-ID
 *     post SITE FIXLET-ID TITLE COMPUTER-ID... [--param NAME=VALUE] [--secure NAME=VALUE]
 *     body ...                 as post, but only prints the request's body (secure values redacted)
 *     status ACTION-ID
 *     wait ACTION-ID           polls until no target is pending; prints each target's outcome
 *     stop ACTION-ID
 *     find TITLE
 *     import SITE FILE
 *
 * Credentials come as bfplan takes them (bf_secret_acquire): environment,
 * netrc, terminal.  Prints "ok ..." lines, or "error KIND: MESSAGE" and
 * exits 1; "stats requests=N retries=M" on standard error at the end.
 */
#define _DEFAULT_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "runtime/bigfix/bigfix.h"

static int fail(const struct bf_error *err)
{
	printf("error %s: %s\n", bf_err_name(err->kind), err->text);
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: bigfix-probe URL [OPTION...] COMMAND [ARG...] (see probe.c)\n");
	return 2;
}

static uint64_t number(const char *s)
{
	return strtoull(s, NULL, 10);
}

/* post and body: SITE FIXLET TITLE ID... [--param N=V] [--secure N=V] */
static bool action_request(struct arena *a, int argc, char **argv, struct bf_action_request *req)
{
	if (argc < 4)
		return false;
	memset(req, 0, sizeof *req);
	req->site = argv[0];
	req->fixlet_id = number(argv[1]);
	req->action = "Action1";
	req->title = argv[2];
	uint64_t *ids = arena_calloc(a, (size_t)argc, sizeof *ids);
	struct bf_param *params = arena_calloc(a, (size_t)argc, sizeof *params);
	for (int i = 3; i < argc; i++) {
		bool secure = strcmp(argv[i], "--secure") == 0;
		if ((secure || strcmp(argv[i], "--param") == 0) && i + 1 < argc) {
			char *eq = strchr(argv[++i], '=');
			if (!eq)
				return false;
			*eq = '\0';
			params[req->n_params++] = (struct bf_param){argv[i], eq + 1, secure};
		} else {
			ids[req->n_targets++] = number(argv[i]);
		}
	}
	req->targets = ids;
	req->params = params;
	return true;
}

static int wait_for(struct bf_client *c, struct arena *a, uint64_t id, struct bf_error *err)
{
	for (int round = 0; round < 600; round++) {
		struct bf_action_status st;
		if (!bf_action_status(c, a, id, &st, err))
			return fail(err);
		bool pending = st.n_targets == 0;
		for (size_t i = 0; i < st.n_targets; i++)
			pending |= st.targets[i].outcome == BF_PENDING || st.targets[i].outcome == BF_UNKNOWN;
		if (!pending) {
			for (size_t i = 0; i < st.n_targets; i++)
				printf("ok target %llu %s: %s\n", (unsigned long long)st.targets[i].computer_id,
				       st.targets[i].status, bf_outcome_meaning(st.targets[i].outcome));
			return 0;
		}
		nanosleep(&(struct timespec){0, 100000000L}, NULL);
	}
	printf("error timeout: still pending\n");
	return 1;
}

static int run(struct bf_client *c, struct arena *a, int argc, char **argv)
{
	struct bf_error err = {0};
	const char *cmd = argv[0];
	if (strcmp(cmd, "login") == 0)
		return bf_login(c, &err) ? (puts("ok login"), 0) : fail(&err);
	if (strcmp(cmd, "resolve") == 0 && argc == 4) {
		struct bf_computer comp;
		enum bf_match by = strcmp(argv[2], "dns") == 0 ? BF_MATCH_DNS : BF_MATCH_DOMAIN;
		if (!bf_resolve(c, a, argv[1], by, argv[3], &comp, &err))
			return fail(&err);
		printf("ok computer %llu %s %s\n", (unsigned long long)comp.id, comp.name, comp.dns);
		return 0;
	}
	if ((strcmp(cmd, "query") == 0 && argc == 2) || (strcmp(cmd, "applicable") == 0 && argc == 3)) {
		const char *expr = argc == 2 ? argv[1] : bf_relevance_applicable(a, argv[1], number(argv[2]));
		const char **answers;
		size_t n;
		if (!bf_query(c, a, expr, &answers, &n, &err))
			return fail(&err);
		printf("ok %zu answers\n", n);
		for (size_t i = 0; i < n; i++)
			printf("ok answer %s\n", answers[i]);
		return 0;
	}
	struct bf_action_request req;
	if (strcmp(cmd, "body") == 0 && action_request(a, argc - 1, argv + 1, &req)) {
		char *body = bf_action_body(a, &req, true, &err);
		return body ? (fputs(body, stdout), 0) : fail(&err);
	}
	if (strcmp(cmd, "post") == 0 && action_request(a, argc - 1, argv + 1, &req)) {
		struct bf_action_ref ref;
		if (!bf_post_action(c, a, &req, &ref, &err))
			return fail(&err);
		printf("ok action %llu\n", (unsigned long long)ref.id);
		return 0;
	}
	if (strcmp(cmd, "status") == 0 && argc == 2) {
		struct bf_action_status st;
		if (!bf_action_status(c, a, number(argv[1]), &st, &err))
			return fail(&err);
		printf("ok action %llu %s, %zu targets\n", (unsigned long long)st.action_id, st.status, st.n_targets);
		for (size_t i = 0; i < st.n_targets; i++)
			printf("ok target %llu %s: %s\n", (unsigned long long)st.targets[i].computer_id,
			       st.targets[i].status, bf_outcome_meaning(st.targets[i].outcome));
		return 0;
	}
	if (strcmp(cmd, "wait") == 0 && argc == 2)
		return wait_for(c, a, number(argv[1]), &err);
	if (strcmp(cmd, "stop") == 0 && argc == 2)
		return bf_stop_action(c, number(argv[1]), &err) ? (puts("ok stopped"), 0) : fail(&err);
	if (strcmp(cmd, "find") == 0 && argc == 2) {
		bool found;
		uint64_t id = 0;
		if (!bf_find_action(c, a, argv[1], &found, &id, &err))
			return fail(&err);
		if (found)
			printf("ok found %llu\n", (unsigned long long)id);
		else
			puts("ok none");
		return 0;
	}
	if (strcmp(cmd, "import") == 0 && argc == 3) {
		FILE *f = fopen(argv[2], "rb");
		char *bes = arena_alloc(a, 1 << 20);
		size_t len = f ? fread(bes, 1, (1 << 20) - 1, f) : 0;
		if (f)
			fclose(f);
		struct bf_imported *items;
		size_t n;
		if (!bf_import(c, a, argv[1], bes, len, &items, &n, &err))
			return fail(&err);
		for (size_t i = 0; i < n; i++)
			printf("ok imported %s %llu %s\n", items[i].kind, (unsigned long long)items[i].id, items[i].name);
		return 0;
	}
	return usage();
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	struct bf_config cfg = {.url = argv[1]};
	int i = 2;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--insecure") == 0) {
			cfg.insecure = true;
			continue;
		}
		const char *v = argv[++i];
		if (strcmp(argv[i - 1], "--cacert") == 0)
			cfg.cacert = v;
		else if (strcmp(argv[i - 1], "--xsd") == 0)
			cfg.besapi_xsd = v;
		else if (strcmp(argv[i - 1], "--timeout-ms") == 0)
			cfg.timeout_ms = atol(v);
		else if (strcmp(argv[i - 1], "--retries") == 0)
			cfg.get_retries = (unsigned)atoi(v);
		else if (strcmp(argv[i - 1], "--backoff-ms") == 0)
			cfg.backoff_ms = atol(v);
		else if (strcmp(argv[i - 1], "--max-answer") == 0)
			cfg.max_answer = (size_t)atol(v);
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	if (cfg.insecure)
		fprintf(stderr, "warning: the BigFix server's certificate is NOT verified (--insecure)\n");
	struct arena a;
	arena_init(&a);
	struct bf_error err = {0};
	static struct bf_secret secret;
	char host[256];
	int rc;
	if (strcmp(argv[i], "body") == 0) {
		rc = run(NULL, &a, argc - i, argv + i);
	} else if (!bf_url_host(cfg.url, host, sizeof host) || !bf_secret_acquire(&secret, host, &err)) {
		if (err.kind == BF_OK)
			bf_error_set(&err, BF_ERR_USAGE, "the URL is not https://HOST:PORT");
		rc = fail(&err);
	} else {
		struct bf_client *c = bf_client_new(&cfg, &secret, &err);
		rc = c ? run(c, &a, argc - i, argv + i) : fail(&err);
		if (c) {
			const struct bf_stats *st = bf_client_stats(c);
			fprintf(stderr, "stats requests=%lu retries=%lu\n", st->requests, st->retries);
		}
		bf_client_free(c);
	}
	bf_secret_wipe(&secret);
	arena_free(&a);
	return rc;
}
