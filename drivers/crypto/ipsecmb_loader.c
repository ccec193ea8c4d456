/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-lcore private copies of libIPSec_MB (drivers/crypto/README.md, "Per-lcore library copies").
 *
 * IPsec-MB 1.3 stores to a process-wide imb_errno on every call, so workers
 * sharing one copy of the library bounce that cache line on every packet.
 * Each worker lcore therefore loads its own copy with dlmopen(LM_ID_NEWLM)
 * and allocates its IMB_MGR from it: every IMB_* macro goes through the
 * function pointers of that manager, hence through that copy, with its own
 * imb_errno. Sessions hold only key data, which any copy's manager can use:
 * every manager is initialised on the same code path, the configured one
 * (system.dataplane.crypto-arch: init_mb_mgr_<arch>) or, by default, the
 * library's pick for this CPU (init_mb_mgr_auto). A forced path the CPU
 * cannot run is refused before any manager is touched, never replaced.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include <gw_log.h>

#include "gw_crypto.h"
#include "ipsecmb_loader.h"

#define MB_LIB_NAME "libIPSec_MB.so.1"
#define MB_MAX_COPIES 15	/* glibc: 16 namespaces, one is the base */
#define MB_DEFAULT_COPIES 10

typedef void (*mb_init_fn)(IMB_MGR *mgr);

/* One copy of the library's entry points: the linked one or a dlmopen() copy. */
struct mb_api {
	void *handle;			/* dlmopen handle, NULL for the linked library */
	IMB_MGR *(*alloc)(uint64_t flags);
	void (*init_auto)(IMB_MGR *mgr, IMB_ARCH *arch);
	mb_init_fn init[GW_CRYPTO_ARCH_MAX];	/* [GW_CRYPTO_ARCH_AUTO] unused */
	void (*free)(IMB_MGR *mgr);
};

static const struct mb_api mb_linked = {
	.alloc = alloc_mb_mgr,
	.init_auto = init_mb_mgr_auto,
	.init = {
		[GW_CRYPTO_ARCH_AVX512] = init_mb_mgr_avx512,
		[GW_CRYPTO_ARCH_AVX2] = init_mb_mgr_avx2,
		[GW_CRYPTO_ARCH_AVX] = init_mb_mgr_avx,
		[GW_CRYPTO_ARCH_SSE] = init_mb_mgr_sse,
	},
	.free = free_mb_mgr,
};

/* Per code path: its init function's name, what the library reports, the CPU features. */
static const struct {
	const char *init_sym;
	IMB_ARCH imb;
	uint64_t needs;
} mb_archs[GW_CRYPTO_ARCH_MAX] = {
	[GW_CRYPTO_ARCH_AVX512] = { "init_mb_mgr_avx512", IMB_ARCH_AVX512, IMB_CPUFLAGS_AVX512 },
	[GW_CRYPTO_ARCH_AVX2] = { "init_mb_mgr_avx2", IMB_ARCH_AVX2, IMB_CPUFLAGS_AVX2 },
	[GW_CRYPTO_ARCH_AVX] = { "init_mb_mgr_avx", IMB_ARCH_AVX, IMB_CPUFLAGS_AVX },
	[GW_CRYPTO_ARCH_SSE] = { "init_mb_mgr_sse", IMB_ARCH_SSE, IMB_CPUFLAGS_SSE },
};

/* CPU features of those masks, as /proc/cpuinfo names them. */
static const struct {
	uint64_t bit;
	const char *name;
} mb_features[] = {
	{ IMB_FEATURE_CMOV, "cmov" }, { IMB_FEATURE_SSE4_2, "sse4_2" },
	{ IMB_FEATURE_AESNI, "aes" }, { IMB_FEATURE_PCLMULQDQ, "pclmulqdq" },
	{ IMB_FEATURE_AVX, "avx" }, { IMB_FEATURE_AVX2, "avx2" }, { IMB_FEATURE_BMI2, "bmi2" },
	{ IMB_FEATURE_AVX512F, "avx512f" }, { IMB_FEATURE_AVX512DQ, "avx512dq" },
	{ IMB_FEATURE_AVX512CD, "avx512cd" }, { IMB_FEATURE_AVX512BW, "avx512bw" },
	{ IMB_FEATURE_AVX512VL, "avx512vl" },
};

struct mb_slot {
	IMB_MGR *mgr;
	int copy;			/* index in copies[], -1: linked library */
	enum gw_crypto_mb_copy kind;
};

static pthread_mutex_t mb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mb_api copies[MB_MAX_COPIES];
static unsigned int n_copies;
static unsigned int max_copies;		/* 0: not decided yet */
static unsigned int n_shared;		/* lcores given a shared copy */
static struct mb_slot slots[GW_CRYPTO_MB_MAX_LCORE];
static IMB_MGR *setup_mgr;
static enum gw_crypto_arch mb_arch;	/* code path of every manager */
static bool mb_arch_fixed;		/* a manager exists: mb_arch may not change */

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

unsigned int
gw_crypto_arch_missing(enum gw_crypto_arch arch, uint64_t features, char *buf, size_t len)
{
	uint64_t lack;
	unsigned int n = 0;
	size_t used = 0;

	if (len > 0)
		buf[0] = '\0';
	if ((unsigned int)arch >= GW_CRYPTO_ARCH_MAX)
		return 0;
	lack = mb_archs[arch].needs & ~features;
	for (size_t i = 0; i < sizeof(mb_features) / sizeof(mb_features[0]); i++) {
		if ((lack & mb_features[i].bit) == 0)
			continue;
		if (used < len)
			used += snprintf(buf + used, len - used, "%s%s", n > 0 ? " " : "",
					 mb_features[i].name);
		n++;
	}
	return n;
}

int
gw_crypto_arch_check(enum gw_crypto_arch arch, char *why, size_t len)
{
	if ((unsigned int)arch >= GW_CRYPTO_ARCH_MAX) {
		snprintf(why, len, "unknown code path %d", (int)arch);
		return -EINVAL;
	}
	return gw_crypto_arch_missing(arch, imb_get_feature_flags(), why, len) != 0 ? -ENOTSUP : 0;
}

int
gw_crypto_ipsecmb_set_arch(enum gw_crypto_arch arch)
{
	char why[160];
	int rc;

	rc = gw_crypto_arch_check(arch, why, sizeof(why));
	if (rc != 0) {
		GW_LOG(crypto, ERR, "crypto-arch %s: IPsec-MB's %s code path needs CPU features "
		       "this CPU lacks: %s", gw_crypto_arch_name(arch),
		       gw_crypto_arch_name(arch), why);
		return rc;
	}
	pthread_mutex_lock(&mb_lock);
	if (arch != mb_arch && mb_arch_fixed)
		rc = -EBUSY;
	else
		mb_arch = arch;
	pthread_mutex_unlock(&mb_lock);
	if (rc != 0)
		GW_LOG(crypto, ERR, "crypto-arch %s: IPsec-MB managers already run on %s",
		       gw_crypto_arch_name(arch), gw_crypto_arch_name(mb_arch));
	return rc;
}

/*
 * Initialise mgr on the code path arch with api's functions. The CPU was
 * checked by gw_crypto_ipsecmb_set_arch(); the library's own verdict and the
 * path it reports are checked again. 0 or -ENOTSUP.
 */
static int
mb_init(const struct mb_api *api, IMB_MGR *mgr, enum gw_crypto_arch arch)
{
	if (arch == GW_CRYPTO_ARCH_AUTO)
		api->init_auto(mgr, NULL);
	else
		api->init[arch](mgr);
	if (mgr->imb_errno != 0)
		return -ENOTSUP;
	if (arch != GW_CRYPTO_ARCH_AUTO && mgr->used_arch != (uint32_t)mb_archs[arch].imb)
		return -ENOTSUP;
	return 0;
}

/* A manager from api on the configured code path. Called with mb_lock held. */
static IMB_MGR *
mb_new_mgr(const struct mb_api *api)
{
	IMB_MGR *mgr = api->alloc(0);

	if (mgr == NULL)
		return NULL;
	if (mb_init(api, mgr, mb_arch) != 0) {
		api->free(mgr);
		return NULL;
	}
	mb_arch_fixed = true;
	return mgr;
}

IMB_MGR *
gw_mb_setup_mgr(void)
{
	IMB_MGR *mgr;

	pthread_mutex_lock(&mb_lock);
	if (setup_mgr == NULL) {
		mgr = mb_new_mgr(&mb_linked);
		if (mgr != NULL)
			GW_LOG(crypto, NOTICE, "IPsec-MB %s, %s code path (crypto-arch %s)",
			       imb_get_version_str(), mb_arch_name(mgr->used_arch),
			       gw_crypto_arch_name(mb_arch));
		else
			GW_LOG(crypto, ERR, "IPsec-MB manager cannot be initialised (crypto-arch %s)",
			       gw_crypto_arch_name(mb_arch));
		setup_mgr = mgr;
	}
	mgr = setup_mgr;
	pthread_mutex_unlock(&mb_lock);
	return mgr;
}

const char *
gw_crypto_ipsecmb_thread_arch(void)
{
	IMB_MGR *mgr = gw_mb_thread_mgr();

	return mgr != NULL ? mb_arch_name(mgr->used_arch) : NULL;
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
	pthread_mutex_lock(&mb_lock);
	mgr = mb_new_mgr(&mb_linked);
	pthread_mutex_unlock(&mb_lock);
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
	struct mb_api *c = &copies[n_copies];
	bool all = true;
	void *h;

	h = dlmopen(LM_ID_NEWLM, MB_LIB_NAME, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		GW_LOG(crypto, WARNING, "dlmopen %s: %s", MB_LIB_NAME, dlerror());
		return -ENOENT;
	}
	memset(c, 0, sizeof(*c));
	*(void **)&c->alloc = dlsym(h, "alloc_mb_mgr");
	*(void **)&c->init_auto = dlsym(h, "init_mb_mgr_auto");
	*(void **)&c->free = dlsym(h, "free_mb_mgr");
	for (unsigned int a = GW_CRYPTO_ARCH_AUTO + 1; a < GW_CRYPTO_ARCH_MAX; a++) {
		*(void **)&c->init[a] = dlsym(h, mb_archs[a].init_sym);
		all = all && c->init[a] != NULL;
	}
	if (c->alloc == NULL || c->init_auto == NULL || c->free == NULL || !all) {
		GW_LOG(crypto, WARNING, "%s copy lacks alloc/init/free_mb_mgr", MB_LIB_NAME);
		dlclose(h);
		return -ENOENT;
	}
	c->handle = h;
	n_copies++;
	return 0;
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
	mgr = mb_new_mgr(copy >= 0 ? &copies[copy] : &mb_linked);
	if (mgr == NULL) {
		pthread_mutex_unlock(&mb_lock);
		GW_LOG(crypto, ERR, "lcore %u: cannot initialise an IPsec-MB manager (%s code path)",
		       lcore_id, gw_crypto_arch_name(mb_arch));
		return -ENOMEM;
	}
	s->mgr = mgr;
	s->copy = copy;
	s->kind = kind;
	if (kind == GW_CRYPTO_MB_PRIVATE)
		GW_LOG(crypto, INFO, "lcore %u: private IPsec-MB copy %d, %s code path", lcore_id,
		       copy, mb_arch_name(mgr->used_arch));
bind:
	/* A thread-exit manager from before lcore_init stays with its key. */
	tls_mgr = s->mgr;
	tls_copy = s->copy;
	pthread_mutex_unlock(&mb_lock);
	return 0;
}
