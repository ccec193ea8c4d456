/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IKE_PRIV_H
#define IKE_PRIV_H

/* Internal to the lib/ike codec: the error helper and the SA decoder. */

#include "ike_msg.h"

/* Fill err (message prefixed by func); returns -EBADMSG. */
int ike_fail(struct ike_perr *err, enum ike_perr_code code, uint32_t off, const char *func,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define IKE_FAIL(err, code, off, ...) ike_fail((err), (code), (off), __func__, __VA_ARGS__)

/* SA payload body -> msg->prop[], msg->xf[] (ike_parse_sa.c). */
int ike_decode_sa(struct ike_msg *msg, struct ike_pl *pl, struct ike_perr *err);

#endif /* IKE_PRIV_H */
