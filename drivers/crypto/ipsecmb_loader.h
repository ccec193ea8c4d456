/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_IPSECMB_LOADER_H
#define GW_IPSECMB_LOADER_H

/*
 * IPsec-MB managers: one per thread, from a private dlmopen() copy of the
 * library (per-lcore, see drivers/crypto/README.md) or from the normally
 * linked library.
 */

#include <intel-ipsec-mb.h>

/* Manager of the calling thread; created from the linked library if the
 * thread never called gw_mb_lcore_init(). NULL only if allocation failed. */
IMB_MGR *gw_mb_thread_mgr(void);

/* Manager for key set-up (stateless helpers only: key expansion, one-block
 * hashes); usable from any thread. NULL if IPsec-MB cannot initialise. */
IMB_MGR *gw_mb_setup_mgr(void);

/* Give the calling thread (lcore_id) its own library copy. 0 or -errno. */
int gw_mb_lcore_init(unsigned int lcore_id);

#endif /* GW_IPSECMB_LOADER_H */
