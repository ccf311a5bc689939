// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The 31-bit arena: one anonymous mapping whose bytes have machine addresses
 * maddr_base + offset, cut into 256-byte slots. Freed slots go on a free list
 * kept inside the slots themselves, after a grace period; fresh ones come from
 * a bump pointer. A mutex serialises the bookkeeping: allocation is rare
 * (a GIB per host, a GISA per guest).
 */
#include <libgib/platform.h>
#include <libgib-us/arena.h>
#include <libgib-us/rcu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * Under AddressSanitizer a slot on the free list is poisoned, so that a use
 * after gib_pf_free31() (a GISA touched after its grace period) is reported
 * although the memory stays mapped.
 */
#if defined(__SANITIZE_ADDRESS__)
#define GIB_US_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GIB_US_ASAN 1
#endif
#endif
#ifdef GIB_US_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct gib_us_arena_map gib_us_arena_map;

static struct {
	pthread_mutex_t lock;
	char *base;		/* NULL: no arena */
	size_t bytes;
	size_t bump;		/* offset of the first never-used slot */
	void *free_list;	/* freed slots, linked through their first word */
	size_t used;		/* slots allocated, including frees in their grace period */
	unsigned int fail_next;
} arena = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Under arena.lock, with the arguments checked. */
static int arena_map_locked(size_t bytes, uint32_t maddr_base)
{
	void *p;

	if (arena.base)
		return -EBUSY;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	arena.base = p;
	arena.bytes = bytes;
	arena.bump = 0;
	arena.free_list = NULL;
	arena.used = 0;
	/*
	 * Once-stores, base last and end first: translation reads base first
	 * and treats 0 as "no arena". Nobody translates arena pointers before
	 * an allocation hands one out, which happens after this under the lock.
	 */
	__atomic_store_n(&gib_us_arena_map.virt_end, (uintptr_t)p + bytes, GIB_US_ONCE_STORE);
	__atomic_store_n(&gib_us_arena_map.maddr_base, maddr_base, GIB_US_ONCE_STORE);
	__atomic_store_n(&gib_us_arena_map.virt_base, (uintptr_t)p, GIB_US_ONCE_STORE);
	return 0;
}

int gib_us_arena_init(size_t bytes, uint32_t maddr_base)
{
	int rc;

	if (!bytes || bytes % GIB_US_ARENA_SLOT || maddr_base % GIB_US_ARENA_SLOT)
		return -EINVAL;
	if (maddr_base < GIB_US_ARENA_MIN_MADDR ||
	    (uint64_t)maddr_base + (uint64_t)bytes > GIB_US_ARENA_LIMIT)
		return -ERANGE;
	pthread_mutex_lock(&arena.lock);
	rc = arena_map_locked(bytes, maddr_base);
	pthread_mutex_unlock(&arena.lock);
	return rc;
}

int gib_us_arena_fini(void)
{
	int rc = 0;

	pthread_mutex_lock(&arena.lock);
	if (!arena.base) {
		rc = -ENOENT;
	} else if (arena.used) {
		rc = -EBUSY;
	} else {
		__atomic_store_n(&gib_us_arena_map.virt_base, (uintptr_t)0, GIB_US_ONCE_STORE);
		__atomic_store_n(&gib_us_arena_map.virt_end, (uintptr_t)0, GIB_US_ONCE_STORE);
		/* A later mapping at this address must not start poisoned. */
		UNPOISON(arena.base, arena.bytes);
		munmap(arena.base, arena.bytes);
		arena.base = NULL;
		arena.bytes = 0;
		arena.free_list = NULL;
	}
	pthread_mutex_unlock(&arena.lock);
	return rc;
}

size_t gib_us_arena_used(void)
{
	size_t n;

	pthread_mutex_lock(&arena.lock);
	n = arena.used;
	pthread_mutex_unlock(&arena.lock);
	return n;
}

void gib_us_arena_fail_next_allocs(unsigned int n)
{
	pthread_mutex_lock(&arena.lock);
	arena.fail_next = n;
	pthread_mutex_unlock(&arena.lock);
}

void *gib_pf_alloc31(size_t size)
{
	void *p = NULL;

	if (!size || size > GIB_US_ARENA_SLOT)
		return NULL;
	pthread_mutex_lock(&arena.lock);
	if (arena.fail_next) {
		arena.fail_next--;
		goto out;
	}
	if (!arena.base &&
	    arena_map_locked(GIB_US_ARENA_DEFAULT_BYTES, GIB_US_ARENA_DEFAULT_MADDR))
		goto out;
	if (arena.free_list) {
		p = arena.free_list;
		UNPOISON(p, GIB_US_ARENA_SLOT);
		memcpy(&arena.free_list, p, sizeof(void *));
		/* A reused slot holds its last user's bytes and our link. */
		memset(p, 0, GIB_US_ARENA_SLOT);
	} else if (arena.bump < arena.bytes) {
		/* Fresh anonymous memory is zero already. */
		p = arena.base + arena.bump;
		arena.bump += GIB_US_ARENA_SLOT;
	}
	if (p)
		arena.used++;
out:
	pthread_mutex_unlock(&arena.lock);
	return p;
}

void gib_pf_free31(void *p)
{
	char *c = p;

	if (!p)
		return;
	pthread_mutex_lock(&arena.lock);
	if (!arena.base || c < arena.base || c >= arena.base + arena.bump ||
	    (size_t)(c - arena.base) % GIB_US_ARENA_SLOT) {
		pthread_mutex_unlock(&arena.lock);
		fprintf(stderr, "libgib-us: gib_pf_free31(%p): not an arena slot\n", p);
		abort();
	}
	pthread_mutex_unlock(&arena.lock);
	/*
	 * Readers that found the memory (a machine push that read the guest's
	 * origin before it was cleared) finish before the slot can be reused.
	 */
	gib_us_synchronize();
	pthread_mutex_lock(&arena.lock);
	memcpy(p, &arena.free_list, sizeof(void *));
	POISON(p, GIB_US_ARENA_SLOT);
	arena.free_list = p;
	arena.used--;
	pthread_mutex_unlock(&arena.lock);
}
