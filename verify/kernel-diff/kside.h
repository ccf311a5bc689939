/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The interface between the harness (kdiff.c, over libgib) and one kernel
 * side (the generated kside-SERIES.so: Linux's functions over the stand-ins,
 * with kside_api.c). Plain C types only: the two never share a header
 * besides this one. A snapshot carries everything compared after each step.
 */
#ifndef KDIFF_KSIDE_H
#define KDIFF_KSIDE_H

#include <stdint.h>

#define KS_NG 3		/* guests */
#define KS_NV 4		/* vcpus per guest */
#define KS_LOG 32	/* unlink/cut events kept per step */

/* A push's outcome, as gib_us_machine_raise_ai() names them. */
enum ks_push { KS_DELIVERED_IN_SIE, KS_LINKED, KS_LINKED_GAL, KS_PENDING };

struct ks_vcpu_snap {
	int idle, kicked;
	unsigned int wakes;
	uint32_t gd;
	int aiv;
};

struct ks_guest_snap {
	int has_gisa;
	uint8_t gisa[32];	/* the image, big-endian */
	uint32_t gisa_addr;
	uint8_t mask;
	uint32_t refs[8];
	int timer_queued;
	uint64_t timer_expires;
	unsigned int nv;
	unsigned int next_rr;
	struct ks_vcpu_snap v[KS_NV];
};

/* Cut log: what each exchange of the origin stored and returned, and each unlink. */
struct ks_event {
	int kind;		/* 0 cut (value returned, stored), 1 unlink (guest) */
	uint32_t a, b;
};

struct ks_snap {
	uint8_t gib[32];
	struct ks_guest_snap g[KS_NG];
	unsigned int gals;		/* GAL interruptions raised, not yet taken */
	unsigned int nev;
	struct ks_event ev[KS_LOG];
	uint64_t now;
};

struct kside {
	const char *series, *version;
	/* Set up: the image region, the GIB's address and NISC, the format. */
	int (*init)(uintptr_t base, size_t bytes, uint32_t gib_addr, uint8_t nisc, int gisaf);
	void (*snap)(struct ks_snap *s);
	void (*clear_log)(void);
	int (*vcpu_add)(int g, int id);
	void (*set_cr6)(int g, int i, uint64_t cr6);
	void (*set_io)(int g, int i, int on);
	void (*set_stopped)(int g, int i, int on);
	/* GISA word ops; -ENOSYS where the series lacks the function */
	int (*set_iam)(int g, uint8_t iam);
	int (*clear_ipm)(int g);
	int (*get_ipm_or_restore_iam)(int g);
	int (*set_ipm_gisc)(int g, unsigned int isc);
	int (*get_ipm)(int g);
	int (*tac_ipm_gisc)(int g, unsigned int isc);
	int (*clear_ipm_gisc)(int g, unsigned int isc);
	int (*in_alert_list)(int g);
	/* machine */
	int (*push)(int g, unsigned int isc);
	void (*push_after_cut)(int pass, int g, unsigned int isc);
	int (*take_gal)(void);
	/* host */
	void (*process)(void);
	unsigned int (*run_until)(uint64_t t);
	int (*next_expiry)(uint64_t *t);
	int (*gisa_init)(int g, uint32_t addr);
	int (*gisa_enable)(int g, uint32_t addr);
	int (*gisa_clear)(int g);
	int (*gisa_destroy)(int g);	/* returns whether it warned */
	int (*gisa_disable)(int g);
	int (*gisc_register)(int g, unsigned int isc);
	int (*gisc_unregister)(int g, unsigned int isc);
	/* vcpu side */
	int (*runnable)(int g, int i);
	int (*wait)(int g, int i);	/* 1 work, 0 slept, -EOPNOTSUPP */
	void (*end_wait)(int g, int i);
	void (*enter_sie)(int g, int i);
	void (*exit_sie)(int g, int i);
	int (*deliver)(int g, int i, uint32_t *word);	/* ISC or -ENOENT */
	void (*kick_single)(int g, uint8_t mask);
	void (*floating_kick)(int g);
};

/* The symbol each kside-SERIES.so exports. */
extern const struct kside kside;

#endif /* KDIFF_KSIDE_H */
