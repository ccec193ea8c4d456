/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_CONF_SCHEMA_H
#define GW_CONF_SCHEMA_H

/*
 * The one schema of the configuration (lib/conf/README.md). Every statement
 * the file may hold is one row: its dotted path ("interfaces.unit.family.inet.
 * address"), type, range, default and help text, plus the loader's hooks. The
 * libconfig loader walks the file against this table; the CLI uses the same
 * rows for set/delete checks, '?' help and TAB completion.
 *
 * Mapping to Junos: a container is a libconfig group, a named object is a list
 * of groups each with a key member ("name", "address" for arp/ndp entries), a
 * leaf is a scalar or, with GW_CONF_F_MULTI, an array; a bare flag is `true`.
 */

#include <stddef.h>
#include <stdint.h>

enum gw_conf_type {
	GW_CONF_CONTAINER = 0,	/* group { ... } */
	GW_CONF_LIST,		/* ( { key = ...; ... }, ... ) */
	GW_CONF_BOOL,		/* flag: true / false */
	GW_CONF_UINT,		/* integer (or string "0x..") in [min, max] */
	GW_CONF_STRING,		/* length in [min, max] */
	GW_CONF_ENUM,		/* one of names[] */
	GW_CONF_PREFIX,		/* "192.0.2.0/24", "2001:db8::/32" */
	GW_CONF_IPADDR,		/* "192.0.2.1", "2001:db8::1" */
	GW_CONF_MAC,		/* "02:00:00:00:00:01" */
	GW_CONF_KEY,		/* "0x00112233..." hex, min..max bytes */
	GW_CONF_PORTS,		/* "1000-2000", "53" or 53 */
};

#define GW_CONF_F_MULTI		0x01	/* leaf takes an array [ a, b ] (or one value) */
#define GW_CONF_F_REQUIRED	0x02	/* mandatory in its container / entry */
#define GW_CONF_F_SECRET	0x04	/* key material: never printed */
/*
 * Presence container: being there means something (udp-encapsulation turns
 * UDP encapsulation on), so the defaults of its leaves apply only when it is
 * present. The defaults of leaves in other containers apply always.
 */
#define GW_CONF_F_PRESENCE	0x08

struct gw_conf_ctx;			/* loader state, private to lib/conf */
struct gw_conf_val;			/* one parsed value, private to lib/conf */

struct gw_conf_stmt {
	const char *path;		/* dotted, no list keys: "interfaces.unit.name" */
	enum gw_conf_type type;
	unsigned int flags;		/* GW_CONF_F_* */
	uint64_t min, max;		/* UINT: value; STRING: length; KEY: bytes */
	const char *def;		/* default as text (applied by the loader), or NULL */
	const char *const *names;	/* ENUM: NULL-terminated choices; value = index */
	const char *key;		/* LIST: the member naming an entry */
	const char *help;		/* one line, for '?' and the README */

	/* Loader hooks, private to lib/conf. */
	int obj;			/* enum conf_obj the leaf is stored in */
	size_t off, size;		/* generic store: offset/size in that object */
	int (*set)(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		   const struct gw_conf_val *v);
	int (*begin)(struct gw_conf_ctx *c, unsigned int count);	/* LIST */
	/* LIST entry (key = its name) or CONTAINER (key = NULL) */
	int (*enter)(struct gw_conf_ctx *c, const char *key);
	int (*leave)(struct gw_conf_ctx *c);	/* LIST entry / CONTAINER: cross-checks */
	/* Printer hooks: value idx of a leaf as text (1) or none left (0)... */
	int (*get)(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		   char *buf, size_t len);
	/* ...and entry idx of a LIST (sets the object pointers) or NULL at the end. */
	void *(*nth)(struct gw_conf_ctx *c, unsigned int idx);
};

/* The whole table, in walk order (a parent before its children). */
const struct gw_conf_stmt *gw_conf_schema(size_t *n);

/* Row of a dotted path ("system.dataplane.layout"), or NULL. */
const struct gw_conf_stmt *gw_conf_schema_find(const char *path);

/*
 * Iterate the direct children of `parent` (NULL: the top level) in table
 * order: pass prev = NULL first, then the previous result. NULL at the end.
 */
const struct gw_conf_stmt *gw_conf_schema_child(const struct gw_conf_stmt *parent,
						const struct gw_conf_stmt *prev);

/* Last path segment: "address" for "interfaces.unit.family.inet.address". */
const char *gw_conf_stmt_name(const struct gw_conf_stmt *s);

/* "uint 68..9216", "enum", "prefix" ... for help output. */
const char *gw_conf_type_name(enum gw_conf_type type);

/*
 * Check one leaf value given as text (the CLI's `set`): type and range only,
 * no cross-checks. 0, or -EINVAL with a reason in `reason`.
 */
int gw_conf_value_check(const struct gw_conf_stmt *s, const char *text,
			char *reason, size_t len);

#endif /* GW_CONF_SCHEMA_H */
