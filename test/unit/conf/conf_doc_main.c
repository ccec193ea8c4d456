/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conf_doc: print the configuration's statement table, or check / update the
 * one in lib/conf/README.md.
 *   conf_doc                  print the table
 *   conf_doc --check FILE     exit 1 if FILE's table differs from the schema
 *   conf_doc --update FILE    rewrite FILE's table
 */

#include <stdlib.h>
#include <string.h>

#include "conf_doc.h"

int
main(int argc, char **argv)
{
	if (argc == 1)
		return conf_doc_table(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	if (argc == 3 && strcmp(argv[1], "--check") == 0)
		return conf_doc_check(argv[2], stderr) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	if (argc == 3 && strcmp(argv[1], "--update") == 0)
		return conf_doc_update(argv[2]) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	fprintf(stderr, "usage: %s [--check|--update README.md]\n", argv[0]);
	return EXIT_FAILURE;
}
