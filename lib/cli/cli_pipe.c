/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Junos pipes on libcli's filters: `| match REGEX`, `| except REGEX`,
 * `| count` (libcli's), `| no-more` (output is never paged: a no-op) and
 * `| display set` (the show command itself prints set lines; the filter
 * passes them through).
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include <libcli.h>

#include "cli_priv.h"

struct match {
	regex_t re;
	bool invert;
};

static int
match_filter(struct cli_def *cli, const char *line, void *data)
{
	struct match *m = data;
	bool hit;

	if (line == NULL) {		/* end of output */
		regfree(&m->re);
		free(m);
		cli->filters->data = NULL;
		return CLI_OK;
	}
	hit = regexec(&m->re, line, 0, NULL, 0) == 0;
	return hit != m->invert ? CLI_OK : CLI_ERROR;
}

static int
pass_filter(struct cli_def *cli __attribute__((unused)), const char *line __attribute__((unused)),
	    void *data __attribute__((unused)))
{
	return CLI_OK;
}

/* argv: the words after the filter's name (libcli gives them with the name first). */
static int
match_init(struct cli_def *cli, int argc, char **argv, struct cli_filter *filt, bool invert)
{
	struct match *m;
	int first = argc > 0 && (strcmp(argv[0], "match") == 0 ||
				 strcmp(argv[0], "except") == 0) ? 1 : 0;
	char pattern[CLI_ARG_LEN] = "";
	size_t o = 0;

	for (int i = first; i < argc && o < sizeof(pattern); i++)
		o += (size_t)snprintf(pattern + o, sizeof(pattern) - o, "%s%s",
				      i > first ? " " : "", argv[i]);
	if (pattern[0] == '\0') {
		cli_error(cli, "error: a regular expression is needed");
		return CLI_ERROR;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return CLI_ERROR;
	if (regcomp(&m->re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
		cli_error(cli, "error: invalid regular expression '%s'", pattern);
		free(m);
		return CLI_ERROR;
	}
	m->invert = invert;
	filt->filter = match_filter;
	filt->data = m;
	return CLI_OK;
}

static int
init_match(struct cli_def *cli, int argc, char **argv, struct cli_filter *filt)
{
	return match_init(cli, argc, argv, filt, false);
}

static int
init_except(struct cli_def *cli, int argc, char **argv, struct cli_filter *filt)
{
	return match_init(cli, argc, argv, filt, true);
}

static int
init_pass(struct cli_def *cli __attribute__((unused)), int argc __attribute__((unused)),
	  char **argv __attribute__((unused)), struct cli_filter *filt)
{
	filt->filter = pass_filter;
	filt->data = NULL;
	return CLI_OK;
}

void
cli_pipe_register(struct cli_def *cli)
{
	struct cli_command *c;

	c = cli_register_filter(cli, "match", init_match, match_filter, PRIVILEGE_UNPRIVILEGED,
				MODE_ANY, "Show only lines that match a regular expression");
	cli_register_optarg(c, "regex", CLI_CMD_ARGUMENT | CLI_CMD_REMAINDER_OF_LINE,
			    PRIVILEGE_UNPRIVILEGED, MODE_ANY, "Regular expression", NULL, NULL,
			    NULL);
	c = cli_register_filter(cli, "except", init_except, match_filter,
				PRIVILEGE_UNPRIVILEGED, MODE_ANY,
				"Hide the lines that match a regular expression");
	cli_register_optarg(c, "regex", CLI_CMD_ARGUMENT | CLI_CMD_REMAINDER_OF_LINE,
			    PRIVILEGE_UNPRIVILEGED, MODE_ANY, "Regular expression", NULL, NULL,
			    NULL);
	cli_register_filter(cli, "no-more", init_pass, pass_filter, PRIVILEGE_UNPRIVILEGED,
			    MODE_ANY, "Do not paginate the output");
	c = cli_register_filter(cli, "display", init_pass, pass_filter, PRIVILEGE_UNPRIVILEGED,
				MODE_ANY, "Show additional kinds of information");
	cli_register_optarg(c, "set", CLI_CMD_OPTIONAL_FLAG, PRIVILEGE_UNPRIVILEGED, MODE_ANY,
			    "Show the configuration as set commands", NULL, NULL, NULL);
}

/* Does the command line being run carry `| display set`? */
bool
cli_pipe_display_set(struct cli_def *cli)
{
	const struct cli_pipeline *p = cli->pipeline;

	if (p == NULL)
		return false;
	for (int i = 1; i < p->num_stages; i++) {
		const struct cli_pipeline_stage *st = &p->stage[i];

		if (st->num_words >= 2 && strcmp(st->words[0], "display") == 0 &&
		    strcmp(st->words[1], "set") == 0)
			return true;
	}
	return false;
}
