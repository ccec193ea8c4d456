/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libconfig runs in a short-lived child process. libconfig 1.5 can end the
 * process that parses (its flex scanner calls exit(2) when a read fails, and
 * when memory runs out) and leaks a string token's buffer on every syntax
 * error that follows one: a gateway that reloads a broken file in a loop
 * would grow without bound. conf_file.c refuses what it can see in advance;
 * whatever is left (a file changed between the check and the parse, an I/O
 * error) ends or leaks in the child, never in the gateway.
 *
 * The child parses and validates, then writes the result to a pipe: the
 * struct gw_config, then its heap arrays (sas, policies), or the struct
 * gw_conf_error. Its standard error goes to a second pipe, so a scanner that
 * gives up is quoted in the refusal. The child ends with _exit(): no atexit
 * handler of the parent's (stdio buffers, LeakSanitizer) runs twice.
 *
 * The child's limit is CPU time (its CPU-time clock, clock_getcpuclockid()):
 * on a loaded machine — a polling worker on one of two cores and other work —
 * a parse of 100,000 SAs that needs 1.5 CPU-s took more than 26 s of wall time
 * and a wall-clock limit refused the reload. A child that hangs without using
 * CPU is caught by a wall-clock limit CONF_CHILD_WALL_FACTOR times longer.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf_priv.h"

#define CONF_CHILD_MAGIC 0x67776366u	/* "gwcf" */
#define CONF_CHILD_WALL_FACTOR 6	/* wall-clock limit / CPU-time limit */
#define CONF_CHILD_POLL_MS 200

struct child_head {
	uint32_t magic;
	int32_t status;			/* 0: a configuration follows, else errno */
	uint32_t nb_sas, nb_policies;
};

static int
write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* libconfig ends the child with exit(2): leave at once, with its status. */
static void
child_exit_now(int status, void *arg __rte_unused)
{
	_exit(status);
}

/* err: as the parent initialised it (the file name). */
static void __attribute__((noreturn))
child_main(int out, int errfd, conf_parse_fn fn, void *arg, struct gw_conf_error *err)
{
	struct child_head h = { .magic = CONF_CHILD_MAGIC };
	struct gw_config *conf;
	int devnull, rc = 0;

	on_exit(child_exit_now, NULL);
	dup2(errfd, STDERR_FILENO);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull >= 0)
		dup2(devnull, STDOUT_FILENO);	/* flex ECHOes stray characters */
	conf = fn(arg, err);
	if (conf == NULL) {
		h.status = errno != 0 ? errno : EINVAL;
		rc = write_all(out, &h, sizeof(h)) ?: write_all(out, err, sizeof(*err));
	} else {
		h.nb_sas = conf->nb_sas;
		h.nb_policies = conf->nb_policies;
		rc = write_all(out, &h, sizeof(h)) ?: write_all(out, conf, sizeof(*conf));
		if (rc == 0 && conf->nb_sas > 0)
			rc = write_all(out, conf->sas, conf->nb_sas * sizeof(*conf->sas));
		if (rc == 0 && conf->nb_policies > 0)
			rc = write_all(out, conf->policies,
				       conf->nb_policies * sizeof(*conf->policies));
	}
	_exit(rc == 0 ? 0 : 1);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct child_io {
	int out, errfd;			/* -1 once at end of file */
	int64_t deadline;		/* wall clock */
	unsigned int timeout_ms;	/* of the child's CPU time */
	clockid_t cpu;			/* the child's CPU-time clock */
	bool have_cpu;
	char msg[160];			/* the start of the child's standard error */
	size_t msg_len;
	bool timed_out;
};

/* Drains the child's standard error (kept: its first bytes). */
static void
drain_err(struct child_io *io)
{
	char buf[512];
	ssize_t n = read(io->errfd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(io->errfd);
		io->errfd = -1;
		return;
	}
	if (io->msg_len + 1 < sizeof(io->msg)) {
		size_t k = RTE_MIN((size_t)n, sizeof(io->msg) - 1 - io->msg_len);

		memcpy(io->msg + io->msg_len, buf, k);
		io->msg_len += k;
		io->msg[io->msg_len] = '\0';
	}
}

/* Reads len bytes of the result into buf. 0, or -1 at end of file, error or timeout. */
static int
read_result(struct child_io *io, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		struct pollfd pfd[2] = {
			{ .fd = io->out, .events = POLLIN },
			{ .fd = io->errfd, .events = POLLIN },
		};
		int64_t left = io->deadline - now_ms();
		struct timespec used;
		ssize_t n;

		if (io->have_cpu && clock_gettime(io->cpu, &used) == 0 &&
		    (int64_t)used.tv_sec * 1000 + used.tv_nsec / 1000000 > io->timeout_ms)
			left = 0;
		if (left <= 0) {
			io->timed_out = true;
			return -1;
		}
		/* wakes up to look at the child's CPU time */
		if (poll(pfd, 2, (int)RTE_MIN(left, (int64_t)CONF_CHILD_POLL_MS)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (io->errfd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
			drain_err(io);
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			continue;
		n = read(io->out, p, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The configuration the child sent after its head, or NULL. */
static struct gw_config *
read_config(struct child_io *io, const struct child_head *h)
{
	struct gw_config *conf = malloc(sizeof(*conf));

	if (conf == NULL)
		return NULL;
	if (read_result(io, conf, sizeof(*conf)) < 0 ||
	    conf->nb_sas != h->nb_sas || conf->nb_policies != h->nb_policies) {
		explicit_bzero(conf, sizeof(*conf));
		free(conf);
		return NULL;
	}
	conf->sas = NULL;
	conf->policies = NULL;
	if (h->nb_sas > 0) {
		conf->sas = calloc(h->nb_sas, sizeof(*conf->sas));
		if (conf->sas == NULL ||
		    read_result(io, conf->sas, h->nb_sas * sizeof(*conf->sas)) < 0)
			goto fail;
	}
	if (h->nb_policies > 0) {
		conf->policies = calloc(h->nb_policies, sizeof(*conf->policies));
		if (conf->policies == NULL ||
		    read_result(io, conf->policies,
				h->nb_policies * sizeof(*conf->policies)) < 0)
			goto fail;
	}
	return conf;
fail:
	gw_conf_free(conf);
	return NULL;
}

/* The child's end, when it sent no result: why, in err->reason. */
static void
explain(const struct child_io *io, int status, bool reaped, struct gw_conf_error *err)
{
	char said[sizeof(io->msg)];
	char *nl;

	snprintf(said, sizeof(said), "%s", io->msg);
	nl = strchr(said, '\n');
	if (nl != NULL)
		*nl = '\0';
	if (io->timed_out)
		snprintf(err->reason, sizeof(err->reason), "cannot read as a configuration: "
			 "the parser did not finish within %u s of CPU time%s", io->timeout_ms / 1000,
			 io->have_cpu ? "" : " (wall clock)");
	else if (reaped && WIFSIGNALED(status))
		snprintf(err->reason, sizeof(err->reason), "cannot read as a configuration: "
			 "the parser was killed by signal %d%s%s", WTERMSIG(status),
			 said[0] != '\0' ? ": " : "", said);
	else
		snprintf(err->reason, sizeof(err->reason), "cannot read as a configuration: "
			 "the parser stopped (exit status %d)%s%s",
			 reaped && WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			 said[0] != '\0' ? ": " : "", said);
	err->line = 0;
	err->statement[0] = '\0';
}

struct gw_config *
conf_child_parse(conf_parse_fn fn, void *arg, unsigned int timeout_ms, struct gw_conf_error *err)
{
	struct child_io io = { .out = -1, .errfd = -1, .timeout_ms = timeout_ms };
	struct child_head h = { .magic = 0 };
	struct gw_config *conf = NULL;
	int outp[2], errp[2], status = 0, saved;
	bool reaped, refused = false;
	pid_t pid;

	if (pipe2(outp, O_CLOEXEC) != 0)
		goto no_child;
	if (pipe2(errp, O_CLOEXEC) != 0) {
		saved = errno;
		close(outp[0]);
		close(outp[1]);
		errno = saved;
		goto no_child;
	}
	pid = fork();
	if (pid == 0) {
		close(outp[0]);
		close(errp[0]);
		child_main(outp[1], errp[1], fn, arg, err);
	}
	saved = errno;
	close(outp[1]);
	close(errp[1]);
	if (pid < 0) {
		close(outp[0]);
		close(errp[0]);
		errno = saved;
		goto no_child;
	}
	io.out = outp[0];
	io.errfd = errp[0];
	io.have_cpu = clock_getcpuclockid(pid, &io.cpu) == 0;
	io.deadline = now_ms() + (int64_t)timeout_ms * (io.have_cpu ? CONF_CHILD_WALL_FACTOR : 1);
	if (read_result(&io, &h, sizeof(h)) == 0 && h.magic == CONF_CHILD_MAGIC) {
		if (h.status == 0)
			conf = read_config(&io, &h);
		else
			refused = read_result(&io, err, sizeof(*err)) == 0;
	}
	if (io.timed_out)
		kill(pid, SIGKILL);
	/* its standard error ends when it does (a killed child's too) */
	while (io.errfd >= 0 && now_ms() < io.deadline + 1000) {
		struct pollfd pfd = { .fd = io.errfd, .events = POLLIN };

		if (poll(&pfd, 1, 100) > 0)
			drain_err(&io);
	}
	/* ECHILD: SIGCHLD ignored, the child reaped itself; the pipe said enough */
	while (!(reaped = waitpid(pid, &status, 0) == pid) && errno == EINTR)
		;
	close(io.out);
	if (io.errfd >= 0)
		close(io.errfd);
	if (conf != NULL)
		return conf;
	if (refused) {
		errno = h.status;
		return NULL;
	}
	explain(&io, status, reaped, err);
	errno = EINVAL;
	return NULL;
no_child:
	saved = errno;
	snprintf(err->reason, sizeof(err->reason), "cannot start the parser: %s",
		 strerror(saved));
	errno = saved;
	return NULL;
}
