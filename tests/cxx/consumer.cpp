// SPDX-License-Identifier: GPL-2.0-only OR MIT
// A C++ consumer of every installed header: they must compile as C++ and
// link against the C library (extern "C"). It sets up one guest with one
// vcpu, raises one adapter interruption through the machine model and takes
// it on the vcpu.
#include <libgib/libgib.h>
#include <libgib-us/arena.h>
#include <libgib-us/clock.h>
#include <libgib-us/machine.h>
#include <libgib/machine_push.h>
#include <libgib-us/rcu.h>

#include <cstdio>

static void wake_vcpu(struct gib_guest *, struct gib_vcpu *)
{
}

int main()
{
	static struct gib_us_machine m;
	static struct gib_host host;
	static struct gib_guest gi;
	static struct gib_vcpu vcpu;
	static const struct gib_guest_ops ops = { wake_vcpu };
	struct gib_us_machine_config cfg = {};
	struct gib_us_clock *clock = gib_us_clock_create(GIB_US_CLOCK_SIM);
	int isc = -1;

	cfg.has_aiv = true;
	cfg.gal_mode = GIB_US_GAL_DIRECT;
	gib_us_set_default_clock(clock);
	gib_us_thread_online();
	if (!clock || gib_us_machine_init(&m, &cfg) || gib_us_host_attach(&host, &m) ||
	    gib_init(&host, GIB_GAL_ISC) || gib_guest_init(&gi, &host, &ops, nullptr) ||
	    gib_gisa_init(&gi) || gib_vcpu_add(&gi, &vcpu, 0, nullptr) != 0 ||
	    gib_gisc_register(&gi, 2) < 0) {
		std::puts("c++ consumer: set-up failed");
		return 1;
	}
	gib_vcpu_set_cr6(&vcpu, (uint64_t)gib_isc_mask(2) << 24);
	gib_vcpu_set_io_enabled(&vcpu, true);
	gib_us_machine_raise_ai(&m, &gi, 2, nullptr);
	gib_vcpu_enter_sie(&vcpu);
	isc = gib_vcpu_take_ai(&vcpu, nullptr);
	gib_vcpu_exit_sie(&vcpu);
	gib_gisc_unregister(&gi, 2);
	gib_guest_destroy(&gi);
	gib_destroy(&host);
	gib_us_machine_fini(&m);
	gib_us_thread_offline();
	gib_us_set_default_clock(nullptr);
	gib_us_clock_destroy(clock);
	std::printf("c++ consumer: took ISC %d\n", isc);
	return isc == 2 ? 0 : 1;
}
