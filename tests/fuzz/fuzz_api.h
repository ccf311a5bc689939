/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The entry point of the API fuzz harness, shared by the libFuzzer build
 * (libFuzzer's main() calls it) and the corpus driver (fuzz_main.c).
 */
#ifndef GIB_FUZZ_API_H
#define GIB_FUZZ_API_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode @data into a sequence of public-API calls, run them against the
 * library and a reference model, and abort() at the first disagreement or
 * lost adapter interruption. Returns 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * What the inputs run so far did, summed (the driver prints it):
 * @raised AIs made pending = @delivered + @dropped_clear + @dropped_destroy;
 * @owed_delivered of the delivered were owed by the protocol (machine-raised
 * on a registered ISC); @stranded were left pending at rest, with no vcpu
 * taking their ISC or no alert owed, and dropped by the final teardown.
 */
struct fuzz_api_totals {
	unsigned long long inputs, steps, drain_rounds;
	unsigned long long raised, delivered, owed_delivered;
	unsigned long long dropped_clear, dropped_destroy, stranded;
};

/* The running totals. */
const struct fuzz_api_totals *fuzz_api_totals(void);

#endif /* GIB_FUZZ_API_H */
