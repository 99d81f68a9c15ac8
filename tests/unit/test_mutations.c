/*
 * test_mutations.c - broken plans of every kind, through the whole tool.
 *
 * Each example plan is mutated many times over (bytes cut, tokens and
 * binary noise inserted, pieces copied elsewhere) with a fixed-seed
 * generator, and every mutant goes through `bfplan check` and `bfplan
 * build` in this process.  The exit status must be 0, 1 or 2; a crash, a
 * hang or a sanitizer report fails the suite (make check runs it under
 * ASan and UBSan).  Running the whole CLI in-process many times over also
 * shows that bfplan_main() keeps no state between calls.
 *
 * Runs from the top of the source tree (make unit does).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd/cli.h"

enum { MUTANTS_PER_SEED = 150, MAX_SEED = 64 * 1024 };

/* xorshift64: deterministic, so a failure is reproducible from its number */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static const char *const inserts[] = {
	"{", "}", ",", "\"", "\\", "\n", "#", "use \"x\"\n", "plan p {", "each node {", "restart",
	"\\u{", "30m", "99999999999", "max-down 0", "order a before b", "\xff", "\xe2\x82", "\r",
};

static size_t mutate(uint64_t *rng, const char *seed, size_t len, char *out, size_t cap)
{
	memcpy(out, seed, len);
	int edits = 1 + (int)(next_random(rng) % 6);
	for (int e = 0; e < edits; e++) {
		size_t pos = len ? next_random(rng) % len : 0;
		switch (next_random(rng) % 4) {
		case 0: { /* cut */
			size_t n = 1 + next_random(rng) % 20;
			if (pos + n > len)
				n = len - pos;
			memmove(out + pos, out + pos + n, len - pos - n);
			len -= n;
			break;
		}
		case 1: { /* insert a token */
			const char *t = inserts[next_random(rng) % (sizeof inserts / sizeof inserts[0])];
			size_t n = strlen(t);
			if (len + n > cap)
				break;
			memmove(out + pos + n, out + pos, len - pos);
			memcpy(out + pos, t, n);
			len += n;
			break;
		}
		case 2: { /* a NUL or any byte */
			if (len + 1 > cap)
				break;
			memmove(out + pos + 1, out + pos, len - pos);
			out[pos] = (char)(next_random(rng) & 0xFF);
			len++;
			break;
		}
		default: { /* copy a piece from elsewhere */
			size_t from = len ? next_random(rng) % len : 0;
			size_t n = 1 + next_random(rng) % 40;
			if (from + n > len)
				n = len - from;
			if (len + n > cap)
				break;
			char piece[64];
			memcpy(piece, out + from, n);
			memmove(out + pos + n, out + pos, len - pos);
			memcpy(out + pos, piece, n);
			len += n;
			break;
		}
		}
	}
	return len;
}

/* bfplan_main() takes a writable argv, as main() does: give it copies. */
static int run(FILE *sink, const struct bfplan_env *env, int argc, const char **argv)
{
	char copies[8][256];
	char *args[8];
	for (int i = 0; i < argc; i++) {
		snprintf(copies[i], sizeof copies[i], "%s", argv[i]);
		args[i] = copies[i];
	}
	return bfplan_main(argc, args, sink, sink, env);
}

static int is_plan(const struct dirent *e)
{
	return strstr(e->d_name, ".plan") != NULL;
}

static void mutants_exit_cleanly(void **state)
{
	(void)state;
	char dir[] = "/tmp/bfplan-mutants.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], outdir[256];
	snprintf(path, sizeof path, "%s/mutant.plan", dir);
	snprintf(outdir, sizeof outdir, "%s/out", dir);
	FILE *sink = fopen("/dev/null", "w");
	assert_non_null(sink);
	struct bfplan_env env = {.stdlib_dir = "stdlib"};

	/* sorted, so the same mutants come out on every machine */
	struct dirent **names;
	int count = scandir("examples", &names, is_plan, alphasort);
	assert_true(count > 0);
	static char seed[MAX_SEED], mutant[MAX_SEED * 2];
	uint64_t rng = 0x9E3779B97F4A7C15u;
	unsigned runs = 0;
	for (int k = 0; k < count; k++) {
		char name[512];
		snprintf(name, sizeof name, "examples/%s", names[k]->d_name);
		free(names[k]);
		FILE *f = fopen(name, "rb");
		assert_non_null(f);
		size_t len = fread(seed, 1, sizeof seed, f);
		fclose(f);
		for (int i = 0; i < MUTANTS_PER_SEED; i++) {
			size_t n = mutate(&rng, seed, len, mutant, sizeof mutant);
			f = fopen(path, "wb");
			assert_non_null(f);
			fwrite(mutant, 1, n, f);
			fclose(f);
			const char *check[] = {"bfplan", "check", path};
			const char *build[] = {"bfplan", "build", path, "-o", outdir,
					       "--site-url", "server-automation=http://sa.invalid/"};
			int rc = run(sink, &env, 3, check);
			if (rc < 0 || rc > 2)
				fail_msg("check of mutant %d of %s exited %d", i, name, rc);
			rc = run(sink, &env, 7, build);
			if (rc < 0 || rc > 2)
				fail_msg("build of mutant %d of %s exited %d", i, name, rc);
			runs += 2;
		}
	}
	free(names);
	fclose(sink);
	print_message("%u runs of mutated examples, all exited 0, 1 or 2\n", runs);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mutants_exit_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
