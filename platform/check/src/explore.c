// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The C-level checker's explorer and the rest of the check backend: threads
 * as ucontext coroutines on one OS thread, a scheduling decision at every
 * contract operation, stateless depth-first search over schedules with a
 * preemption bound (CHESS), and the contract's lock, timer, grace period,
 * arena and GAL routing built on that. See <gib_check.h>.
 */
#include <libgib/platform.h>
#include <libgib/guest.h>
#include <gib_check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#define CK_MAX_THREADS 12
#define CK_STACK_BYTES (256 * 1024)
#define CK_MAX_DECISIONS 8192
#define CK_MAX_STEPS 6000
#define CK_SLOTS (GIB_CK_ARENA_BYTES / 256)
#define CK_MAX_HOSTS 2
#define CK_HASH_SLOTS (1u << 17)

enum ck_kind { CK_SCENARIO, CK_SLEEPER, CK_DAEMON };

struct ck_thread {
	ucontext_t ctx;
	void (*fn)(void *arg);
	void *arg;
	enum ck_kind kind;
	bool done;
	bool (*pred)(void *arg);
	void *parg;
	unsigned int waitfor;	/* yielded: runs after these threads ran (fairness) */
	unsigned int rdepth;
	unsigned long rexits;
};

/* One branching scheduling decision: candidates, default first. */
struct ck_decision {
	unsigned char n;
	unsigned char idx;
	unsigned char order[CK_MAX_THREADS];
	unsigned char cost[CK_MAX_THREADS];
	unsigned short pre;
};

struct ck_gal {
	struct gib_host *host;
	bool registered;
	bool pending;
	bool running;
};

unsigned char gib_ck_arena[GIB_CK_ARENA_BYTES] __attribute__((aligned(256)));

static enum { SLOT_UNUSED, SLOT_LIVE, SLOT_FREED } slot_state[CK_SLOTS];
static size_t slot_size[CK_SLOTS];

static struct ck_thread th[CK_MAX_THREADS];
static char *stacks[CK_MAX_THREADS];
static int nthreads;
static int cur = -1;
static bool running;
static ucontext_t main_ctx;

static struct ck_decision dec[CK_MAX_DECISIONS];
static unsigned int ndec, replay_len;
static unsigned int preemptions;
static unsigned long steps;
static unsigned char trace[CK_MAX_STEPS + 1];

static bool run_failed;
static char run_msg[512];

static struct ck_gal gals[CK_MAX_HOSTS];
static int ngals;

static uint64_t end_hash;
static uint64_t *hash_set;
static unsigned long hash_count;

/* ---- Threads and scheduling --------------------------------------------- */

static bool enabled(int t)
{
	return !th[t].done && (!th[t].pred || th[t].pred(th[t].parg));
}

static void ck_switch(int to)
{
	int from = cur;

	cur = to;
	if (from >= 0)
		swapcontext(&th[from].ctx, to >= 0 ? &th[to].ctx : &main_ctx);
	else
		swapcontext(&main_ctx, &th[to].ctx);
}

/* Back to the explorer for good (end of run or failure); never resumes. */
static void ck_leave(void)
{
	if (cur >= 0)
		ck_switch(-1);
}

void gib_ck_fail(const char *fmt, ...)
{
	va_list ap;

	if (!run_failed) {
		va_start(ap, fmt);
		vsnprintf(run_msg, sizeof(run_msg), fmt, ap);
		va_end(ap);
		run_failed = true;
	}
	/* Outside a thread (setup, check) the caller returns by itself. */
	if (!running || cur < 0)
		return;
	ck_leave();
	abort();	/* not reached: a failed run is never resumed */
}

static unsigned int enabled_mask(void)
{
	unsigned int m = 0;
	int t;

	for (t = 0; t < nthreads; t++)
		if (enabled(t))
			m |= 1u << t;
	return m;
}

/*
 * The current thread waits for others (cpu_relax, a timer that runs again
 * later): it is not scheduled again before every other thread that can run
 * now has taken a step, as CHESS's fair scheduler does; so a spin loop
 * cannot starve the thread it waits for, and an unfair schedule is no
 * livelock.
 */
static void yield_mark(void)
{
	th[cur].waitfor = enabled_mask() & ~(1u << cur);
}

/* Choose who runs the next step; switch to it. */
static void schedule(void)
{
	int cand[CK_MAX_THREADS], n = 0, self = cur, choice, t;
	unsigned char cost[CK_MAX_THREADS];
	unsigned int en = enabled_mask(), fair = 0;
	bool self_cand;

	/* Who may run: enabled, and not yielded to an enabled thread. */
	for (t = 0; t < nthreads; t++)
		if ((en >> t & 1) && !(th[t].waitfor & en))
			fair |= 1u << t;
	if (!fair)
		fair = en;
	for (t = 0; t < nthreads; t++)
		if (t != self && (fair >> t & 1))
			cand[n++] = t;
	self_cand = self >= 0 && (fair >> self & 1);
	if (self_cand) {
		memmove(cand + 1, cand, (size_t)n * sizeof(cand[0]));
		cand[0] = self;
		n++;
		cost[0] = 0;
		for (t = 1; t < n; t++)
			cost[t] = 1;	/* switching away from a runnable thread */
	} else {
		for (t = 0; t < n; t++)
			cost[t] = 0;
	}
	if (n == 0) {
		ck_leave();	/* end state or deadlock: the explorer decides */
		return;
	}
	if (n == 1) {
		choice = cand[0];
	} else {
		struct ck_decision *d;

		if (ndec >= CK_MAX_DECISIONS)
			gib_ck_fail("more than %d scheduling decisions", CK_MAX_DECISIONS);
		d = &dec[ndec];
		if (ndec < replay_len) {
			if (d->n != n)
				gib_ck_fail("nondeterministic replay at decision %u", ndec);
			for (t = 0; t < n; t++)
				if (d->order[t] != cand[t])
					gib_ck_fail("nondeterministic replay at decision %u", ndec);
		} else {
			d->n = (unsigned char)n;
			d->idx = 0;
			d->pre = (unsigned short)preemptions;
			for (t = 0; t < n; t++) {
				d->order[t] = (unsigned char)cand[t];
				d->cost[t] = cost[t];
			}
		}
		choice = d->order[d->idx];
		preemptions += d->cost[d->idx];
		ndec++;
	}
	if (++steps > CK_MAX_STEPS)
		gib_ck_fail("no end after %d steps: a call that does not terminate (livelock)",
			    CK_MAX_STEPS);
	trace[steps] = (unsigned char)choice;
	for (t = 0; t < nthreads; t++)
		th[t].waitfor &= ~(1u << choice);
	th[choice].waitfor = choice == self ? th[choice].waitfor : 0;
	if (choice != self)
		ck_switch(choice);
}

static void thread_main(void)
{
	th[cur].fn(th[cur].arg);
	th[cur].done = true;
	schedule();
	ck_leave();
}

static void spawn(void (*fn)(void *arg), void *arg, enum ck_kind kind)
{
	struct ck_thread *t;

	if (nthreads >= CK_MAX_THREADS)
		gib_ck_fail("more than %d threads", CK_MAX_THREADS);
	if (!stacks[nthreads]) {
		stacks[nthreads] = malloc(CK_STACK_BYTES);
		if (!stacks[nthreads]) {
			fprintf(stderr, "gib-check: out of memory\n");
			exit(2);
		}
	}
	t = &th[nthreads];
	*t = (struct ck_thread){ .fn = fn, .arg = arg, .kind = kind };
	getcontext(&t->ctx);
	t->ctx.uc_stack.ss_sp = stacks[nthreads];
	t->ctx.uc_stack.ss_size = CK_STACK_BYTES;
	t->ctx.uc_link = NULL;
	makecontext(&t->ctx, thread_main, 0);
	nthreads++;
}

void gib_ck_spawn(void (*fn)(void *arg), void *arg)
{
	spawn(fn, arg, CK_SCENARIO);
}

void gib_ck_spawn_sleeper(void (*fn)(void *arg), void *arg)
{
	spawn(fn, arg, CK_SLEEPER);
}

void gib_ck_block_until(bool (*pred)(void *arg), void *arg)
{
	if (!running) {
		if (!pred(arg))
			gib_ck_fail("setup would block");
		return;
	}
	th[cur].pred = pred;
	th[cur].parg = arg;
	schedule();
	th[cur].pred = NULL;
}

/* ---- Memory: the arena, use after free ----------------------------------- */

static int slot_of(const volatile void *p)
{
	const unsigned char *c = (const unsigned char *)p;

	if (c < gib_ck_arena || c >= gib_ck_arena + GIB_CK_ARENA_BYTES)
		return -1;
	return (int)((c - gib_ck_arena) / 256);
}

static void check_alive(const volatile void *addr)
{
	int s = addr ? slot_of(addr) : -1;

	if (s >= 0 && slot_state[s] == SLOT_FREED)
		gib_ck_fail("use after free: thread %d touched machine address 0x%llx", cur,
			    (unsigned long long)gib_pf_virt_to_maddr((const void *)addr));
}

void gib_ck_point(const volatile void *addr)
{
	if (!running)
		return;
	schedule();
	check_alive(addr);	/* the operation runs now, after the point */
}

void gib_ck_relax(void)
{
	if (!running)
		return;
	yield_mark();
	schedule();
}

unsigned int gib_ck_arena_live(void)
{
	unsigned int s, n = 0;

	for (s = 0; s < CK_SLOTS; s++)
		n += slot_state[s] == SLOT_LIVE;
	return n;
}

void *gib_pf_alloc31(size_t size)
{
	int s;

	if (size > 256)
		return NULL;
	for (s = 0; s < CK_SLOTS; s++)
		if (slot_state[s] == SLOT_UNUSED) {
			slot_state[s] = SLOT_LIVE;
			slot_size[s] = size;
			memset(gib_ck_arena + 256 * s, 0, 256);
			return gib_ck_arena + 256 * s;
		}
	return NULL;
}

/* ---- Grace periods ------------------------------------------------------- */

struct ck_grace {
	unsigned long exits[CK_MAX_THREADS];
	bool wait[CK_MAX_THREADS];
};

/* No point of their own: what a reader does inside has its points. */
void gib_ck_read_lock(void)
{
	if (running)
		th[cur].rdepth++;
}

void gib_ck_read_unlock(void)
{
	if (running) {
		th[cur].rdepth--;
		th[cur].rexits++;
	}
}

static bool grace_over(void *arg)
{
	struct ck_grace *g = arg;
	int t;

	for (t = 0; t < nthreads; t++)
		if (g->wait[t] && th[t].rexits == g->exits[t])
			return false;
	return true;
}

static void grace_period(void)
{
	struct ck_grace g = { 0 };
	int t;

	if (!running)
		return;
	for (t = 0; t < nthreads; t++)
		if (t != cur && th[t].rdepth) {
			g.wait[t] = true;
			g.exits[t] = th[t].rexits;
		}
	gib_ck_block_until(grace_over, &g);
}

void gib_pf_synchronize(void)
{
	gib_ck_point(NULL);
	grace_period();
}

/* A GISA page freed while the machine or a list can still reach it. */
static void check_free(int s)
{
	struct gib_gisa *gisa = (struct gib_gisa *)(gib_ck_arena + 256 * s);
	uint32_t self = gib_gisa_maddr(gisa);
	int h, hops;

	if (slot_size[s] != sizeof(struct gib_gisa_page))
		return;
	if (gib_pf_be32_to_cpu(gisa->next_alert) != self)
		gib_ck_fail("GISA 0x%x freed while linked (next_alert 0x%x)", self,
			    gib_pf_be32_to_cpu(gisa->next_alert));
	for (h = 0; h < ngals; h++) {
		struct gib_block *gib = gals[h].host->gib;
		uint32_t v;

		if (!gib)
			continue;
		v = gib_pf_be32_to_cpu(gib->alert_list_origin);
		for (hops = 0; (v & GIB_GISA_ADDR_MASK) && hops < CK_SLOTS; hops++) {
			struct gib_gisa *g = gib_pf_maddr_to_virt(v);

			if (v == self)
				gib_ck_fail("GISA 0x%x freed while in the alert list", self);
			if (gib_pf_be32_to_cpu(g->next_alert) == v)
				break;
			v = gib_pf_be32_to_cpu(g->next_alert);
		}
	}
}

void gib_pf_free31(void *p)
{
	int s;

	if (!p)
		return;
	s = slot_of(p);
	if (s < 0 || slot_state[s] != SLOT_LIVE)
		gib_ck_fail("gib_pf_free31() of memory not allocated");
	gib_ck_point(NULL);
	grace_period();	/* reused only after readers that found it left */
	check_free(s);
	slot_state[s] = SLOT_FREED;
	memset(gib_ck_arena + 256 * s, 0x6b, 256);
}

/* ---- Locks --------------------------------------------------------------- */

static bool lock_free(void *arg)
{
	return ((struct gib_pf_lock *)arg)->owner == 0;
}

void gib_pf_lock_init(struct gib_pf_lock *l)
{
	l->owner = 0;
}

void gib_pf_lock_destroy(struct gib_pf_lock *l)
{
	if (l->owner)
		gib_ck_fail("lock destroyed while held");
}

void gib_pf_lock(struct gib_pf_lock *l)
{
	gib_ck_point(NULL);
	gib_ck_block_until(lock_free, l);
	l->owner = running ? cur + 1 : CK_MAX_THREADS + 1;
}

void gib_pf_lock_assert_held(struct gib_pf_lock *l)
{
	if (l->owner != (running ? cur + 1 : CK_MAX_THREADS + 1))
		gib_ck_fail("a *_locked helper ran without the lock");
}

void gib_pf_unlock(struct gib_pf_lock *l)
{
	gib_ck_point(NULL);
	l->owner = 0;
}

/* ---- Timers: one daemon each --------------------------------------------- */

static bool timer_queued(void *arg)
{
	return ((struct gib_pf_timer *)arg)->queued;
}

static bool timer_idle(void *arg)
{
	return !((struct gib_pf_timer *)arg)->running;
}

static void timer_daemon(void *arg)
{
	struct gib_pf_timer *t = arg;

	for (;;) {
		uint64_t again;

		gib_ck_block_until(timer_queued, t);
		t->queued = false;
		t->running = true;
		again = t->fn(t);
		t->running = false;
		if (again != GIB_PF_TIMER_STOP) {
			/* Runs again once time passed: after the others. */
			t->queued = true;
			yield_mark();
		}
	}
}

void gib_pf_timer_init(struct gib_pf_timer *t, gib_pf_timer_fn fn)
{
	*t = (struct gib_pf_timer){ .fn = fn, .id = nthreads };
	spawn(timer_daemon, t, CK_DAEMON);
}

void gib_pf_timer_start(struct gib_pf_timer *t, uint64_t delay_ns)
{
	(void)delay_ns;
	gib_ck_point(NULL);
	t->queued = true;
}

void gib_pf_timer_cancel(struct gib_pf_timer *t)
{
	gib_ck_point(NULL);
	if (running && cur == t->id)
		gib_ck_fail("timer cancelled from its own callback");
	gib_ck_block_until(timer_idle, t);
	t->queued = false;
}

void gib_pf_timer_destroy(struct gib_pf_timer *t)
{
	if (t->queued || t->running)
		gib_ck_fail("timer destroyed while queued or running");
}

/* ---- The machine: GAL routing -------------------------------------------- */

static bool gal_due(void *arg)
{
	struct ck_gal *g = arg;

	return g->pending && g->registered;
}

static bool gal_idle(void *arg)
{
	return !((struct ck_gal *)arg)->running;
}

static void gal_daemon(void *arg)
{
	struct ck_gal *g = arg;

	for (;;) {
		gib_ck_block_until(gal_due, g);
		g->pending = false;
		g->running = true;
		gib_gal_interrupt(g->host);
		g->running = false;
	}
}

static struct ck_gal *gal_of(struct gib_host *host)
{
	int h;

	for (h = 0; h < ngals; h++)
		if (gals[h].host == host)
			return &gals[h];
	return NULL;
}

int gib_pf_host_ready(struct gib_host *host)
{
	(void)host;
	return 0;	/* a scenario's host needs no attach step */
}

bool gib_pf_has_aiv(struct gib_host *host)
{
	(void)host;
	return true;
}

bool gib_pf_has_gisaf(struct gib_host *host)
{
	(void)host;
	return true;
}

int gib_pf_gal_register(struct gib_host *host, uint8_t nisc)
{
	struct ck_gal *g = gal_of(host);

	(void)nisc;
	if (!g) {
		if (ngals >= CK_MAX_HOSTS)
			return -ENOMEM;
		g = &gals[ngals++];
		*g = (struct ck_gal){ .host = host };
		spawn(gal_daemon, g, CK_DAEMON);
	}
	g->registered = true;
	host->pf.gal_registered = true;
	return 0;
}

void gib_pf_gal_unregister(struct gib_host *host)
{
	struct ck_gal *g = gal_of(host);

	if (!g)
		return;
	g->registered = false;
	host->pf.gal_registered = false;
	gib_ck_block_until(gal_idle, g);
}

int gib_pf_set_gib(struct gib_host *host, uint32_t gib_maddr)
{
	host->pf.gib_maddr = gib_maddr;
	return 0;
}

void gib_ck_raise_gal(struct gib_host *host)
{
	struct ck_gal *g = gal_of(host);

	if (g && g->registered)
		g->pending = true;
}

bool gib_ck_gal_pending(struct gib_host *host)
{
	struct ck_gal *g = gal_of(host);

	return g && g->pending;
}

/* ---- The explorer -------------------------------------------------------- */

void gib_ck_hash(uint64_t v)
{
	end_hash ^= v + 0x9e3779b97f4a7c15ull + (end_hash << 6) + (end_hash >> 2);
}

static void hash_insert(uint64_t h)
{
	uint64_t i;

	if (!h)
		h = 1;
	for (i = h & (CK_HASH_SLOTS - 1); hash_set[i]; i = (i + 1) & (CK_HASH_SLOTS - 1))
		if (hash_set[i] == h)
			return;
	if (hash_count < CK_HASH_SLOTS / 2) {
		hash_set[i] = h;
		hash_count++;
	}
}

static void reset(void)
{
	memset(slot_state, 0, sizeof(slot_state));
	memset(gib_ck_arena, 0x5a, sizeof(gib_ck_arena));
	nthreads = 0;
	cur = -1;
	ngals = 0;
	ndec = 0;
	preemptions = 0;
	steps = 0;
	run_failed = false;
	end_hash = 0;
}

/* Run one schedule: the replayed prefix, then defaults. */
static void run_once(const struct gib_ck_scenario *sc)
{
	int t;

	reset();
	sc->setup();
	running = true;
	schedule();
	running = false;
	cur = -1;
	if (!run_failed) {
		for (t = 0; t < nthreads; t++)
			if (th[t].kind == CK_SCENARIO && !th[t].done) {
				snprintf(run_msg, sizeof(run_msg),
					 "deadlock: thread %d blocked for ever", t);
				run_failed = true;
				break;
			}
	}
	if (!run_failed)
		sc->check();
	if (sc->teardown)
		sc->teardown();
}

/* The next schedule: the deepest decision with an alternative in bound. */
static bool next_schedule(unsigned int bound)
{
	while (ndec > 0) {
		struct ck_decision *d = &dec[ndec - 1];

		while (d->idx + 1 < d->n) {
			d->idx++;
			if (d->pre + d->cost[d->idx] <= bound) {
				replay_len = ndec;
				return true;
			}
		}
		ndec--;
	}
	return false;
}

/* The failing schedule (its first 40 and last 20 switches) and who was where. */
static void print_trace(FILE *f)
{
	unsigned long i, run = 0, nsw = 0, sw = 0;
	int t;

	for (i = 1; i < steps && i < CK_MAX_STEPS; i++)
		nsw += trace[i + 1] != trace[i];
	fprintf(f, "  schedule (thread x steps, %lu switches):", nsw);
	for (i = 1; i <= steps && i <= CK_MAX_STEPS; i++) {
		run++;
		if (i == steps || trace[i + 1] != trace[i]) {
			if (sw < 40 || sw + 20 > nsw)
				fprintf(f, " T%dx%lu", trace[i], run);
			else if (sw == 40)
				fprintf(f, " ...");
			sw++;
			run = 0;
		}
	}
	fprintf(f, "\n  threads:");
	for (t = 0; t < nthreads; t++)
		fprintf(f, " T%d(%s%s)", t,
			th[t].kind == CK_DAEMON ? "daemon," :
			th[t].kind == CK_SLEEPER ? "vcpu," : "",
			th[t].done ? "done" : th[t].pred && !th[t].pred(th[t].parg) ? "blocked" :
			"runnable");
	fprintf(f, "\n");
}

int gib_ck_explore(const struct gib_ck_scenario *sc, unsigned int bound,
		   unsigned long long max_runs, struct gib_ck_stats *st)
{
	*st = (struct gib_ck_stats){ 0 };
	if (!hash_set) {
		hash_set = calloc(CK_HASH_SLOTS, sizeof(*hash_set));
		if (!hash_set) {
			fprintf(stderr, "gib-check: out of memory\n");
			exit(2);
		}
	}
	memset(hash_set, 0, CK_HASH_SLOTS * sizeof(*hash_set));
	hash_count = 0;
	replay_len = 0;
	do {
		run_once(sc);
		st->schedules++;
		st->steps += steps;
		if (steps > st->max_steps)
			st->max_steps = steps;
		if (run_failed) {
			st->failed = true;
			snprintf(st->msg, sizeof(st->msg), "%s", run_msg);
			print_trace(stderr);
			break;
		}
		hash_insert(end_hash);
		if (max_runs && st->schedules >= max_runs)
			break;
	} while (next_schedule(bound));
	st->end_states = hash_count;
	return st->failed;
}
