/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_replay CORPUS_DIR|FILE...: run a libFuzzer harness (linked in) without
 * libFuzzer, so the release and ASan/UBSan builds exercise it with gcc: each
 * file as is, every prefix, and every octet replaced by 0x00, 0xff and its
 * complement. Exit status 0 unless a file cannot be read (a crash or a
 * sanitizer report fails the test by itself).
 *
 * GW_FUZZ_REPLAY_STRIDE=N (the sanitizer build sets it for its slowest
 * harnesses: test/unit/gm/meson.build, test/unit/ike_cert/meson.build): past
 * the first HEAD_ALL octets only every Nth prefix length and octet offset,
 * the whole file still; libFuzzer runs the same harnesses with ASan in
 * scripts/fuzz.sh.
 */

#include <dirent.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the headers that steer a parser: every prefix and offset, whatever the stride */
#define HEAD_ALL 64

static size_t stride = 1;

static int
take(size_t i, size_t n)
{
	return i < HEAD_ALL || i >= n || (i - HEAD_ALL) % stride == 0;
}

static int
replay(const char *path)
{
	static const uint8_t subst[] = { 0x00, 0xff };
	uint8_t *in, *mut;
	size_t n, i, k, runs = 0;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		perror(path);
		return 1;
	}
	in = malloc(65536);
	n = in ? fread(in, 1, 65536, f) : 0;
	fclose(f);
	if (in == NULL)
		return 1;
	/* exact-size copies: ASan sees an over-read by one */
	for (i = 0; i <= n; i++) {
		if (!take(i, n))
			continue;
		runs++;
		mut = malloc(i ? i : 1);
		memcpy(mut, in, i);
		LLVMFuzzerTestOneInput(mut, i);
		free(mut);
	}
	mut = malloc(n ? n : 1);
	for (i = 0; i < n; i++) {
		if (!take(i, n))
			continue;
		runs += sizeof(subst) + 1;
		for (k = 0; k < sizeof(subst) + 1; k++) {
			memcpy(mut, in, n);
			mut[i] = k < sizeof(subst) ? subst[k] : (uint8_t)~in[i];
			LLVMFuzzerTestOneInput(mut, n);
		}
	}
	free(mut);
	free(in);
	printf("%s: %zu octets, %zu runs\n", path, n, runs);
	return 0;
}

/* Every regular file of a directory, or the file itself. */
static int
replay_path(const char *path)
{
	struct dirent *e;
	char file[4096];
	int bad = 0, n = 0;
	DIR *d = opendir(path);

	if (d == NULL)
		return replay(path);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		bad |= replay(file);
		n++;
	}
	closedir(d);
	if (n == 0)
		fprintf(stderr, "%s: empty corpus\n", path);
	return bad || n == 0;
}

int
main(int argc, char **argv)
{
	const char *s = getenv("GW_FUZZ_REPLAY_STRIDE");
	int i, bad = 0;

	if (s != NULL && atoi(s) > 1)
		stride = (size_t)atoi(s);
	for (i = 1; i < argc; i++)
		bad |= replay_path(argv[i]);
	return bad;
}
