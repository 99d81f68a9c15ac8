/*
 * replay_main.c - runs a fuzz harness over files, without libFuzzer.
 *
 * usage: replay-NAME FILE|DIR...
 *
 * Linked with one harness by the normal compiler, it hands every file
 * (every regular file of a directory, in name order) to
 * LLVMFuzzerTestOneInput() in turn, in this one process, each in a buffer
 * of exactly its size so that the sanitizers see a read past the end.
 * A harness aborts when bfplan breaks a promise, so getting to the end is
 * the test: then it prints "N inputs" and exits 0.
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long replayed;

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	size_t cap = 4096, len = 0;
	unsigned char *buf = malloc(cap);
	for (size_t n; buf && (n = fread(buf + len, 1, cap - len, f)) > 0;) {
		len += n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf || ferror(f)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	/* exactly `len` bytes, so that reading one more is an error ASan reports */
	unsigned char *exact = malloc(len ? len : 1);
	if (!exact) {
		fprintf(stderr, "replay: out of memory\n");
		exit(2);
	}
	memcpy(exact, buf, len);
	free(buf);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	replayed++;
}

static int is_visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static void replay_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	struct dirent **names;
	int n = scandir(path, &names, is_visible, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: cannot list %s: %s\n", path, strerror(errno));
		exit(2);
	}
	for (int i = 0; i < n; i++) {
		char file[4096];
		snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(file);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		replay_path(argv[i]);
	printf("%lu inputs\n", replayed);
	return 0;
}
