/*
 * lsp.c - fuzz `bfplan lsp`: the bytes an editor would send, in full.
 *
 * The input is the server's whole standard input: framed messages or
 * anything else (seeds in corpus/lsp are editor sessions: initialize,
 * didOpen of a plan, didChange, the requests, shutdown, exit).  The
 * server reads it to its end with no quiet time, so every change is
 * checked.  What must hold:
 *
 *   - lsp_serve() returns 0 or 1, without crash, leak or undefined
 *     behaviour, whatever the framing, the JSON, the positions or the
 *     plans in it;
 *   - everything it writes is framed by the book: "Content-Length: N",
 *     CR LF, CR LF, then N bytes that are one JSON-RPC 2.0 object, and
 *     nothing after the last message.
 */
#define _POSIX_C_SOURCE 200809L

#include "fuzz.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "lsp/lsp.h"
#include "lsp/rpc.h"

/* Every message the server wrote is framed and is a JSON-RPC 2.0 object. */
static void expect_framed(const char *out, size_t len)
{
	struct rpc_reader r;
	rpc_reader_init(&r);
	if (!rpc_reader_feed(&r, out, len))
		fuzz_fail("out of memory");
	size_t seen = 0;
	for (;;) {
		const char *body;
		size_t n;
		enum rpc_status st = rpc_reader_next(&r, &body, &n);
		if (st == RPC_NEED_MORE)
			break;
		if (st != RPC_MESSAGE)
			fuzz_fail("the server wrote a message that is not framed by the base protocol");
		seen += n;
		json_t *msg = json_loadb(body, n, 0, NULL);
		const char *version = json_string_value(json_object_get(msg, "jsonrpc"));
		if (!json_is_object(msg) || !version || strcmp(version, "2.0") != 0)
			fuzz_fail("the server wrote a body that is not a JSON-RPC 2.0 object: %.*s", (int)(n < 200 ? n : 200),
				  body);
		json_decref(msg);
	}
	bool rest = r.len > r.start;
	rpc_reader_free(&r);
	if (rest)
		fuzz_fail("the server's output ends in the middle of a message (%zu bytes of bodies read)", seen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_fresh_dir("lsp");
	char path[4096];
	snprintf(path, sizeof path, "%s/input", dir);
	int fd = -1;
	if (mkdir(dir, 0700) != 0 || (fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) < 0)
		fuzz_fail("cannot stage the input in %s", dir);
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0)
			fuzz_fail("cannot write the input to %s", path);
		done += (size_t)n;
	}
	lseek(fd, 0, SEEK_SET);
	char *out = NULL;
	size_t out_len = 0;
	FILE *stream = open_memstream(&out, &out_len);
	if (!stream)
		fuzz_fail("out of memory");
	struct lsp_config config = {.stdlib_dir = FUZZ_STDLIB_DIR, .version = "fuzz", .debounce_ms = 0};
	int status = lsp_serve(fd, stream, getenv("FUZZ_VERBOSE") ? stderr : NULL, &config);
	fclose(stream);
	close(fd);
	if (status != 0 && status != 1)
		fuzz_fail("bfplan lsp returned %d", status);
	expect_framed(out, out_len);
	free(out);
	return 0;
}
