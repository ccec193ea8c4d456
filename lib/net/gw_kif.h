/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_KIF_H
#define GW_KIF_H

/*
 * Kernel side of a port (the TAP of the exception path): make the kernel
 * interface carry the configured addresses, MTU and MAC, and set it up or
 * down, over rtnetlink. Control thread only; needs CAP_NET_ADMIN.
 */

#include "gw_conf.h"

/*
 * Configure ifname from itf: MTU, MAC (when configured), every address of
 * itf (IPv4 and IPv6, added or kept), addresses the configuration no longer
 * has removed (kernel IPv6 link-local addresses are kept), link up unless
 * itf->disable. Returns 0 or -errno (-ENODEV: no such interface).
 */
int gw_kif_configure(const char *ifname, const struct gw_conf_interface *itf);

/* Set the link up or down. 0 or -errno. */
int gw_kif_set_up(const char *ifname, bool up);

#endif /* GW_KIF_H */
