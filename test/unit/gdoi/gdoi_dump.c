/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gdoi_dump [-k KIND] [-d] [-1] FILE...: parse ISAKMP/GDOI messages (one per file,
 * the UDP payload) with lib/gdoi and print them with names. -k checks the
 * payload rule of KIND (main-mode-1 .. groupkey-push-ack, as gdoi_msg_kind_name
 * prints them); -d: the body is decrypted (the E flag stays as it is,
 * padding after the last payload is allowed); -1: SA TEK identities with a
 * 1-octet Data Len (GDOI_WIRE_SAT_ID_LEN1). Exit status 1 if a file does
 * not parse. A debugging aid and the reader of test/vectors/gdoi.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gdoi_msg.h"
#include "gdoi_names.h"

static void
hex(const struct gdoi_span *s, size_t max)
{
	size_t i;

	for (i = 0; i < s->len && i < max; i++)
		printf("%02x", s->p[i]);
	if (s->len > max)
		printf("...");
}

static void
attrs(const struct gdoi_attrs *l, enum gdoi_attr_class cls, const char *indent)
{
	struct gdoi_attr a;
	uint32_t pos = 0;

	while (gdoi_attrs_next(l, &pos, &a)) {
		printf("%s%s(%u) ", indent, gdoi_attr_name(cls, a.type), a.type);
		if (a.tv) {
			printf("= %u\n", a.tv_value);
		} else {
			printf("[%u] ", a.val.len);
			hex(&a.val, 24);
			printf("\n");
		}
	}
}

static void
ident(const char *what, const struct gdoi_ident *id)
{
	printf(" %s %s(%u) port %u ", what, gdoi_id_type_name(id->type), id->type, id->port);
	hex(&id->data, 32);
}

static void
payload(const struct gdoi_msg *m, unsigned int i)
{
	const struct gdoi_pl *pl = &m->pl[i];
	const char *in = pl->nested ? "      " : "    ";
	unsigned int k;

	printf("%s%s(%u) off %u len %u", pl->nested ? "    " : "  ", gdoi_pl_name(pl->type),
	       pl->type, pl->off, pl->len);
	switch (pl->type) {
	case GDOI_PL_SA:
		printf(" DOI %s situation %u %s\n", gdoi_doi_name(pl->u.sa.doi),
		       pl->u.sa.situation, pl->u.sa.gdoi ? "(GDOI layout)" : "");
		for (k = 0; k < pl->u.sa.nprop; k++) {
			const struct gdoi_prop *p = &m->prop[pl->u.sa.first_prop + k];
			unsigned int x;

			printf("    proposal %u %s spi[%u]\n", p->num, gdoi_proto_name(p->proto),
			       p->spi_size);
			for (x = 0; x < p->nxf; x++) {
				const struct gdoi_xform *xf = &m->xf[p->first_xf + x];

				printf("      transform %u id %u\n", xf->num, xf->id);
				attrs(&xf->attrs, p->proto == GDOI_PROTO_ISAKMP ? GDOI_AC_IKE :
				      GDOI_AC_IPSEC, "        ");
			}
		}
		return;
	case GDOI_PL_SAK:
		printf(" protocol %u", pl->u.sak.proto);
		ident("src", &pl->u.sak.src);
		ident("dst", &pl->u.sak.dst);
		printf("\n");
		attrs(&pl->u.sak.attrs, GDOI_AC_KEK, in);
		return;
	case GDOI_PL_SAT:
		printf(" %s(%u)", gdoi_tek_proto_name(pl->u.sat.proto_id), pl->u.sat.proto_id);
		if (pl->u.sat.esp_ah) {
			printf(" protocol %u", pl->u.sat.ip_proto);
			ident("src", &pl->u.sat.src);
			ident("dst", &pl->u.sat.dst);
			printf(" transform %u spi 0x%08x\n", pl->u.sat.transform_id,
			       pl->u.sat.spi);
			attrs(&pl->u.sat.attrs, GDOI_AC_IPSEC, in);
		} else {
			printf(" [%u octets]\n", pl->u.sat.raw.len);
		}
		return;
	case GDOI_PL_GAP:
		printf("\n");
		attrs(&pl->u.gap, GDOI_AC_GAP, in);
		return;
	case GDOI_PL_KD:
		printf(" %u key packets\n", pl->u.kd.nkp);
		for (k = 0; k < pl->u.kd.nkp; k++) {
			const struct gdoi_kp *kp = &m->kp[pl->u.kd.first_kp + k];

			printf("    %s(%u) spi ", gdoi_kd_type_name(kp->type), kp->type);
			hex(&kp->spi, 16);
			printf("\n");
			attrs(&kp->attrs, kp->type == GDOI_KD_KEK ? GDOI_AC_KD_KEK :
			      kp->type == GDOI_KD_SID ? GDOI_AC_KD_SID : GDOI_AC_KD_TEK,
			      "      ");
		}
		return;
	case GDOI_PL_SEQ:
		printf(" %u\n", pl->u.seq);
		return;
	case GDOI_PL_ID:
	case GDOI_PL_NATOA:
		printf(" protocol %u", pl->u.id.proto);
		ident("", &pl->u.id);
		printf("\n");
		return;
	case GDOI_PL_NOTIFY:
		printf(" %s(%u) DOI %u protocol %u\n", gdoi_notify_name(pl->u.notify.type),
		       pl->u.notify.type, pl->u.notify.doi, pl->u.notify.proto);
		return;
	case GDOI_PL_DELETE:
		printf(" DOI %u protocol %u %u x %u: ", pl->u.del.doi, pl->u.del.proto,
		       pl->u.del.nspi, pl->u.del.spi_size);
		hex(&pl->u.del.spis, 64);
		printf("\n");
		return;
	case GDOI_PL_CERT:
	case GDOI_PL_CERTREQ:
		printf(" encoding %u [%u]\n", pl->u.cert.encoding, pl->u.cert.data.len);
		return;
	default:
		printf(" ");
		hex(&pl->u.data, 24);
		printf("\n");
	}
}

static int
dump(const char *path, enum gdoi_msg_kind kind, unsigned int flags)
{
	static uint8_t buf[65536];
	static struct gdoi_msg m;
	struct gdoi_perr err;
	unsigned int i;
	size_t len;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		perror(path);
		return 1;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (gdoi_msg_parse(buf, len, kind, flags, &m, &err) < 0) {
		printf("%s: %s at %u: %s\n", path, gdoi_perr_name(err.code), err.offset, err.msg);
		return 1;
	}
	printf("%s: %s(%u) flags 0x%02x msgid 0x%08x length %u pad %u\n", path,
	       gdoi_exch_name(m.hdr.exchange), m.hdr.exchange, m.hdr.flags, m.hdr.msgid,
	       m.len, m.pad_len);
	for (i = 0; i < m.npl; i++)
		payload(&m, i);
	return 0;
}

int
main(int argc, char **argv)
{
	enum gdoi_msg_kind kind = GDOI_MSG_ANY;
	unsigned int flags = 0;
	int c, bad = 0;

	while ((c = getopt(argc, argv, "k:d1")) != -1) {
		if (c == 'd') {
			flags |= GDOI_PARSE_DECRYPTED;
		} else if (c == '1') {
			flags |= GDOI_WIRE_SAT_ID_LEN1;
		} else if (c == 'k') {
			for (kind = 0; kind < GDOI_MSG_KIND_MAX; kind++)
				if (strcmp(gdoi_msg_kind_name(kind), optarg) == 0)
					break;
			if (kind == GDOI_MSG_KIND_MAX) {
				fprintf(stderr, "unknown kind %s\n", optarg);
				return 2;
			}
		} else {
			fprintf(stderr, "usage: %s [-k KIND] [-d] [-1] FILE...\n", argv[0]);
			return 2;
		}
	}
	for (c = optind; c < argc; c++)
		bad |= dump(argv[c], kind, flags);
	return bad;
}
