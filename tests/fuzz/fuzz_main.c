/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The API fuzz harness without libFuzzer: runs every file named (or found in
 * a directory named) on the command line, then, with --random N, N inputs of
 * a fixed pseudo-random sequence. So gcc, TSan and s390x builds run the
 * harness and its reference model as a plain test, reproducibly.
 *
 *   fuzz_api_corpus [--random N] [--seed S] [FILE | DIR]...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz_api.h"

#define FUZZ_MAX_INPUT 4096

static unsigned long inputs;

static int run_file(const char *path)
{
	static uint8_t buf[FUZZ_MAX_INPUT];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	inputs++;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of @dir, in name order so that runs are repeatable. */
static int run_dir(const char *dir)
{
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t n = 0, i;
	int rc = 0;
	DIR *d = opendir(dir);

	if (!d) {
		perror(dir);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names) {
			closedir(d);
			return -1;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			closedir(d);
			return -1;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!stat(path, &st) && S_ISREG(st.st_mode) && run_file(path))
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

/* xorshift64: the same inputs on every machine. */
static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void run_random(unsigned long count, uint64_t seed)
{
	static uint8_t buf[FUZZ_MAX_INPUT];
	uint64_t x = seed | 1;
	unsigned long k;
	size_t i, len;

	for (k = 0; k < count; k++) {
		len = 3 + next(&x) % 600;
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)(next(&x) >> 24);
		LLVMFuzzerTestOneInput(buf, len);
		inputs++;
	}
}

int main(int argc, char **argv)
{
	const struct fuzz_api_totals *t;
	unsigned long random = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;

		if (!strcmp(argv[i], "--random") && i + 1 < argc) {
			random = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
		} else if (stat(argv[i], &st)) {
			perror(argv[i]);
			rc = 1;
		} else if (S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i])) {
			rc = 1;
		}
	}
	run_random(random, seed);
	t = fuzz_api_totals();
	printf("fuzz_api_corpus: %llu steps, %llu rounds to rest; AIs raised %llu = delivered %llu "
	       "(%llu owed) + dropped by clear %llu + dropped by destroy %llu (%llu stranded)\n",
	       t->steps, t->drain_rounds, t->raised, t->delivered, t->owed_delivered,
	       t->dropped_clear, t->dropped_destroy, t->stranded);
	/* Any disagreement aborted already: reaching here means all agreed. */
	printf("fuzz_api_corpus: %lu inputs, model and library agree, no AI lost\n", inputs);
	if (t->raised != t->delivered + t->dropped_clear + t->dropped_destroy)
		return 1;
	return rc || !inputs;
}
