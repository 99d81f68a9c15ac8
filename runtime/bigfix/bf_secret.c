/*
 * bf_secret.c - the BigFix operator's credentials, held as briefly and as
 * privately as a C process can.
 *
 * They come from the environment, a netrc file or the terminal, never from
 * the command line (where every user sees argv).  While they are held the
 * process makes no core dump and cannot be ptrace'd by other users
 * (PR_SET_DUMPABLE 0, RLIMIT_CORE 0); the struct is locked in memory where
 * the system allows; the environment's copy of the password is wiped and
 * removed at once, so no child process inherits it; and bf_secret_wipe()
 * clears everything with explicit_bzero(), which the compiler cannot drop.
 */
#define _DEFAULT_SOURCE /* explicit_bzero() */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/bigfix/bigfix.h"

void bf_protect_process(void)
{
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
}

void bf_secret_wipe(struct bf_secret *s)
{
	bool locked = s->locked;
	explicit_bzero(s, sizeof *s);
	if (locked)
		munlock(s, sizeof *s);
}

static bool store(char *dst, size_t size, const char *src, size_t len, const char *what, struct bf_error *err)
{
	if (len >= size) {
		bf_error_set(err, BF_ERR_CREDENTIALS, "the BigFix %s is longer than bfplan accepts (%zu bytes)", what,
			     size - 1);
		return false;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	return true;
}

/* Takes the password from the environment, then wipes and removes it there. */
static bool take_env_password(struct bf_secret *s, struct bf_error *err)
{
	char *pw = getenv("BFPLAN_BIGFIX_PASSWORD");
	if (!pw)
		return false;
	size_t len = strlen(pw);
	bool ok = store(s->password, sizeof s->password, pw, len, "password", err);
	s->password_len = ok ? len : 0;
	explicit_bzero(pw, len);
	unsetenv("BFPLAN_BIGFIX_PASSWORD");
	return ok;
}

/* ---- netrc ------------------------------------------------------------------------------ */

/* The next whitespace-separated token of a netrc file (quotes and escapes are not netrc's). */
static const char *next_token(const char **p, size_t *len)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	const char *start = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
		s++;
	*len = (size_t)(s - start);
	*p = s;
	return *len ? start : NULL;
}

static bool token_is(const char *t, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(t, word, len) == 0;
}

/*
 * The login and password of the netrc entry for `host` (or its default),
 * as curl and ftp read it.  A file others may read is refused, because the
 * password in it would not be the operator's alone.
 */
static bool read_netrc(struct bf_secret *s, const char *host, bool *found, struct bf_error *err)
{
	*found = false;
	const char *path = getenv("NETRC");
	char buf[4096];
	if (!path) {
		const char *home = getenv("HOME");
		if (!home || (size_t)snprintf(buf, sizeof buf, "%s/.netrc", home) >= sizeof buf)
			return true;
		path = buf;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return true;  /* no netrc: not an error, the prompt comes next */
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 65536) {
		close(fd);
		bf_error_set(err, BF_ERR_CREDENTIALS, "the netrc file %s is not a small regular file", path);
		return false;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		bf_error_set(err, BF_ERR_CREDENTIALS,
			     "the netrc file %s may be read by other users: run 'chmod 600 %s' before bfplan uses it", path,
			     path);
		return false;
	}
	char *text = calloc(1, (size_t)st.st_size + 1);
	ssize_t got = text ? read(fd, text, (size_t)st.st_size) : -1;
	close(fd);
	if (got < 0) {
		free(text);
		bf_error_set(err, BF_ERR_CREDENTIALS, "cannot read the netrc file %s", path);
		return false;
	}
	text[got] = '\0';
	bool ok = true, in_entry = false;
	const char *p = text, *t;
	size_t len;
	while (ok && !*found && (t = next_token(&p, &len))) {
		if (token_is(t, len, "machine")) {
			const char *m = next_token(&p, &len);
			if (in_entry && s->password_len)
				*found = true;
			else
				in_entry = m && len == strlen(host) && strncasecmp(m, host, len) == 0;
		} else if (token_is(t, len, "default")) {
			if (in_entry && s->password_len)
				*found = true;
			else
				in_entry = true;
		} else if (in_entry && token_is(t, len, "login") && (t = next_token(&p, &len))) {
			ok = store(s->user, sizeof s->user, t, len, "user name", err);
		} else if (in_entry && token_is(t, len, "password") && (t = next_token(&p, &len))) {
			ok = store(s->password, sizeof s->password, t, len, "password", err);
			s->password_len = ok ? len : 0;
		} else if (token_is(t, len, "macdef")) {
			const char *end = strstr(p, "\n\n");  /* a macro runs to the next empty line */
			p = end ? end : p + strlen(p);
		}
	}
	if (in_entry && s->password_len)
		*found = true;
	explicit_bzero(text, (size_t)st.st_size);
	free(text);
	return ok;
}

/* ---- the terminal ---------------------------------------------------------------------------- */

static bool prompt(const char *question, char *out, size_t size, bool echo, struct bf_error *err)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		bf_error_set(err, BF_ERR_CREDENTIALS,
			     "no BigFix credentials: set BFPLAN_BIGFIX_USER and BFPLAN_BIGFIX_PASSWORD, add the server "
			     "to your netrc file, or run bfplan on a terminal to be asked");
		return false;
	}
	struct termios saved, quiet;
	bool restore = !echo && tcgetattr(fd, &saved) == 0;
	if (restore) {
		quiet = saved;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	(void)!write(fd, question, strlen(question));
	size_t n = 0;
	char c;
	bool too_long = false;
	while (read(fd, &c, 1) == 1 && c != '\n') {
		if (n + 1 < size)
			out[n++] = c;
		else
			too_long = true;
	}
	out[n] = '\0';
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &saved);
		(void)!write(fd, "\n", 1);
	}
	close(fd);
	if (too_long || n == 0) {
		explicit_bzero(out, size);
		bf_error_set(err, BF_ERR_CREDENTIALS, too_long ? "the answer is longer than bfplan accepts"
							       : "no answer was given");
		return false;
	}
	return true;
}

bool bf_secret_acquire(struct bf_secret *s, const char *host, struct bf_error *err)
{
	*err = (struct bf_error){0};
	bf_protect_process();
	memset(s, 0, sizeof *s);
	s->locked = mlock(s, sizeof *s) == 0;
	const char *user = getenv("BFPLAN_BIGFIX_USER");
	if (user && !store(s->user, sizeof s->user, user, strlen(user), "user name", err))
		goto fail;
	if (take_env_password(s, err))
		;
	else if (err->kind != BF_OK)
		goto fail;
	if (s->user[0] && s->password_len)
		return true;
	struct bf_secret from_netrc = {0};
	bool found;
	if (!read_netrc(&from_netrc, host, &found, err)) {
		bf_secret_wipe(&from_netrc);
		goto fail;
	}
	if (found && (!s->user[0] || strcmp(s->user, from_netrc.user) == 0)) {
		memcpy(s->user, from_netrc.user, sizeof s->user);
		memcpy(s->password, from_netrc.password, sizeof s->password);
		s->password_len = from_netrc.password_len;
	}
	bf_secret_wipe(&from_netrc);
	if (!s->user[0] && !prompt("BigFix operator: ", s->user, sizeof s->user, true, err))
		goto fail;
	if (!s->password_len) {
		char question[sizeof s->user + 64];
		snprintf(question, sizeof question, "Password of %s on %s: ", s->user, host);
		if (!prompt(question, s->password, sizeof s->password, false, err))
			goto fail;
		s->password_len = strlen(s->password);
	}
	return true;
fail:
	bf_secret_wipe(s);
	return false;
}
