// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Chrome trace-event JSON, one event per line. A mutex serialises writers,
 * because the concurrent engine traces from every thread.
 */
#include "trace.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct sim_trace {
	FILE *f;
	pthread_mutex_t lock;
	bool first;
};

struct sim_trace *sim_trace_open(const char *path)
{
	struct sim_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->f = fopen(path, "w");
	if (!t->f) {
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->first = true;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", t->f);
	return t;
}

int sim_trace_close(struct sim_trace *t)
{
	int rc;

	if (!t)
		return 0;
	fputs("\n]}\n", t->f);
	rc = ferror(t->f) ? -1 : 0;
	if (fclose(t->f))
		rc = -1;
	pthread_mutex_destroy(&t->lock);
	free(t);
	return rc;
}

/* Under t->lock. */
static void sep(struct sim_trace *t)
{
	if (!t->first)
		fputs(",\n", t->f);
	t->first = false;
}

void sim_trace_name(struct sim_trace *t, unsigned int pid, unsigned int tid, const char *pname,
		    const char *tname)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	sep(t);
	fprintf(t->f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,"
		"\"args\":{\"name\":\"%s\"}},\n", pid, tid, pname);
	fprintf(t->f, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,"
		"\"args\":{\"name\":\"%s\"}},\n", pid, tid, tname);
	fprintf(t->f, "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,"
		"\"args\":{\"sort_index\":%u}}", pid, tid, tid);
	pthread_mutex_unlock(&t->lock);
}

void sim_trace_ev(struct sim_trace *t, uint64_t (*now)(struct sim *s), struct sim *s, char ph,
		  unsigned int pid, unsigned int tid, const char *name, const char *args)
{
	uint64_t ns;

	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	/* Stamped under the lock: the file is in time order, each track too. */
	ns = now(s);
	sep(t);
	/* ts is in microseconds; three decimals keep nanoseconds exactly. */
	fprintf(t->f, "{\"name\":\"%s\",\"ph\":\"%c\",%s\"ts\":%llu.%03llu,\"pid\":%u,\"tid\":%u",
		name, ph, ph == 'i' ? "\"s\":\"t\"," : "", (unsigned long long)(ns / 1000),
		(unsigned long long)(ns % 1000), pid, tid);
	if (args)
		fprintf(t->f, ",\"args\":{%s}", args);
	fputs("}", t->f);
	pthread_mutex_unlock(&t->lock);
}
