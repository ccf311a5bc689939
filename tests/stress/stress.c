/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Stress: every CPU pushing adapter interruptions while the host processes
 * the alert list, kick timers wake vcpus, vcpus take, and guests are
 * destroyed and created again under the pushers' feet. Counts every AI.
 *
 *   stress [--ais N] [--seconds S] [--threads P] [--guests G] [--vcpus V]
 *          [--churn K] [--pace Y] [--drain-seconds D] [--cut two-phase|v2]
 *
 * Threads: P pushers (default: online CPUs + 1), one host thread that takes
 * the deferred GAL interruptions and processes the alert list, the real
 * clock's thread that runs the kick timers, V vcpu threads per guest that
 * enter SIE, take, and go to enabled wait on a condition variable until a
 * kick wakes them, and one churn thread that replaces one guest after the
 * other, every K AIs pushed (K = 0, the default: back to back). Pushers
 * yield the CPU every Y AIs (default 64; 0: never), so that on a machine with
 * few CPUs the vcpus, the host and the timers run between bursts.
 *
 * Accounting, the indicator pattern of real adapters: a pusher increments
 * the (guest, ISC) indicator count, then raises the AI; whoever takes the ISC
 * (a vcpu by host delivery, or the machine in SIE, on whose behalf the pusher
 * drains) exchanges the count with 0 and adds it to "delivered". Pushers find
 * guests through an RCU-protected table (gib_us_read_lock()), so a guest
 * being destroyed may still receive AIs; its indicators left once the
 * destroy and a grace period are over are "dropped by destroy", which the
 * spec allows (destroy clears the IPM). At the end, after the pushers stop,
 * the protocol alone must deliver everything left on the live guests:
 *
 *   lost = raised - delivered - dropped_by_destroy == 0
 *
 * The drain deadline is a failure bound, not a synchronisation: nothing here
 * sleeps for time; threads wait on condition variables for events.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libgib/libgib.h>
#include <libgib-us/arena.h>
#include <libgib-us/clock.h>
#include <libgib-us/machine.h>
#include <libgib-us/rcu.h>

#define MAX_GUESTS 16
#define MAX_VCPUS 8
#define NISCS 8
#define PROGRESS_BATCH 1024	/* AIs a pusher counts before it reports */

struct opts {
	unsigned long long ais;
	double seconds;
	unsigned int threads, guests, vcpus;
	unsigned long long churn, pace;
	double drain_seconds;
};

struct sguest;

struct svcpu {
	struct gib_vcpu vcpu;
	struct sguest *g;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool woken;		/* under @lock */
};

struct sguest {
	struct gib_guest gi;
	unsigned int slot;
	int stop;			/* atomic: the vcpu threads end */
	uint64_t ind[NISCS];		/* indicators: AIs not yet taken, atomic */
	unsigned int nv;
	struct svcpu v[MAX_VCPUS];
};

static struct opts opt = {
	.ais = 10000000ull,
	.guests = 4,
	.vcpus = 2,
	.churn = 0,
	.pace = 64,
	.drain_seconds = 60,
};

static struct gib_us_machine machine;
static struct gib_host host;
static struct gib_us_clock *clock_real;

/* RCU-protected: pushers load with acquire inside a reader section. */
static struct sguest *table[MAX_GUESTS];

/* Totals, atomic. */
static uint64_t raised, delivered, dropped, refused, errors, churns;
static uint64_t outcomes[GIB_US_AI_PENDING + 1];

static int stop_pushing, stop_host;	/* atomic */

/* The host thread's "a GAL was raised" and the churn and drain progress. */
static pthread_mutex_t host_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t host_cond = PTHREAD_COND_INITIALIZER;
static bool gal_signalled;
static pthread_mutex_t prog_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t prog_cond = PTHREAD_COND_INITIALIZER;
static uint64_t progress;		/* AIs pushed, under prog_lock */
static bool pushers_done;		/* under prog_lock */
static int draining;			/* atomic: vcpus report deliveries */

static void error(const char *what, int rc)
{
	fprintf(stderr, "stress: %s: %d\n", what, rc);
	__atomic_fetch_add(&errors, 1, __ATOMIC_RELAXED);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- vcpus ------------------------------------------------------------- */

static void wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	struct svcpu *v = GIB_CONTAINER_OF(vcpu, struct svcpu, vcpu);

	(void)gi;
	pthread_mutex_lock(&v->lock);
	v->woken = true;
	pthread_cond_signal(&v->cond);
	pthread_mutex_unlock(&v->lock);
}

static const struct gib_guest_ops ops = { .wake_vcpu = wake_vcpu };

/* The guest's interrupt handler: the ISC was taken, consume its indicators. */
static void drain_indicators(struct sguest *g, unsigned int isc)
{
	uint64_t n = __atomic_exchange_n(&g->ind[isc], 0, __ATOMIC_SEQ_CST);

	if (n)
		__atomic_fetch_add(&delivered, n, __ATOMIC_SEQ_CST);
}

static void report_drain_progress(void)
{
	if (!__atomic_load_n(&draining, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&prog_lock);
	pthread_cond_broadcast(&prog_cond);
	pthread_mutex_unlock(&prog_lock);
}

/*
 * Enabled wait as KVM's vcpu block: sleep until woken, re-check, and go back
 * to sleep if someone else took the work. False when the guest goes away.
 */
static bool vcpu_sleep(struct svcpu *v)
{
	for (;;) {
		bool stop, work;

		pthread_mutex_lock(&v->lock);
		while (!v->woken && !__atomic_load_n(&v->g->stop, __ATOMIC_ACQUIRE))
			pthread_cond_wait(&v->cond, &v->lock);
		v->woken = false;
		pthread_mutex_unlock(&v->lock);
		stop = __atomic_load_n(&v->g->stop, __ATOMIC_ACQUIRE);
		/* The GISA is found through the origin: a reader section. */
		gib_us_read_lock();
		work = gib_vcpu_runnable(&v->vcpu);
		gib_us_read_unlock();
		if (stop || work) {
			gib_vcpu_end_wait(&v->vcpu);
			return !stop;
		}
	}
}

static void *vcpu_fn(void *arg)
{
	struct svcpu *v = arg;
	struct sguest *g = v->g;
	unsigned int slice;
	int isc, rc;

	gib_us_thread_online();
	while (!__atomic_load_n(&g->stop, __ATOMIC_ACQUIRE)) {
		bool took = false;

		gib_us_read_lock();
		gib_vcpu_enter_sie(&v->vcpu);
		/* Host delivery first; then a short slice in which the machine delivers. */
		for (slice = 0; slice < 4; slice++) {
			while ((isc = gib_vcpu_take_ai(&v->vcpu, NULL)) >= 0) {
				drain_indicators(g, (unsigned int)isc);
				took = true;
			}
		}
		gib_vcpu_exit_sie(&v->vcpu);
		rc = gib_vcpu_prepare_wait(&v->vcpu);
		gib_us_read_unlock();
		if (took)
			report_drain_progress();
		if (rc == 1)
			continue;
		if (rc) {
			error("gib_vcpu_prepare_wait", rc);
			break;
		}
		if (!vcpu_sleep(v))
			break;
	}
	gib_us_thread_offline();
	return NULL;
}

/* ---- Guests ------------------------------------------------------------- */

static struct sguest *guest_create(unsigned int slot)
{
	struct sguest *g = calloc(1, sizeof(*g));
	unsigned int i, isc;
	int rc;

	if (!g)
		return NULL;
	g->slot = slot;
	g->nv = opt.vcpus;
	rc = gib_guest_init(&g->gi, &host, &ops, g);
	if (!rc)
		rc = gib_gisa_init(&g->gi);
	for (i = 0; !rc && i < g->nv; i++) {
		struct svcpu *v = &g->v[i];

		v->g = g;
		pthread_mutex_init(&v->lock, NULL);
		pthread_cond_init(&v->cond, NULL);
		rc = gib_vcpu_add(&g->gi, &v->vcpu, 2 * i + 3, NULL);
		rc = rc == (int)i ? 0 : -EIO;
		/* vcpu 0 takes every ISC, the others the upper half only. */
		gib_vcpu_set_cr6(&v->vcpu, (uint64_t)(i ? 0xf0 : 0xff) << 24);
		gib_vcpu_set_io_enabled(&v->vcpu, true);
	}
	for (isc = 0; !rc && isc < NISCS; isc++) {
		rc = gib_gisc_register(&g->gi, isc);
		rc = rc < 0 ? rc : 0;
	}
	for (i = 0; !rc && i < g->nv; i++)
		rc = pthread_create(&g->v[i].thread, NULL, vcpu_fn, &g->v[i]) ? -EAGAIN : 0;
	if (rc) {
		error("guest create", rc);
		exit(2);
	}
	return g;
}

/*
 * Take @slot's guest out of the table and destroy it while pushers that
 * found it before may still raise AIs on it. How varies: GISA first or the
 * guest at once, with its ISCs still registered or not.
 */
static void guest_destroy(unsigned int slot, unsigned int how)
{
	struct sguest *g = table[slot];
	unsigned int i, isc;
	int rc;

	__atomic_store_n(&table[slot], NULL, __ATOMIC_RELEASE);
	/* Still registered: both destroys refuse, nothing changed. */
	if (how % 3 == 0 && (rc = gib_gisa_destroy(&g->gi)) != -EBUSY)
		error("gib_gisa_destroy (registered)", rc);
	if (how % 3 == 2 && (rc = gib_guest_destroy(&g->gi)) != -EBUSY)
		error("gib_guest_destroy (registered)", rc);
	for (isc = 0; isc < NISCS; isc++) {
		rc = gib_gisc_unregister(&g->gi, isc);
		if (rc)
			error("gib_gisc_unregister", rc);
	}
	if (how % 3 != 2) {
		rc = gib_gisa_destroy(&g->gi);
		if (rc)
			error("gib_gisa_destroy", rc);
	}
	rc = gib_guest_destroy(&g->gi);
	if (rc)
		error("gib_guest_destroy", rc);
	/* Pushers that found @g have left their reader sections after this. */
	gib_us_synchronize();
	__atomic_store_n(&g->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < g->nv; i++) {
		pthread_mutex_lock(&g->v[i].lock);
		pthread_cond_signal(&g->v[i].cond);
		pthread_mutex_unlock(&g->v[i].lock);
		pthread_join(g->v[i].thread, NULL);
		pthread_cond_destroy(&g->v[i].cond);
		pthread_mutex_destroy(&g->v[i].lock);
	}
	/* What nobody took is dropped by the destroy (it clears the IPM). */
	for (isc = 0; isc < NISCS; isc++)
		__atomic_fetch_add(&dropped, __atomic_exchange_n(&g->ind[isc], 0, __ATOMIC_SEQ_CST),
				   __ATOMIC_SEQ_CST);
	free(g);
}

/* Replace one guest after the other, every opt.churn AIs pushed or back to back. */
static void *churn_fn(void *arg)
{
	uint64_t next = opt.churn;
	unsigned int k = 0;

	(void)arg;
	for (;;) {
		unsigned int slot = k % opt.guests;

		pthread_mutex_lock(&prog_lock);
		while (opt.churn && progress < next && !pushers_done)
			pthread_cond_wait(&prog_cond, &prog_lock);
		if (pushers_done) {
			pthread_mutex_unlock(&prog_lock);
			return NULL;
		}
		pthread_mutex_unlock(&prog_lock);
		next += opt.churn;
		guest_destroy(slot, k);
		__atomic_store_n(&table[slot], guest_create(slot), __ATOMIC_RELEASE);
		__atomic_fetch_add(&churns, 1, __ATOMIC_RELAXED);
		k++;
	}
}

/* ---- Host and pushers --------------------------------------------------- */

static void *host_fn(void *arg)
{
	(void)arg;
	for (;;) {
		int n;

		pthread_mutex_lock(&host_lock);
		while (!gal_signalled && !__atomic_load_n(&stop_host, __ATOMIC_ACQUIRE))
			pthread_cond_wait(&host_cond, &host_lock);
		gal_signalled = false;
		pthread_mutex_unlock(&host_lock);
		if (__atomic_load_n(&stop_host, __ATOMIC_ACQUIRE))
			return NULL;
		n = gib_us_machine_take_gal(&machine);
		if (n > 0)
			gib_gal_interrupt(&host);
		else if (n < 0)
			error("gib_us_machine_take_gal", n);
	}
}

struct pusher {
	pthread_t thread;
	unsigned int id;
	unsigned long long quota;
	uint64_t deadline;
};

static void report_progress(uint64_t n)
{
	pthread_mutex_lock(&prog_lock);
	progress += n;
	pthread_cond_broadcast(&prog_cond);
	pthread_mutex_unlock(&prog_lock);
}

static void *pusher_fn(void *arg)
{
	struct pusher *p = arg;
	uint32_t x = 2463534242u ^ (p->id * 0x9e3779b9u);
	uint64_t local[GIB_US_AI_PENDING + 1] = { 0 }, pushed = 0, batch = 0;
	unsigned int i;

	gib_us_thread_online();
	while (pushed < p->quota && !__atomic_load_n(&stop_pushing, __ATOMIC_RELAXED)) {
		struct gib_us_ai_result r;
		struct sguest *g;
		unsigned int isc;
		int rc;

		/* xorshift32: a reproducible spread over guests and ISCs. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		isc = (x >> 8) % NISCS;
		gib_us_read_lock();
		g = __atomic_load_n(&table[x % opt.guests], __ATOMIC_ACQUIRE);
		if (!g) {
			gib_us_read_unlock();
			continue;	/* being replaced */
		}
		/* The indicator before the AI: whoever takes the ISC sees it. */
		__atomic_fetch_add(&g->ind[isc], 1, __ATOMIC_SEQ_CST);
		pushed++;
		rc = gib_us_machine_raise_ai(&machine, &g->gi, isc, &r);
		if (!rc) {
			local[r.outcome]++;
			if (r.outcome == GIB_US_AI_DELIVERED_IN_SIE)
				drain_indicators(g, isc);
		} else if (rc == -ENODEV) {
			/* Destroyed under our feet: its indicator is dropped. */
			__atomic_fetch_add(&refused, 1, __ATOMIC_RELAXED);
		} else {
			error("gib_us_machine_raise_ai", rc);
		}
		gib_us_read_unlock();
		if (!rc && r.outcome == GIB_US_AI_LINKED_GAL) {
			pthread_mutex_lock(&host_lock);
			gal_signalled = true;
			pthread_cond_signal(&host_cond);
			pthread_mutex_unlock(&host_lock);
		}
		/* Let vcpus, host and timers in on a machine with few CPUs. */
		if (opt.pace && pushed % opt.pace == 0)
			sched_yield();
		if (++batch == PROGRESS_BATCH) {
			report_progress(batch);
			batch = 0;
			if (p->deadline && now_ns() > p->deadline)
				__atomic_store_n(&stop_pushing, 1, __ATOMIC_RELAXED);
		}
	}
	gib_us_thread_offline();
	report_progress(batch);
	__atomic_fetch_add(&raised, pushed, __ATOMIC_SEQ_CST);
	for (i = 0; i <= GIB_US_AI_PENDING; i++)
		__atomic_fetch_add(&outcomes[i], local[i], __ATOMIC_RELAXED);
	return NULL;
}

/* ---- Main --------------------------------------------------------------- */

static uint64_t live_indicators(void)
{
	uint64_t n = 0;
	unsigned int slot, isc;

	for (slot = 0; slot < opt.guests; slot++)
		for (isc = 0; isc < NISCS; isc++)
			n += __atomic_load_n(&table[slot]->ind[isc], __ATOMIC_SEQ_CST);
	return n;
}

/* Wait until the protocol delivered every AI left on the live guests. */
static uint64_t drain_live(void)
{
	struct timespec ts;
	uint64_t left;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)opt.drain_seconds;
	__atomic_store_n(&draining, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&prog_lock);
	while ((left = live_indicators()) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&prog_cond, &prog_lock, &ts);
	pthread_mutex_unlock(&prog_lock);
	return left;
}

static void usage(void)
{
	fprintf(stderr, "usage: stress [--ais N] [--seconds S] [--threads P] [--guests G] "
		"[--vcpus V] [--churn K] [--pace Y] [--drain-seconds D] [--cut two-phase|v2]\n");
	exit(2);
}

static void parse(int argc, char **argv)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	opt.threads = (unsigned int)(cpus > 0 ? cpus : 1) + 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--ais"))
			opt.ais = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--seconds"))
			opt.seconds = strtod(v, NULL);
		else if (!strcmp(a, "--threads"))
			opt.threads = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--guests"))
			opt.guests = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--vcpus"))
			opt.vcpus = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--churn"))
			opt.churn = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--pace"))
			opt.pace = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--drain-seconds"))
			opt.drain_seconds = strtod(v, NULL);
		else if (!strcmp(a, "--cut") && !strcmp(v, "two-phase"))
			host.cut_policy = GIB_CUT_TWO_PHASE;
		else if (!strcmp(a, "--cut") && !strcmp(v, "v2"))
			host.cut_policy = GIB_CUT_V2;
		else
			usage();
	}
	if (!opt.threads || !opt.guests || opt.guests > MAX_GUESTS || !opt.vcpus ||
	    opt.vcpus > MAX_VCPUS || opt.drain_seconds <= 0)
		usage();
}

int main(int argc, char **argv)
{
	struct gib_us_machine_config cfg = { .has_aiv = true, .gal_mode = GIB_US_GAL_DEFERRED };
	struct gib_us_machine_stats st;
	struct pusher *p;
	pthread_t host_thread, churn_thread;
	uint64_t t0, t1, left, lost;
	unsigned int i;
	double secs;
	int rc;

	parse(argc, argv);
	clock_real = gib_us_clock_create(GIB_US_CLOCK_REAL);
	if (!clock_real)
		return 2;
	gib_us_set_default_clock(clock_real);
	rc = gib_us_machine_init(&machine, &cfg);
	if (!rc)
		rc = gib_us_host_attach(&host, &machine);
	if (!rc)
		rc = gib_init(&host, GIB_GAL_ISC);
	if (rc) {
		error("host set-up", rc);
		return 2;
	}
	for (i = 0; i < opt.guests; i++)
		table[i] = guest_create(i);
	p = calloc(opt.threads, sizeof(*p));
	if (!p)
		return 2;

	pthread_create(&host_thread, NULL, host_fn, NULL);
	pthread_create(&churn_thread, NULL, churn_fn, NULL);
	t0 = now_ns();
	for (i = 0; i < opt.threads; i++) {
		p[i].id = i + 1;
		p[i].quota = opt.ais / opt.threads + (i < opt.ais % opt.threads);
		p[i].deadline = opt.seconds > 0 ? t0 + (uint64_t)(opt.seconds * 1e9) : 0;
		pthread_create(&p[i].thread, NULL, pusher_fn, &p[i]);
	}
	for (i = 0; i < opt.threads; i++)
		pthread_join(p[i].thread, NULL);
	t1 = now_ns();
	pthread_mutex_lock(&prog_lock);
	pushers_done = true;
	pthread_cond_broadcast(&prog_cond);
	pthread_mutex_unlock(&prog_lock);
	pthread_join(churn_thread, NULL);

	/* Only the protocol (alerts, kicks, wake-ups) may deliver the rest. */
	left = drain_live();
	/* Conservation: what is neither delivered nor dropped by a destroy is lost. */
	lost = __atomic_load_n(&raised, __ATOMIC_SEQ_CST) -
	       __atomic_load_n(&delivered, __ATOMIC_SEQ_CST) -
	       __atomic_load_n(&dropped, __ATOMIC_SEQ_CST);
	if (left)
		fprintf(stderr, "stress: %llu AIs still pending after %.0f s\n",
			(unsigned long long)left, opt.drain_seconds);

	__atomic_store_n(&stop_host, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&host_lock);
	pthread_cond_signal(&host_cond);
	pthread_mutex_unlock(&host_lock);
	pthread_join(host_thread, NULL);
	gib_us_machine_stats(&machine, &st);
	for (i = 0; i < opt.guests; i++)
		guest_destroy(i, i);
	rc = gib_destroy(&host);
	if (!rc)
		rc = gib_us_machine_fini(&machine);
	if (rc)
		error("host tear-down", rc);
	gib_us_set_default_clock(NULL);
	rc = gib_us_clock_destroy(clock_real);
	if (rc)
		error("gib_us_clock_destroy", rc);
	if (gib_us_arena_used())
		error("arena slots left", (int)gib_us_arena_used());
	free(p);

	secs = (double)(t1 - t0) / 1e9;
	printf("stress: %s cut, %u pushers, %u guests x %u vcpus, %llu churns, %.2f s pushing: "
	       "%.0f AIs/s\n", host.cut_policy == GIB_CUT_V2 ? "v2" : "two-phase",
	       opt.threads, opt.guests, opt.vcpus,
	       (unsigned long long)churns, secs, (double)raised / (secs > 0 ? secs : 1));
	printf("stress: machine: %llu in SIE, %llu taken by other, %llu linked (%llu with GAL), "
	       "%llu pending; %llu refused (no GISA)\n",
	       (unsigned long long)outcomes[GIB_US_AI_DELIVERED_IN_SIE],
	       (unsigned long long)outcomes[GIB_US_AI_TAKEN_BY_OTHER],
	       (unsigned long long)(outcomes[GIB_US_AI_LINKED] + outcomes[GIB_US_AI_LINKED_GAL]),
	       (unsigned long long)outcomes[GIB_US_AI_LINKED_GAL],
	       (unsigned long long)outcomes[GIB_US_AI_PENDING], (unsigned long long)refused);
	printf("SUMMARY raised=%llu delivered=%llu dropped_by_destroy=%llu lost=%llu "
	       "errors=%llu gals=%llu\n",
	       (unsigned long long)raised, (unsigned long long)delivered,
	       (unsigned long long)dropped, (unsigned long long)lost,
	       (unsigned long long)errors, (unsigned long long)st.gals_raised);
	return lost || errors || !raised ? 1 : 0;
}
