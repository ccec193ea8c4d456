/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-lcore private copies of libIPSec_MB (notes/ipsec-mb-scaling.md).
 *
 * IPsec-MB 1.3 stores to a process-wide imb_errno on every call, so workers
 * sharing one copy of the library bounce that cache line on every packet.
 * Each worker lcore therefore loads its own copy with dlmopen(LM_ID_NEWLM)
 * and allocates its IMB_MGR from it: every IMB_* macro goes through the
 * function pointers of that manager, hence through that copy, with its own
 * imb_errno. Sessions hold only key data, which any copy's manager can use
 * (all copies pick the same code path on the same CPU: init_mb_mgr_auto).
 *
 * Each namespace carries its own libc whose static TLS runs out at 11
 * copies on glibc 2.36; GLIBC_TUNABLES=glibc.rtld.nns=16 at process start
 * allows 15 (glibc's limit is 16 namespaces). Beyond the cap, lcores share
 * the loaded copies round-robin (each still has its own IMB_MGR), and the
 * log says so. If dlmopen fails, the lcore uses the linked library.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include <gw_log.h>

#include "gw_crypto.h"
#include "ipsecmb_loader.h"

#define MB_LIB_NAME "libIPSec_MB.so.1"
#define MB_MAX_COPIES 15	/* glibc: 16 namespaces, one is the base */
#define MB_DEFAULT_COPIES 10

struct mb_copy {
	void *handle;
	IMB_MGR *(*alloc)(uint64_t flags);
	void (*init_auto)(IMB_MGR *mgr, IMB_ARCH *arch);
	void (*free)(IMB_MGR *mgr);
};

struct mb_slot {
	IMB_MGR *mgr;
	int copy;			/* index in copies[], -1: linked library */
	enum gw_crypto_mb_copy kind;
};

static pthread_mutex_t mb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mb_copy copies[MB_MAX_COPIES];
static unsigned int n_copies;
static unsigned int max_copies;		/* 0: not decided yet */
static unsigned int n_shared;		/* lcores given a shared copy */
static struct mb_slot slots[GW_CRYPTO_MB_MAX_LCORE];
static IMB_MGR *setup_mgr;

static __thread IMB_MGR *tls_mgr;
static __thread int tls_copy = -1;
static pthread_key_t tls_key;		/* frees a lazily created thread manager */
static pthread_once_t tls_key_once = PTHREAD_ONCE_INIT;

static const char *
mb_arch_name(IMB_ARCH arch)
{
	switch (arch) {
	case IMB_ARCH_NOAESNI: return "no-aesni";
	case IMB_ARCH_SSE: return "sse";
	case IMB_ARCH_AVX: return "avx";
	case IMB_ARCH_AVX2: return "avx2";
	case IMB_ARCH_AVX512: return "avx512";
	default: return "unknown";
	}
}

/* Cap from GLIBC_TUNABLES glibc.rtld.nns=N (N - 1 copies), else the default. */
static unsigned int
mb_default_max(void)
{
	const char *t = getenv("GLIBC_TUNABLES");
	const char *nns;
	long n;

	if (t == NULL || (nns = strstr(t, "glibc.rtld.nns=")) == NULL)
		return MB_DEFAULT_COPIES;
	n = strtol(nns + strlen("glibc.rtld.nns="), NULL, 10);
	if (n < 2)
		return MB_DEFAULT_COPIES;
	return n - 1 > MB_MAX_COPIES ? MB_MAX_COPIES : (unsigned int)(n - 1);
}

unsigned int
gw_crypto_ipsecmb_set_max_copies(unsigned int n)
{
	unsigned int r;

	pthread_mutex_lock(&mb_lock);
	if (n > MB_MAX_COPIES)
		n = MB_MAX_COPIES;
	max_copies = n != 0 ? n : mb_default_max();
	r = max_copies;
	pthread_mutex_unlock(&mb_lock);
	return r;
}

unsigned int
gw_crypto_ipsecmb_copies(void)
{
	unsigned int n;

	pthread_mutex_lock(&mb_lock);
	n = n_copies;
	pthread_mutex_unlock(&mb_lock);
	return n;
}

enum gw_crypto_mb_copy
gw_crypto_ipsecmb_lcore_copy(unsigned int lcore_id)
{
	enum gw_crypto_mb_copy k;

	if (lcore_id >= GW_CRYPTO_MB_MAX_LCORE)
		return GW_CRYPTO_MB_NONE;
	pthread_mutex_lock(&mb_lock);
	k = slots[lcore_id].kind;
	pthread_mutex_unlock(&mb_lock);
	return k;
}

int
gw_crypto_ipsecmb_thread_copy(void)
{
	return tls_copy;
}

/* A manager from the linked library, on the best code path for this CPU. */
static IMB_MGR *
mb_linked_mgr(void)
{
	IMB_MGR *mgr = alloc_mb_mgr(0);

	if (mgr == NULL)
		return NULL;
	init_mb_mgr_auto(mgr, NULL);
	if (imb_get_errno(mgr) != 0) {
		free_mb_mgr(mgr);
		return NULL;
	}
	return mgr;
}

IMB_MGR *
gw_mb_setup_mgr(void)
{
	IMB_ARCH arch = IMB_ARCH_NONE;
	IMB_MGR *mgr;

	pthread_mutex_lock(&mb_lock);
	if (setup_mgr == NULL) {
		mgr = alloc_mb_mgr(0);
		if (mgr != NULL) {
			init_mb_mgr_auto(mgr, &arch);
			if (imb_get_errno(mgr) != 0) {
				free_mb_mgr(mgr);
				mgr = NULL;
			}
		}
		if (mgr != NULL)
			GW_LOG(crypto, INFO, "IPsec-MB %s, %s code path",
			       imb_get_version_str(), mb_arch_name(arch));
		else
			GW_LOG(crypto, ERR, "IPsec-MB manager cannot be initialised");
		setup_mgr = mgr;
	}
	mgr = setup_mgr;
	pthread_mutex_unlock(&mb_lock);
	return mgr;
}

static void
mb_tls_free(void *mgr)
{
	free_mb_mgr(mgr);
}

static void
mb_tls_key_create(void)
{
	if (pthread_key_create(&tls_key, mb_tls_free) != 0)
		GW_LOG(crypto, WARNING, "no thread-exit clean-up of IPsec-MB managers");
}

IMB_MGR *
gw_mb_thread_mgr(void)
{
	IMB_MGR *mgr = tls_mgr;

	if (likely(mgr != NULL))
		return mgr;
	/* A thread without lcore_init (control thread, tests): linked library. */
	mgr = mb_linked_mgr();
	if (mgr == NULL)
		return NULL;
	pthread_once(&tls_key_once, mb_tls_key_create);
	pthread_setspecific(tls_key, mgr);
	tls_mgr = mgr;
	tls_copy = -1;
	return mgr;
}

/* Load one more private copy. Called with mb_lock held. 0 or -errno. */
static int
mb_load_copy(void)
{
	struct mb_copy *c = &copies[n_copies];
	void *h;

	h = dlmopen(LM_ID_NEWLM, MB_LIB_NAME, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		GW_LOG(crypto, WARNING, "dlmopen %s: %s", MB_LIB_NAME, dlerror());
		return -ENOENT;
	}
	*(void **)&c->alloc = dlsym(h, "alloc_mb_mgr");
	*(void **)&c->init_auto = dlsym(h, "init_mb_mgr_auto");
	*(void **)&c->free = dlsym(h, "free_mb_mgr");
	if (c->alloc == NULL || c->init_auto == NULL || c->free == NULL) {
		GW_LOG(crypto, WARNING, "%s copy lacks alloc/init/free_mb_mgr", MB_LIB_NAME);
		dlclose(h);
		return -ENOENT;
	}
	c->handle = h;
	n_copies++;
	return 0;
}

static IMB_MGR *
mb_copy_mgr(const struct mb_copy *c)
{
	IMB_MGR *mgr = c->alloc(0);

	if (mgr != NULL)
		c->init_auto(mgr, NULL);
	return mgr;
}

int
gw_mb_lcore_init(unsigned int lcore_id)
{
	struct mb_slot *s;
	int copy = -1;
	enum gw_crypto_mb_copy kind;
	IMB_MGR *mgr = NULL;

	if (lcore_id >= GW_CRYPTO_MB_MAX_LCORE)
		return -EINVAL;
	pthread_mutex_lock(&mb_lock);
	s = &slots[lcore_id];
	if (s->mgr != NULL)
		goto bind;		/* again on the same lcore: keep its manager */
	if (max_copies == 0)
		max_copies = mb_default_max();
	if (n_copies < max_copies && mb_load_copy() == 0) {
		copy = n_copies - 1;
		kind = GW_CRYPTO_MB_PRIVATE;
	} else if (n_copies > 0) {
		copy = n_shared++ % n_copies;
		kind = GW_CRYPTO_MB_SHARED_COPY;
		GW_LOG(crypto, NOTICE, "lcore %u shares IPsec-MB copy %d (%u copies, cap %u)",
		       lcore_id, copy, n_copies, max_copies);
	} else {
		kind = GW_CRYPTO_MB_LINKED;
		GW_LOG(crypto, WARNING, "lcore %u uses the linked IPsec-MB (no private copy)",
		       lcore_id);
	}
	mgr = copy >= 0 ? mb_copy_mgr(&copies[copy]) : mb_linked_mgr();
	if (mgr == NULL) {
		pthread_mutex_unlock(&mb_lock);
		GW_LOG(crypto, ERR, "lcore %u: cannot allocate an IPsec-MB manager", lcore_id);
		return -ENOMEM;
	}
	s->mgr = mgr;
	s->copy = copy;
	s->kind = kind;
	if (kind == GW_CRYPTO_MB_PRIVATE)
		GW_LOG(crypto, INFO, "lcore %u: private IPsec-MB copy %d", lcore_id, copy);
bind:
	/* A thread-exit manager from before lcore_init stays with its key. */
	tls_mgr = s->mgr;
	tls_copy = s->copy;
	pthread_mutex_unlock(&mb_lock);
	return 0;
}
