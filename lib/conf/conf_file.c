/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What libconfig is given, checked before it sees it. libconfig 1.5's flex
 * scanner calls exit(2) when a read fails ("input in flex scanner failed": a
 * directory opened as the file or through @include), blocks on a FIFO, stops
 * at a NUL byte of a string, and keeps plain integers in 32 bits, silently
 * wrapping larger ones (0x100000000 reads as 0). So the loader reads the file
 * itself (a regular file, bounded size), walks the text with libconfig's own
 * lexical rules to find every @include and integer, and refuses with file and
 * line what libconfig would die on, hang on or misread. The parse itself then
 * runs in a child process (conf_child.c), in case a file changes in between.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_priv.h"

static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* Reads all of fd (at most CONF_MAX_FILE bytes). 0 or -errno. */
static int
read_all(int fd, size_t hint, char **text, size_t *len)
{
	size_t cap = hint + 1, n = 0;
	char *buf = malloc(cap + 1), *grown;
	ssize_t r;

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {		/* the file grew since fstat() */
			if (cap > CONF_MAX_FILE) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			grown = realloc(buf, cap + 1);
			if (grown == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = grown;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(buf);
			return (int)r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CONF_MAX_FILE) {
		free(buf);
		return -EFBIG;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int
conf_file_read(const char *path, char **text, size_t *len, char *why, size_t why_len)
{
	struct stat st;
	int fd, rc;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(why, why_len, "cannot open: %s", strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		snprintf(why, why_len, "cannot read: %s", strerror(-rc));
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, why_len, "cannot read: %s, not a configuration file",
			 file_kind(st.st_mode));
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	if ((uint64_t)st.st_size > CONF_MAX_FILE) {
		snprintf(why, why_len, "cannot read: larger than %u MiB", CONF_MAX_FILE >> 20);
		close(fd);
		return -EFBIG;
	}
	rc = read_all(fd, (size_t)st.st_size, text, len);
	close(fd);
	if (rc == -EFBIG)
		snprintf(why, why_len, "cannot read: larger than %u MiB", CONF_MAX_FILE >> 20);
	else if (rc < 0)
		snprintf(why, why_len, "cannot read: %s", strerror(-rc));
	return rc;
}

/* ---- the text as libconfig 1.5's scanner (scanner.l) tokenises it ---- */

struct scan {
	const char *file;		/* as shown in errors */
	const char *dir;		/* include directory given to libconfig, or NULL */
	unsigned int depth;		/* of @include */
	struct gw_conf_error *err;
	size_t *bytes;			/* of the text and every @include file read */
};

static int
scan_fail(const struct scan *s, int line, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
scan_fail(const struct scan *s, int line, int rc, const char *fmt, ...)
{
	va_list ap;

	snprintf(s->err->file, sizeof(s->err->file), "%s", s->file);
	s->err->line = line;
	s->err->statement[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(s->err->reason, sizeof(s->err->reason), fmt, ap);
	va_end(ap);
	return rc;
}

static int scan_text(const struct scan *s, const char *text, size_t len);

/*
 * `@include "name"`: libconfig 1.5 opens include_dir "/" name (name as is
 * without an include directory) and reads it with the same scanner, up to
 * 10 levels deep (deeper is its own error).
 */
static int
check_include(const struct scan *s, int line, const char *name)
{
	char open_path[1024], shown[1024], why[200];
	struct scan inner = *s;
	size_t len;
	char *text;
	int rc;

	if ((size_t)snprintf(open_path, sizeof(open_path), "%s%s%s", s->dir != NULL ? s->dir : "",
			     s->dir != NULL ? "/" : "", name) >= sizeof(open_path))
		return scan_fail(s, line, -ENAMETOOLONG, "@include \"%.100s...\": name too long",
				 name);
	rc = conf_file_read(open_path, &text, &len, why, sizeof(why));
	if (rc < 0)
		return scan_fail(s, line, rc, "@include \"%s\": %s", name, why);
	if (s->depth + 1 >= CONF_MAX_INCLUDE_DEPTH) {
		explicit_bzero(text, len);
		free(text);
		return 0;	/* libconfig refuses the nesting itself */
	}
	conf_include_path(shown, sizeof(shown), s->dir, name);
	inner.file = shown;
	inner.depth = s->depth + 1;
	*s->bytes += len;
	rc = scan_text(&inner, text, len);
	explicit_bzero(text, len);
	free(text);
	return rc;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool
is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}

static bool
is_name_char(char c)
{
	return is_name_start(c) || is_digit(c) || c == '-' || c == '_';
}

/*
 * A number at p (scanner.l: integer, integer64, hex, hex64, float). Plain
 * integers must fit the 32 bits libconfig 1.5 keeps: it wraps the others.
 * Returns the end of the token, or NULL after scan_fail().
 */
static const char *
scan_number(const struct scan *s, int line, const char *p)
{
	const char *q = p + (*p == '+' || *p == '-'), *digits;
	bool neg = *p == '-', too_big;
	uint64_t v = 0;

	if (q == p && q[0] == '0' && (q[1] == 'x' || q[1] == 'X') && is_xdigit(q[2])) {
		q += 2;
		while (*q == '0')
			q++;
		digits = q;
		while (is_xdigit(*q))
			q++;
		too_big = q - digits > 8;
	} else {
		while (*q == '0')
			q++;
		digits = q;
		while (is_digit(*q)) {
			if (q - digits < 11)
				v = v * 10 + (uint64_t)(*q - '0');
			q++;
		}
		if (*q == '.' || *q == 'e' || *q == 'E') {	/* a float */
			while (is_digit(*q) || *q == '.' || *q == 'e' || *q == 'E' ||
			       ((*q == '+' || *q == '-') && (q[-1] == 'e' || q[-1] == 'E')))
				q++;
			return q;
		}
		too_big = q - digits > 10 || v > (neg ? 2147483648ull : 2147483647ull);
	}
	if (*q == 'L')		/* integer64: read as 64 bits */
		return q + 1 + (q[1] == 'L');
	if (too_big) {
		int n = (int)RTE_MIN(q - p, 40);

		scan_fail(s, line, -EINVAL, "%.*s does not fit in the 32 bits libconfig keeps "
			  "for a number without suffix (it would wrap): write %.*sL or \"%.*s\"",
			  n, p, n, p, n, p);
		return NULL;
	}
	return q;
}

/* `^[ \t]*@include[ \t]+"` at p (a line start)? Returns the opening quote. */
static const char *
include_open(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "@include", 8) != 0 || (p[8] != ' ' && p[8] != '\t'))
		return NULL;
	p += 8;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '"' ? p : NULL;
}

/*
 * The include file name after its opening quote (scanner.l's INCLUDE state:
 * \\ and \" are escapes, another backslash is dropped). Returns the closing
 * quote, or NULL if there is none (libconfig's error then).
 */
static const char *
include_name(const char *p, char *name, size_t len, int *line)
{
	size_t n = 0;

	for (; *p != '\0' && *p != '"'; p++) {
		char c = *p;

		if (c == '\\') {
			if (p[1] != '\\' && p[1] != '"')
				continue;
			c = *++p;
		}
		*line += c == '\n';
		if (n + 1 < len)
			name[n++] = c;
	}
	name[n] = '\0';
	return *p == '"' ? p : NULL;
}

static int
scan_text(const struct scan *s, const char *text, size_t len)
{
	enum { CODE, STRING, COMMENT } state = CODE;
	const char *nul = memchr(text, '\0', len), *p = text, *q;
	bool bol = true;	/* flex's ^: the previous character was a newline */
	char name[512];
	int line = 1, rc;

	if (nul != NULL) {
		for (q = text; q < nul; q++)
			line += *q == '\n';
		return scan_fail(s, line, -EINVAL, "NUL byte: not a text file");
	}
	while (*p != '\0') {
		char c = *p;

		if (state == STRING) {
			if (c == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			else if (c == '"')
				state = CODE;
		} else if (state == COMMENT) {
			if (c == '*' && p[1] == '/') {
				p++;
				state = CODE;
			}
		} else if (bol && (q = include_open(p)) != NULL) {
			int at = line;

			p = include_name(q + 1, name, sizeof(name), &line);
			if (p == NULL)
				return 0;	/* unterminated: libconfig says so */
			rc = check_include(s, at, name);
			if (rc < 0)
				return rc;
		} else if (c == '"') {
			state = STRING;
		} else if (c == '/' && p[1] == '*') {
			p++;
			state = COMMENT;
		} else if (c == '#' || (c == '/' && p[1] == '/')) {
			while (p[1] != '\0' && p[1] != '\n')
				p++;
		} else if (is_name_start(c)) {
			while (is_name_char(p[1]))
				p++;
		} else if (c == '.' && is_digit(p[1])) {	/* a float: .5, .5e3 */
			while (is_digit(p[1]) || p[1] == 'e' || p[1] == 'E' ||
			       ((p[1] == '+' || p[1] == '-') && (p[0] == 'e' || p[0] == 'E')))
				p++;
		} else if (is_digit(c) || ((c == '+' || c == '-') && is_digit(p[1]))) {
			q = scan_number(s, line, p);
			if (q == NULL)
				return -EINVAL;
			p = q - 1;
		}
		c = *p;
		line += c == '\n';
		bol = c == '\n';
		p++;
	}
	return 0;
}

int
conf_text_check(const char *text, size_t len, const char *file, const char *dir,
		struct gw_conf_error *err, size_t *bytes)
{
	const struct scan s = { .file = file, .dir = dir, .depth = 0, .err = err,
				.bytes = bytes };

	*bytes = len;
	return scan_text(&s, text, len);
}
