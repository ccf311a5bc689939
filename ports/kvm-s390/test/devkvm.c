// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * devkvm: drives the ported kvm.ko's test variant from user space, in a
 * booted s390x kernel under QEMU (tools/kvm-port-test). A VM with vcpus of
 * sparse ids and a FLIC; adapter interruptions injected through the FLIC and
 * KVM_S390_INTERRUPT land in the GISA (libgib's word operations), libgib
 * chooses the vcpu to wake (only a started one), and they are read
 * back (and taken) through the FLIC; GISCs registered and AIs raised by
 * libgib's software machine (the alert list, the GAL handler and the kick
 * timer run inside KVM); clear, disable and enable, destroy. Prints one line
 * per check and "devkvm: PASS" or "devkvm: FAIL". Built static.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#define HOOK "/sys/module/kvm/parameters/gib_test"
#define AI_TYPE KVM_S390_INT_IO(1, 0, 0, 0)

static int checks, failed;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	failed += !ok;
	printf("devkvm: %s: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static uint32_t isc_word(unsigned int isc)
{
	return (uint32_t)isc << 27 | 0x80000000u;
}

/* One command to the test variant's hook; returns its result. */
static int hook(const char *cmd)
{
	char buf[32] = "";
	int fd = open(HOOK, O_WRONLY);

	if (fd < 0 || write(fd, cmd, strlen(cmd)) < 0) {
		perror(HOOK);
		exit(1);
	}
	close(fd);
	fd = open(HOOK, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0) {
		perror(HOOK);
		exit(1);
	}
	close(fd);
	return atoi(buf);
}

static int flic_enqueue_ai(int flic, unsigned int isc)
{
	struct kvm_s390_irq irq = { .type = AI_TYPE };
	struct kvm_device_attr attr = {
		.group = KVM_DEV_FLIC_ENQUEUE,
		.addr = (uint64_t)(unsigned long)&irq,
		.attr = sizeof(irq),
	};

	irq.u.io.io_int_word = isc_word(isc);
	return ioctl(flic, KVM_SET_DEVICE_ATTR, &attr);
}

/* The ISCs of the pending AIs, read (and taken) through the FLIC; -1 on error. */
static int flic_ais(int flic)
{
	static struct kvm_s390_irq irqs[64];
	struct kvm_device_attr attr = {
		.group = KVM_DEV_FLIC_GET_ALL_IRQS,
		.addr = (uint64_t)(unsigned long)irqs,
		.attr = sizeof(irqs),
	};
	int n, i, mask = 0;

	n = ioctl(flic, KVM_GET_DEVICE_ATTR, &attr);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (irqs[i].type != AI_TYPE)
			return -1;
		mask |= 0x80 >> (irqs[i].u.io.io_int_word >> 27 & 7);
	}
	return mask;
}

static int flic_clear(int flic)
{
	struct kvm_device_attr attr = { .group = KVM_DEV_FLIC_CLEAR_IRQS };

	return ioctl(flic, KVM_SET_DEVICE_ATTR, &attr);
}

static int set_mp_state(int vcpu, unsigned int state)
{
	struct kvm_mp_state mp = { .mp_state = state };

	return ioctl(vcpu, KVM_SET_MP_STATE, &mp);
}

int main(void)
{
	static const unsigned int ids[] = { 0, 3, 17 };
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_FLIC };
	struct kvm_s390_interrupt s390int = { .type = AI_TYPE };
	int kvm, vm, vcpu[3], nisc, rc, i, mask, ais;

	kvm = open("/dev/kvm", O_RDWR);
	check(kvm >= 0, "open /dev/kvm (%s)", kvm < 0 ? strerror(errno) : "ok");
	if (kvm < 0)
		goto out;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	check(vm >= 0, "KVM_CREATE_VM (%s)", vm < 0 ? strerror(errno) : "ok");
	if (vm < 0)
		goto out;
	for (i = 0; i < 3; i++) {
		vcpu[i] = ioctl(vm, KVM_CREATE_VCPU, ids[i]);
		check(vcpu[i] >= 0, "KVM_CREATE_VCPU id %u", ids[i]);
	}
	rc = ioctl(vm, KVM_CREATE_DEVICE, &dev);
	check(rc == 0 && (int)dev.fd >= 0, "FLIC created");

	/* Two AIs, by the FLIC and by KVM_S390_INTERRUPT, land in the GISA. */
	check(flic_enqueue_ai(dev.fd, 2) == 0, "FLIC enqueues an AI on ISC 2");
	s390int.parm64 = isc_word(5);
	check(ioctl(vm, KVM_S390_INTERRUPT, &s390int) == 0, "KVM_S390_INTERRUPT: AI on ISC 5");
	/* libgib chose the vcpu for both, in place of KVM's kick: all are stopped. */
	check(hook("aicount") == 2, "both AIs went through libgib's gib_inject_ai()");
	check(hook("aiwoken") == -ENODEV, "every vcpu stopped: libgib woke none");
	mask = flic_ais(dev.fd);
	check(mask == (0x20 | 0x04), "FLIC reads back ISCs 2 and 5 (mask 0x%02x)", mask);
	mask = flic_ais(dev.fd);
	check(mask == 0, "reading took them (mask 0x%02x)", mask);

	/* KVM starts vcpu id 17 (index 2): libgib's copy follows and wakes it. */
	check(set_mp_state(vcpu[2], KVM_MP_STATE_OPERATING) == 0, "vcpu id 17 started");
	check(flic_enqueue_ai(dev.fd, 7) == 0, "FLIC enqueues an AI on ISC 7");
	rc = hook("aiwoken");
	check(rc == 2, "libgib woke the started vcpu, index 2 (%d)", rc);
	check(set_mp_state(vcpu[2], KVM_MP_STATE_STOPPED) == 0, "vcpu id 17 stopped");
	check(flic_enqueue_ai(dev.fd, 7) == 0, "FLIC enqueues an AI on ISC 7 again");
	check(hook("aiwoken") == -ENODEV, "stopped again: libgib woke none");
	check(hook("aicount") == 4, "both went through libgib");
	mask = flic_ais(dev.fd);
	check(mask == 0x01, "FLIC reads ISC 7 once, merged (mask 0x%02x)", mask);

	/* GISC registration and the software machine's AIs. */
	nisc = hook("reg 3");
	check(nisc >= 0 && nisc <= 7, "register GISC 3: NISC %d", nisc);
	check(hook("reg 3") == nisc, "register GISC 3 again: same NISC");
	check(hook("reg 9") == -ERANGE, "register GISC 9: -ERANGE");
	rc = hook("raise 3");
	check(rc == 3, "machine raises an AI on ISC 3: linked, GAL raised (%d)", rc);
	mask = flic_ais(dev.fd);
	check(mask == 0x10, "FLIC reads the machine's AI on ISC 3 (mask 0x%02x)", mask);
	rc = hook("raise 6");
	check(rc == 0, "an AI on unregistered ISC 6: pending, no alert (%d)", rc);
	mask = flic_ais(dev.fd);
	check(mask == 0x02, "FLIC reads ISC 6 (mask 0x%02x)", mask);

	/* Clear drops every AI of the GISA. */
	check(flic_enqueue_ai(dev.fd, 1) == 0 && flic_enqueue_ai(dev.fd, 4) == 0,
	      "FLIC enqueues AIs on ISC 1 and 4");
	check(flic_clear(dev.fd) == 0, "FLIC clear");
	mask = flic_ais(dev.fd);
	check(mask == 0, "nothing pending after clear (mask 0x%02x)", mask);

	/* Disable and enable (as KVM's protected-virtualization switch). */
	check(hook("unreg 3") == 0 && hook("unreg 3") == 0, "unregister GISC 3 twice");
	check(hook("unreg 3") == -EINVAL, "a third unregister: -EINVAL");
	check(hook("disable") == 0, "GISA disabled");
	check(hook("reg 3") == -ENODEV, "register without a GISA: -ENODEV");
	ais = hook("aicount");
	check(flic_enqueue_ai(dev.fd, 4) == 0, "FLIC enqueues an AI without a GISA");
	check(hook("aicount") == ais, "KVM kicked for it, not libgib");
	mask = flic_ais(dev.fd);
	check(mask == 0x08, "it is KVM's classic floating AI now (mask 0x%02x)", mask);
	check(flic_clear(dev.fd) == 0 && flic_ais(dev.fd) == 0, "FLIC clear drops it");
	check(hook("enable") == 0, "GISA enabled again");
	check(flic_enqueue_ai(dev.fd, 6) == 0, "FLIC enqueues an AI on ISC 6");
	mask = flic_ais(dev.fd);
	check(mask == 0x02, "in the GISA again (mask 0x%02x)", mask);
	check(hook("reg 0") == nisc, "register GISC 0 on the new GISA");
	check(hook("raise 0") == 3, "machine AI on ISC 0: linked, GAL raised");
	check(hook("unreg 0") == 0, "unregister GISC 0");

	/* Destroy: vcpus first (libgib forgets them), then the VM and its GISA. */
	close(dev.fd);
	for (i = 0; i < 3; i++)
		close(vcpu[i]);
	close(vm);
	check(hook("reg 1") == -ENODEV, "after destroy the hook finds no VM");
	close(kvm);
out:
	printf("devkvm: %s (%d checks, %d failed)\n", failed || checks < 30 ? "FAIL" : "PASS",
	       checks, failed);
	return failed != 0;
}
