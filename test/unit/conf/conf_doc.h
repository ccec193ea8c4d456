/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CONF_DOC_H
#define CONF_DOC_H

/*
 * The statement table of lib/conf/README.md, generated from the schema so the
 * documentation cannot drift from the loader. The table sits between the two
 * marker lines below; everything else in the README is written by hand.
 */

#include <stdio.h>

#define CONF_DOC_BEGIN "<!-- BEGIN statement table: generated from the schema by conf_doc -->"
#define CONF_DOC_END "<!-- END statement table -->"

/* Print the markdown table (without markers). 0 or -errno. */
int conf_doc_table(FILE *out);

/* 0 if the README's table is what conf_doc_table() prints; else -EINVAL (or -errno). */
int conf_doc_check(const char *readme, FILE *diag);

/* Rewrite the README's table in place. 0 or -errno. */
int conf_doc_update(const char *readme);

#endif /* CONF_DOC_H */
