/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TEST ONLY: a mock negotiated owner. The SAs and policies of a second file
 * (configuration syntax) are installed once under `owner` through the install
 * interface, the calls GDOI and IKEv2 make; reloads of the configuration
 * must leave them alone (test/pkt/test_owner.py).
 */
#include <errno.h>
#include <string.h>

#include "gw_log.h"
#include "apply_priv.h"

int
gw_apply_test_owner(const struct gw_install *in, struct gw_owner owner, const char *path)
{
	struct apply_spds spds = { 0 };
	struct gw_conf_error err;
	struct gw_config *conf;
	struct gw_sa_spec spec;
	char msg[1024];
	gw_sa_id_t id;
	int ret = 0;

	conf = gw_conf_load(path, &err);
	if (conf == NULL) {
		gw_conf_error_format(&err, msg, sizeof(msg));
		GW_LOG(policy, ERR, "test owner: %s", msg);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < conf->nb_sas && ret == 0; i++) {
		gw_apply_sa_spec(conf, &conf->sas[i], &spec);
		ret = in->ops->add_sa(in->ctx, owner, &spec, &id);
		explicit_bzero(&spec, sizeof(spec));
	}
	if (ret == 0)
		ret = apply_policies(in, owner, conf, &spds);
	GW_LOG(policy, NOTICE, "test owner: %u SAs and the policies of %s: %s", conf->nb_sas,
	       path, ret == 0 ? "installed" : strerror(-ret));
	gw_conf_free(conf);
	return ret;
}
