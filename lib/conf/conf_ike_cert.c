/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE authentication in the configuration: `authentication-method` of the ike
 * proposals, `certificate { local-certificate; private-key; trusted-ca }` of an
 * ike policy and `local-identity` / `remote-identity` of a gateway. The files
 * are loaded here with lib/ike/cert (the same checks the daemon makes), so a
 * missing file, a key that is not the certificate's or an identity not in the
 * certificate is refused with the file and line of the statement.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "conf_priv.h"
#include "ike_cert.h"

const char *const conf_ike_authms[] = {	/* enum gw_ike_authm */
	"pre-shared-keys", "rsa-signatures", "ecdsa-signatures-256", "ecdsa-signatures-384",
	"ecdsa-signatures-521", NULL
};

static bool
is_local_id(const struct gw_conf_stmt *s)
{
	return strstr(s->path, ".local-identity.") != NULL;
}

int
conf_set_ike_id(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		const struct gw_conf_val *v)
{
	struct gw_conf_ike_gateway *g = c->obj[CONF_OBJ_IKE_GW];
	const char *kind = gw_conf_stmt_name(s), *reason = NULL;
	bool local = is_local_id(s);
	uint8_t *type = local ? &g->local_id_type : &g->remote_id_type;
	char *text = local ? g->local_identity : g->remote_identity;
	struct ike_id id;

	if (*type != 0)
		return conf_fail(c, "%s given twice", local ? "local-identity" :
				 "remote-identity");
	if (ike_id_parse(kind, v->s, &id, &reason) != 0)
		return conf_fail(c, "%s", reason);
	*type = id.type;
	snprintf(text, GW_CONF_IKE_ID_MAX, "%s", v->s);
	return 0;
}

int
conf_get_ike_id(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len)
{
	const struct gw_conf_ike_gateway *g = c->obj[CONF_OBJ_IKE_GW];
	bool local = is_local_id(s);
	const char *kind = ike_id_type_name(local ? g->local_id_type : g->remote_id_type);

	if (idx != 0 || strcmp(kind, gw_conf_stmt_name(s)) != 0)
		return 0;
	snprintf(buf, len, "%s", local ? g->local_identity : g->remote_identity);
	return 1;
}

/* A file name, relative to the configuration file's directory, kept absolute. */
int
conf_set_ike_file(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		  const struct gw_conf_val *v)
{
	char *dst = (char *)c->obj[s->obj] + s->off;
	char path[GW_CONF_PATH_MAX + 1];

	conf_include_path(path, sizeof(path), c->dir, v->s);
	if (strlen(path) >= s->size)
		return conf_fail(c, "file name longer than %zu characters", s->size - 1);
	snprintf(dst, s->size, "%s", path);
	return 0;
}

/* Does the key fit the method (RSA; ECDSA on the method's curve)? */
static bool
key_fits(EVP_PKEY *key, uint32_t method, const char **what)
{
	static const char *const curves[] = { NULL, NULL, "prime256v1", "secp384r1",
					      "secp521r1" };
	char group[32];

	if (method == GW_IKE_AUTHM_RSA) {
		*what = "an RSA key";
		return EVP_PKEY_is_a(key, "RSA");
	}
	*what = method == GW_IKE_AUTHM_ECDSA256 ? "an ECDSA P-256 key" :
		method == GW_IKE_AUTHM_ECDSA384 ? "an ECDSA P-384 key" : "an ECDSA P-521 key";
	return EVP_PKEY_is_a(key, "EC") &&
	       EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof(group), NULL) == 1 &&
	       strcmp(group, curves[method]) == 0;
}

/* Credentials and anchors of a certificate policy, loaded as the daemon will. */
static int
check_cert_files(struct gw_conf_ctx *c, const struct gw_conf_ike_policy *p)
{
	struct ike_cert_status st;
	struct ike_cred *cred;
	struct ike_trust *t;
	struct stat sb;
	const char *what;
	int rc = 0;

	if (p->local_cert[0] == '\0')
		return conf_fail_at(c, "certificate", "%s needs certificate local-certificate",
				    conf_ike_authms[p->auth_method]);
	if (p->private_key[0] == '\0')
		return conf_fail_at(c, "certificate", "%s needs certificate private-key",
				    conf_ike_authms[p->auth_method]);
	if (p->trusted_ca[0] == '\0')
		return conf_fail_at(c, "certificate", "%s needs certificate trusted-ca",
				    conf_ike_authms[p->auth_method]);
	cred = ike_cred_load(p->local_cert, p->private_key, &st);
	if (cred == NULL)
		return conf_fail_at(c, st.err == IKE_CERT_E_LOAD && strstr(st.reason,
				    p->private_key) != NULL ? "certificate.private-key" :
				    "certificate.local-certificate", "%s", st.reason);
	if (!key_fits(ike_cred_key(cred), p->auth_method, &what))
		rc = conf_fail_at(c, "certificate.private-key", "%s needs %s",
				  conf_ike_authms[p->auth_method], what);
	ike_cred_free(cred);
	if (rc != 0)
		return rc;
	t = ike_trust_new();
	if (t == NULL)
		return conf_fail_at(c, "certificate.trusted-ca", "out of memory");
	if (stat(p->trusted_ca, &sb) == 0 && S_ISDIR(sb.st_mode))
		rc = ike_trust_add_dir(t, p->trusted_ca, &st);
	else
		rc = ike_trust_add_file(t, p->trusted_ca, &st);
	if (rc == 0 && ike_trust_count(t) == 0)
		rc = conf_fail_at(c, "certificate.trusted-ca", "no CA certificate in %s",
				  p->trusted_ca);
	else if (rc != 0)
		rc = conf_fail_at(c, "certificate.trusted-ca", "%s", st.reason);
	ike_trust_free(t);
	return rc;
}

/*
 * An ike policy's authentication: every proposal names the same method (the
 * policy's); a pre-shared key for pre-shared-keys, certificate files that load
 * and fit the method otherwise.
 */
int
conf_ikepol_auth(struct gw_conf_ctx *c)
{
	struct gw_conf_ike_policy *p = c->obj[CONF_OBJ_IKE_POL];
	const struct gw_conf_ike *k = &c->conf->ike;

	for (unsigned int i = 0; i < p->nb_proposals; i++)
		for (unsigned int j = 0; j < k->nb_proposals; j++) {
			if (strcmp(k->proposals[j].name, p->proposals[i]) != 0)
				continue;
			if (i > 0 && k->proposals[j].auth_method != p->auth_method)
				return conf_fail_at(c, "proposals", "proposals with different "
						    "authentication-method ('%s' is %s)",
						    p->proposals[i],
						    conf_ike_authms[k->proposals[j].auth_method]);
			p->auth_method = k->proposals[j].auth_method;
		}
	if (p->auth_method == GW_IKE_AUTHM_PSK) {
		if (p->psk_len == 0)
			return conf_fail_at(c, NULL, "missing pre-shared-key (ascii-text or "
					    "hexadecimal)");
		if (p->local_cert[0] != '\0' || p->trusted_ca[0] != '\0')
			return conf_fail_at(c, "certificate", "certificate with "
					    "authentication-method pre-shared-keys");
		return 0;
	}
	if (p->psk_len != 0)
		return conf_fail_at(c, "pre-shared-key", "pre-shared-key with "
				    "authentication-method %s", conf_ike_authms[p->auth_method]);
	return check_cert_files(c, p);
}

/* A gateway of a certificate policy: its local-identity is in the certificate. */
int
conf_ikegw_auth(struct gw_conf_ctx *c, const struct gw_conf_ike_policy *p)
{
	const struct gw_conf_ike_gateway *g = c->obj[CONF_OBJ_IKE_GW];
	struct ike_cert_status st;
	struct ike_id want, id;
	struct ike_cred *cred;
	const char *reason;
	int rc;

	if (p->auth_method == GW_IKE_AUTHM_PSK || g->local_id_type == 0)
		return 0;
	if (ike_id_parse(ike_id_type_name(g->local_id_type), g->local_identity, &want,
			 &reason) != 0)
		return conf_fail_at(c, "local-identity", "%s", reason);
	cred = ike_cred_load(p->local_cert, p->private_key, &st);
	if (cred == NULL)
		return conf_fail_at(c, "ike-policy", "%s", st.reason);
	rc = ike_cred_local_id(cred, &want, &id, &st);
	ike_cred_free(cred);
	if (rc != 0)
		return conf_fail_at(c, "local-identity", "%s (%s)", st.reason, p->local_cert);
	return 0;
}
