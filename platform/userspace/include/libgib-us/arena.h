/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: the 31-bit arena
 *
 * The machine addresses GIBs and GISAs with 31 bits. User space has no such
 * memory, so the backend maps one arena and gives it a window of machine
 * addresses: ``maddr = maddr_base + (p - arena)``. gib_pf_alloc31() hands out
 * zeroed 256-byte slots of it (a free list, then a bump pointer, under a
 * mutex); gib_pf_free31() returns a slot after a grace period
 * (<libgib-us/rcu.h>).
 *
 * There is one arena per process at a time. If none was set up when the
 * first allocation comes, a default one is (%GIB_US_ARENA_DEFAULT_BYTES at
 * %GIB_US_ARENA_DEFAULT_MADDR). Set up, tear down and the test hook are not
 * meant to race with allocations.
 */
#ifndef LIBGIB_US_ARENA_H
#define LIBGIB_US_ARENA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** GIB_US_ARENA_SLOT - bytes (and alignment) of one arena slot */
#define GIB_US_ARENA_SLOT 256u
/** GIB_US_ARENA_DEFAULT_BYTES - size of the lazily created default arena */
#define GIB_US_ARENA_DEFAULT_BYTES (64u << 20)
/** GIB_US_ARENA_DEFAULT_MADDR - machine address of the default arena */
#define GIB_US_ARENA_DEFAULT_MADDR 0x00100000u
/** GIB_US_ARENA_MIN_MADDR - lowest machine address (lower reads as a marker) */
#define GIB_US_ARENA_MIN_MADDR 0x1000u
/** GIB_US_ARENA_LIMIT - machine addresses end below 2 GiB (31 bits) */
#define GIB_US_ARENA_LIMIT 0x80000000ull

/**
 * gib_us_arena_init() - map the process's arena
 * @bytes: its size, a non-zero multiple of %GIB_US_ARENA_SLOT; mapped with
 *         MAP_NORESERVE, so only touched slots cost memory
 * @maddr_base: the machine address of its first byte, a multiple of
 *              %GIB_US_ARENA_SLOT
 *
 * Return: 0; -EINVAL if @bytes is 0 or not a multiple of the slot size, or
 * @maddr_base is not slot-aligned; -ERANGE if @maddr_base is below
 * %GIB_US_ARENA_MIN_MADDR or @maddr_base + @bytes exceeds 2 GiB; -EBUSY if an
 * arena (also the lazy default) is set up already; -ENOMEM if the mapping
 * failed.
 */
int gib_us_arena_init(size_t bytes, uint32_t maddr_base);

/**
 * gib_us_arena_fini() - unmap the process's arena
 *
 * Afterwards a new arena may be set up, or the next allocation sets up the
 * default one again.
 *
 * Return: 0; -EBUSY while slots are allocated (nothing changed); -ENOENT if
 * there is no arena.
 */
int gib_us_arena_fini(void);

/**
 * gib_us_arena_used() - slots allocated and not yet given back
 *
 * Slots whose gib_pf_free31() is still waiting for its grace period count as
 * allocated.
 *
 * Return: the number of slots.
 */
size_t gib_us_arena_used(void);

/**
 * gib_us_arena_fail_next_allocs() - make allocations fail, for unwind tests
 * @n: the next @n calls of gib_pf_alloc31() with a valid size return NULL
 *     (0 ends an earlier request)
 */
void gib_us_arena_fail_next_allocs(unsigned int n);

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_US_ARENA_H */
