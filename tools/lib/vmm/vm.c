// SPDX-License-Identifier: GPL-2.0
/*
 * vmm_run(): build the VM, run it, tear it down.  The order of the KVM
 * calls is the one docs/microvm.md explains: open /dev/kvm, create the VM,
 * give it RAM, (irqchip + PIT), load the guest, create the vCPUs and set
 * their CPUID and registers, then KVM_RUN in one thread per vCPU while the
 * calling thread feeds the console and waits for the guest to stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/kvm_exit.h"
#include "vmm/acpi.h"
#include "vmm/boot.h"
#include "vmm/bzimage.h"
#include "vmm/cpuid.h"
#include "vmm/guests.h"
#include "vmm/mptable.h"
#include "vmm/ports.h"
#include "vmm/vm.h"
#include "vmm/kernel_elf.h"

#define VMM_KERNEL_MAX (256u << 20)
#define CONSOLE_ESCAPE 0x01 /* Ctrl-A, then x */
/* a Linux guest this long without an exit to us: is it halted for good? */
#define HALT_PROBE_MS 1000

_Static_assert(ACPI_TABLES_ADDR >= BOOT_EBDA &&
		       ACPI_TABLES_ADDR + ACPI_TABLES_SIZE <= BOOT_HIMEM,
	       "the ACPI tables must be in the region e820 reserves");

const char *vmm_stop_name(enum vmm_stop stop)
{
	switch (stop) {
	case VMM_STOP_NONE:
		return "running";
	case VMM_STOP_HLT:
		return "stop: guest halted (HLT, interrupts off)";
	case VMM_STOP_STATUS:
		return "stop: guest reported its exit status";
	case VMM_STOP_RESET:
		return "stop: guest reset the machine (reboot)";
	case VMM_STOP_SHUTDOWN:
		return "stop: triple fault (KVM_EXIT_SHUTDOWN)";
	case VMM_STOP_ERROR:
		return "stop: KVM or VMM error";
	case VMM_STOP_SIGNAL:
		return "stop: interrupted by a signal";
	case VMM_STOP_CONSOLE:
		return "stop: console escape (Ctrl-A x)";
	case VMM_STOP_TIMEOUT:
		return "stop: timeout";
	case VMM_STOP_POWEROFF:
		return "stop: guest powered off (ACPI sleep register)";
	}
	return "stop";
}

uint64_t vm_now_ns(void)
{
	return mono_ns();
}

static void vm_wake(struct vm *vm)
{
	uint64_t one = 1;

	if (write(vm->event_fd, &one, sizeof(one)) < 0) {
		/* the counter saturating is the only failure: already awake */
	}
}

void vm_stop(struct vm *vm, enum vmm_stop why, int status)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->stopping) {
		vm->res->stop = why;
		vm->res->status = status;
		vm->res->run_ns = vm_now_ns() - vm->t0_ns;
		__atomic_store_n(&vm->stopping, true, __ATOMIC_RELEASE);
		vm_wake(vm);
	}
	pthread_mutex_unlock(&vm->lock);
}

int vmm_kvm_available(const char *dev, struct errbuf *eb)
{
	int fd = open(dev ? dev : KVM_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return errbuf_errno(eb, errno, "cannot open %s",
				    dev ? dev : KVM_DEVICE);
	close(fd);
	return 0;
}

/* --- devices wired to the VM ------------------------------------------ */

/* Never blocks: the console thread writes console_out (console.h). */
static bool vm_serial_tx(void *ctx, uint8_t byte)
{
	struct vm *vm = ctx;

	if (vm->cfg->console_write) {
		vm->cfg->console_write(vm->cfg->console_ctx, byte);
		return true;
	}
	if (vm->cfg->console_out < 0)
		return true; /* no console: the bytes go nowhere */
	return console_out_put(&vm->console, byte);
}

static void vm_console_ready(void *ctx)
{
	struct vm *vm = ctx;

	serial_tx_ready(&vm->serial);
}

static void vm_serial_irq(void *ctx, int level)
{
	struct vm *vm = ctx;

	kvm_irq_line(&vm->kvm, SERIAL_COM1_IRQ, level);
}

static void vm_reset(void *ctx)
{
	vm_stop(ctx, VMM_STOP_RESET, 0);
	vcpu_note("i8042 reset: the guest rebooted");
}

/* the guest wrote SLP_EN with the S5 sleep type (acpi.c) */
static void vm_poweroff(void *ctx)
{
	vm_stop(ctx, VMM_STOP_POWEROFF, 0);
	vcpu_note("ACPI sleep register: the guest powered off");
}

static void vm_marker_access(void *opaque, uint64_t offset, bool is_write,
			     uint8_t *data, unsigned int size)
{
	struct vm *vm = opaque;

	(void)size;
	if (!is_write) {
		data[0] = 0;
		return;
	}
	if (offset == 1) { /* VMM_PORT_STATUS */
		vm_stop(vm, VMM_STOP_STATUS, data[0]);
		return;
	}
	pthread_mutex_lock(&vm->lock);
	if (!vm->marker_seen) {
		vm->marker_seen = true;
		vm->res->marker_ns = vm_now_ns() - vm->t0_ns;
		vm_wake(vm);
		vcpu_note("boot marker: the guest's init is running");
	}
	pthread_mutex_unlock(&vm->lock);
}

static int vm_setup_buses(struct vm *vm, struct errbuf *eb)
{
	int err;

	bus_init(&vm->ports, "port", PORT_LIMIT);
	bus_init(&vm->mmio, "mmio", UINT64_MAX);
	console_out_init(&vm->console, vm->cfg->console_out, vm_console_ready,
			 vm);
	serial_init(&vm->serial, vm_serial_tx, vm_serial_irq, vm);
	err = bus_register(&vm->ports, SERIAL_COM1_BASE, SERIAL_NR_REGS,
			   "VMM serial (16550 COM1)", serial_access,
			   &vm->serial, eb);
	if (err || !vm->linux_guest)
		return err;
	i8042_init(&vm->i8042, vm_reset, vm);
	cmos_init(&vm->cmos);
	acpi_sleep_init(&vm->acpi_sleep, vm_poweroff, vm);
	err = bus_register(&vm->ports, I8042_DATA_PORT, 1, "VMM i8042 data",
			   i8042_data_access, &vm->i8042, eb);
	if (!err)
		err = bus_register(&vm->ports, I8042_CMD_PORT, 1,
				   "VMM i8042 command", i8042_cmd_access,
				   &vm->i8042, eb);
	if (!err)
		err = bus_register(&vm->ports, CMOS_PORT, 2, "VMM CMOS RTC",
				   cmos_access, &vm->cmos, eb);
	if (!err)
		err = bus_register(&vm->ports, POST_PORT, 1,
				   "VMM POST/delay port (ignored)", post_access,
				   NULL, eb);
	if (!err)
		err = bus_register(&vm->ports, VMM_PORT_MARKER, 2,
				   "VMM marker/status ports", vm_marker_access,
				   vm, eb);
	if (!err)
		err = bus_register(&vm->ports, ACPI_SLEEP_CTL_PORT,
				   ACPI_SLEEP_NR_PORTS,
				   "VMM ACPI sleep control/status",
				   acpi_sleep_access, &vm->acpi_sleep, eb);
	return err;
}

/* --- loading the guest ---------------------------------------------- */

static int vm_load_teaching(struct vm *vm, const struct guest *g,
			    struct errbuf *eb)
{
	int err;

	err = guest_write(&vm->mem, GUEST_LOAD, g->start, g->end - g->start,
			  eb);
	if (!err && g->mode == GUEST_LONG)
		err = boot_write_tables(&vm->mem, eb);
	return err;
}

/*
 * Map the kernel's vmlinux from the cache (vmm/kernel_elf.h), decompressing
 * it there first if needed.  On failure the bzImage boots as it is and
 * res->kernel_note says why.
 */
static void vm_map_vmlinux(struct vm *vm, struct boot_linux *bl)
{
	struct vmm_result *res = vm->res;
	struct errbuf eb = {};
	char path[PATH_MAX];
	struct stat st;
	void *p;
	int fd;

	if (vmlinux_get(vm->cfg->kernel, path, sizeof(path),
			&res->vmlinux_built, &eb))
		goto fail;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errbuf_errno(&eb, errno, "cannot open %s", path);
		goto fail;
	}
	if (fstat(fd, &st) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > VMLINUX_MAX) {
		errbuf_set(&eb, EINVAL, "%s: bad size", path);
		close(fd);
		goto fail;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		errbuf_errno(&eb, errno, "cannot map %s", path);
		goto fail;
	}
	bl->vmlinux = p;
	bl->vmlinux_len = st.st_size;
	snprintf(res->kernel_note, sizeof(res->kernel_note), "%.1000s", path);
	return;
fail:
	snprintf(res->kernel_note, sizeof(res->kernel_note), "%.1000s", eb.msg);
}

static void vm_unmap_vmlinux(struct boot_linux *bl)
{
	if (bl->vmlinux)
		munmap((void *)bl->vmlinux, bl->vmlinux_len);
	bl->vmlinux = NULL;
	bl->vmlinux_len = 0;
}

static int vm_load_linux(struct vm *vm, struct boot_linux *bl,
			 void **kernel_buf, void **initrd_buf,
			 struct errbuf *eb)
{
	const struct vmm_config *cfg = vm->cfg;
	size_t kernel_len, initrd_len = 0;
	uint8_t *initrd = NULL;
	int err;

	err = file_read_all(cfg->kernel, VMM_KERNEL_MAX, kernel_buf,
			    &kernel_len, eb);
	if (err)
		return err;
	err = bzimage_parse(*kernel_buf, kernel_len, &bl->info, eb);
	if (err) {
		struct errbuf tmp = *eb;

		return errbuf_set(eb, -err, "%s: %s", cfg->kernel, tmp.msg);
	}
	if (cfg->initrd) {
		void *buf;

		err = file_read_all(cfg->initrd, cfg->mem, &buf, &initrd_len,
				    eb);
		if (err)
			return err;
		initrd = buf;
	}
	if (cfg->initrd_append_len) {
		/* cpio archives concatenate; keep each 4-byte aligned */
		size_t off = (initrd_len + 3) & ~(size_t)3;
		uint8_t *p = realloc(initrd, off + cfg->initrd_append_len);

		if (!p) {
			free(initrd);
			return errbuf_errno(eb, ENOMEM, "initrd");
		}
		memset(p + initrd_len, 0, off - initrd_len);
		memcpy(p + off, cfg->initrd_append, cfg->initrd_append_len);
		initrd = p;
		initrd_len = off + cfg->initrd_append_len;
	}
	*initrd_buf = initrd;
	if (boot_linux_min_mem(&bl->info, initrd_len) > cfg->mem)
		return errbuf_set(
			eb, ENOMEM,
			"--mem %llu MiB is too small for this kernel and initrd (need at least %llu MiB)",
			(unsigned long long)(cfg->mem >> 20),
			(unsigned long long)(boot_linux_min_mem(&bl->info,
								initrd_len) >>
					     20) +
				1);
	bl->img = *kernel_buf;
	bl->img_len = kernel_len;
	bl->cmdline = cfg->cmdline ? cfg->cmdline : "console=ttyS0";
	bl->initrd = initrd;
	bl->initrd_len = initrd_len;
	bl->acpi_rsdp = ACPI_RSDP_ADDR;
	if (cfg->bzimage)
		snprintf(vm->res->kernel_note, sizeof(vm->res->kernel_note),
			 "as asked");
	else
		vm_map_vmlinux(vm, bl);
	err = boot_linux_load(&vm->mem, bl, eb);
	if (err && bl->vmlinux) {
		char entry[sizeof(vm->res->kernel_note)];

		/* a damaged cache entry: drop it, say so, boot the bzImage */
		snprintf(entry, sizeof(entry), "%s", vm->res->kernel_note);
		if (err == -EINVAL)
			unlink(entry);
		snprintf(vm->res->kernel_note, sizeof(vm->res->kernel_note),
			 "%.600s: %.400s", entry, eb->msg);
		vm_unmap_vmlinux(bl);
		err = boot_linux_load(&vm->mem, bl, eb);
	}
	vm->res->vmlinux = bl->booted_vmlinux;
	vm_unmap_vmlinux(bl);
	/* ACPI for today's kernels, the MP table for those without ACPI */
	if (!err)
		err = acpi_write_tables(&vm->mem, vm->nr_vcpus, eb);
	if (!err)
		err = mptable_write(&vm->mem, BOOT_EBDA, vm->nr_vcpus, eb);
	if (!err)
		err = boot_write_tables(&vm->mem, eb);
	return err;
}

/* --- the console and the wait loop ------------------------------------ */

struct console {
	bool open; /* console_in still readable */
	bool escape; /* saw Ctrl-A */
	bool send_eof;
};

/* Read what the UART can take from console_in and queue it. */
static void vm_console_input(struct vm *vm, struct console *con)
{
	uint8_t buf[SERIAL_FIFO], out[SERIAL_FIFO];
	unsigned int room = serial_rx_room(&vm->serial), n = 0;
	ssize_t len, i;

	if (!room)
		return;
	if (room > sizeof(buf))
		room = sizeof(buf);
	len = read(vm->cfg->console_in, buf, room);
	if (len < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (len <= 0) {
		con->open = false;
		con->send_eof = vm->cfg->console_eof_ctrl_d;
		return;
	}
	for (i = 0; i < len; i++) {
		if (vm->cfg->console_escape && con->escape) {
			con->escape = false;
			if (buf[i] == 'x') {
				vm_stop(vm, VMM_STOP_CONSOLE, 0);
				return;
			}
			if (buf[i] != CONSOLE_ESCAPE)
				out[n++] = CONSOLE_ESCAPE;
		} else if (vm->cfg->console_escape &&
			   buf[i] == CONSOLE_ESCAPE) {
			con->escape = true;
			continue;
		}
		out[n++] = buf[i];
	}
	serial_receive(&vm->serial, out, n);
}

static uint64_t vm_user_exits(struct vm *vm)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		n += __atomic_load_n(&vm->vcpus[i].user_exits,
				     __ATOMIC_RELAXED);
	return n;
}

/*
 * Ask the vCPUs whether the guest halted for good (vcpu.c answers), when
 * it has not exited to us for HALT_PROBE_MS and the last question was
 * answered by all.  Returns the poll timeout until the next look.
 */
static int vm_probe_halt(struct vm *vm, uint64_t *exits, uint64_t *quiet_ns)
{
	uint64_t now = vm_now_ns(), n = vm_user_exits(vm), quiet_ms;
	unsigned int i;

	if (n != *exits || !*quiet_ns) {
		*exits = n;
		*quiet_ns = now;
	}
	quiet_ms = (now - *quiet_ns) / 1000000;
	if (quiet_ms < HALT_PROBE_MS)
		return HALT_PROBE_MS - quiet_ms;
	*quiet_ns = now;
	if (__atomic_load_n(&vm->probe_answers, __ATOMIC_SEQ_CST) <
	    (vm->probe_gen ? vm->nr_vcpus : 0))
		return HALT_PROBE_MS; /* still being answered */
	__atomic_store_n(&vm->probe_answers, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vm->probe_halted, 0, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&vm->probe_gen, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	return HALT_PROBE_MS;
}

static void vm_wait(struct vm *vm, int sig_fd)
{
	struct console con = { .open = vm->cfg->console_in >= 0 };
	uint64_t deadline =
		vm->cfg->timeout_ms ?
			vm->t0_ns + vm->cfg->timeout_ms * 1000000ULL :
			0;
	uint64_t exits = 0, quiet_ns = 0;

	while (!__atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE)) {
		struct pollfd pfd[3] = {
			{ .fd = vm->event_fd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = -1, .events = POLLIN },
		};
		bool input_ok =
			!vm->cfg->input_after_marker ||
			__atomic_load_n(&vm->marker_seen, __ATOMIC_ACQUIRE);
		int timeout = -1;

		if (con.open && input_ok) {
			if (serial_rx_room(&vm->serial))
				pfd[2].fd = vm->cfg->console_in;
			else
				timeout = 5; /* the guest is still reading */
		}
		if (con.send_eof && input_ok) {
			uint8_t eot = 0x04;

			if (serial_receive(&vm->serial, &eot, 1))
				con.send_eof = false;
			else
				timeout = 5;
		}
		if (vm->linux_guest) {
			int next = vm_probe_halt(vm, &exits, &quiet_ns);

			if (timeout < 0 || next < timeout)
				timeout = next;
		}
		if (deadline) {
			uint64_t now = vm_now_ns();
			int left;

			if (now >= deadline) {
				vm_stop(vm, VMM_STOP_TIMEOUT, 0);
				break;
			}
			left = (int)((deadline - now) / 1000000) + 1;
			if (timeout < 0 || left < timeout)
				timeout = left;
		}
		if (poll(pfd, 3, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN) {
			uint64_t v;

			if (read(vm->event_fd, &v, sizeof(v)) < 0) {
				/* nothing to drain */
			}
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
				vm_stop(vm, VMM_STOP_SIGNAL, (int)si.ssi_signo);
		}
		if (pfd[2].revents & (POLLIN | POLLHUP | POLLERR))
			vm_console_input(vm, &con);
	}
}

/* --- vmm_run -------------------------------------------------------- */

static int vm_check_config(const struct vmm_config *cfg, const struct guest **g,
			   struct errbuf *eb)
{
	*g = NULL;
	if (cfg->guest) {
		*g = guest_find(cfg->guest);
		if (!*g)
			return errbuf_set(eb, ENOENT,
					  "no teaching guest named '%s'",
					  cfg->guest);
		if (cfg->cpus > 1)
			return errbuf_set(eb, EINVAL,
					  "teaching guests run on one vCPU");
		return 0;
	}
	if (!cfg->kernel)
		return errbuf_set(eb, EINVAL, "no kernel given");
	if (cfg->cpus < 1 || cfg->cpus > VMM_MAX_CPUS)
		return errbuf_set(eb, EINVAL, "%u vCPUs: must be 1..%d",
				  cfg->cpus, VMM_MAX_CPUS);
	if (cfg->mem < (16ULL << 20) || cfg->mem > GUEST_MEM_MAX ||
	    (cfg->mem & 0xfff))
		return errbuf_set(
			eb, EINVAL,
			"guest memory %llu bytes: must be a multiple of 4 KiB from 16 MiB to 3 GiB",
			(unsigned long long)cfg->mem);
	return 0;
}

static int vm_create_vcpus(struct vm *vm, const struct guest *g,
			   struct boot_linux *bl, struct errbuf *eb)
{
	struct kvm_cpuid2 *cpuid = NULL;
	unsigned int i;
	int err;

	err = cpuid_get_supported(&vm->kvm, &cpuid, eb);
	if (err)
		return err;
	for (i = 0; i < vm->nr_vcpus && !err; i++) {
		struct vcpu *v = &vm->vcpus[i];

		err = vcpu_create(vm, v, i, eb);
		if (err)
			break;
		err = cpuid_set_vcpu(v->fd, cpuid, i, vm->nr_vcpus, eb);
		if (err || i)
			continue; /* APs wait for INIT/SIPI in the irqchip */
		if (!g)
			err = boot_enter_long_mode(v->fd, bl->entry,
						   BOOT_ZERO_PAGE, eb);
		else if (g->mode == GUEST_LONG)
			err = boot_enter_long_mode(v->fd, GUEST_LOAD, 0, eb);
		else
			err = boot_enter_real_mode(v->fd, GUEST_LOAD,
						   vm->kvm.user_msr, eb);
		if (!err && g && g->seeded) {
			struct kvm_regs regs;

			if (!ioctl(v->fd, KVM_GET_REGS, &regs)) {
				regs.rbp = (uint32_t)vm_now_ns();
				ioctl(v->fd, KVM_SET_REGS, &regs);
			}
		}
	}
	free(cpuid);
	return err;
}

static void vm_collect(struct vm *vm)
{
	struct vmm_result *res = vm->res;
	int64_t kernel = 0;
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int64_t now = kvm_stat_read(&v->exits);

		if (now < 0 || v->first_exits < 0 || kernel < 0) {
			kernel = -1;
			continue;
		}
		kernel += now - v->first_exits - (int64_t)v->user_exits;
	}
	res->kernel_exits = kernel < 0 ? -1 : kernel;
	res->port_unknown = vm->ports.unknown;
	res->mmio_unknown = vm->mmio.unknown;
	res->invalid = vm->ports.invalid + vm->mmio.invalid;
	res->console_dropped = vm->serial.tx_dropped + vm->console.dropped;
}

int vmm_run(const struct vmm_config *cfg, struct vmm_result *res,
	    struct errbuf *eb)
{
	struct boot_linux bl = { 0 };
	void *kernel_buf = NULL, *initrd_buf = NULL;
	const struct guest *g;
	sigset_t block, old;
	unsigned int i;
	struct vm *vm;
	int err, sig_fd = -1;

	memset(res, 0, sizeof(*res));
	res->kernel_exits = -1;
	err = vm_check_config(cfg, &g, eb);
	if (err)
		return err;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return errbuf_errno(eb, ENOMEM, "vm");
	vm->cfg = cfg;
	vm->res = res;
	vm->t0_ns = vm_now_ns();
	vm->linux_guest = !g;
	vm->nr_vcpus = g ? 1 : cfg->cpus;
	vm->kvm.sys_fd = vm->kvm.vm_fd = -1;
	vm->event_fd = -1;
	vm->io_stop_fd = -1;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->gate, NULL);
	res->cpus = vm->nr_vcpus;

	err = kvm_open(&vm->kvm, cfg->kvm_dev ? cfg->kvm_dev : KVM_DEVICE, eb);
	if (err)
		goto out_free;
	if (!kvm_check_extension(&vm->kvm, KVM_CAP_IMMEDIATE_EXIT)) {
		err = errbuf_set(eb, ENOTSUP,
				 "KVM lacks KVM_CAP_IMMEDIATE_EXIT");
		goto out_kvm;
	}
	err = guest_mem_alloc(&vm->mem, g ? GUEST_MEM : cfg->mem, eb);
	if (err)
		goto out_kvm;
	err = kvm_set_memory(&vm->kvm, 0, 0, vm->mem.hva, vm->mem.size, eb);
	if (err)
		goto out_mem;
	if (!g)
		err = kvm_create_irqchip(&vm->kvm, eb);
	else if (g->user_msr)
		/* optional: without it the guest skips the step */
		kvm_enable_user_msr(&vm->kvm, NULL);
	if (err)
		goto out_mem;
	err = vm_setup_buses(vm, eb);
	if (!err && (!g || cfg->nr_disks))
		err = vm_virtio_setup(vm, eb);
	if (err)
		goto out_devices;
	err = g ? vm_load_teaching(vm, g, eb) :
		  vm_load_linux(vm, &bl, &kernel_buf, &initrd_buf, eb);
	/* the images now live in guest RAM */
	free(kernel_buf);
	free(initrd_buf);
	/*
	 * Give the freed buffers back to the kernel: glibc keeps large freed
	 * heap chunks resident, which would count as VMM overhead for the
	 * whole life of the VM (~10 MiB for a distribution kernel).
	 */
	malloc_trim(0);
	if (err)
		goto out_vcpus;
	err = vm_create_vcpus(vm, g, &bl, eb);
	if (err)
		goto out_vcpus;

	vm->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->event_fd < 0) {
		err = errbuf_errno(eb, errno, "eventfd");
		goto out_vcpus;
	}
	/* signals reach the main thread only, through a signalfd */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	sig_fd = signalfd(-1, &block, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0) {
		err = errbuf_errno(eb, errno, "signalfd");
		goto out_sigmask;
	}
	/*
	 * Every thread exists before the filter (clone is not allowed after
	 * it); they wait at the gate until it is installed.  If one cannot be
	 * started, or the filter fails, the gate opens on a stopped VM: the
	 * started threads end without entering the guest and are joined.
	 */
	for (i = 0; i < vm->nr_vcpus && !err; i++)
		err = vcpu_start(&vm->vcpus[i], eb);
	if (!err && !cfg->console_write && cfg->console_out >= 0)
		err = console_out_start(&vm->console, eb);
	if (!err)
		err = vm_virtio_start(vm, eb);
	if (!err && cfg->seccomp) {
		err = vmm_seccomp_install(eb);
		res->seccomp = !err;
	}
	if (err)
		vm_stop(vm, VMM_STOP_ERROR, 0);
	pthread_mutex_lock(&vm->lock);
	vm->gate_open = true;
	pthread_cond_broadcast(&vm->gate);
	pthread_mutex_unlock(&vm->lock);
	if (!err)
		vm_wait(vm, sig_fd);

	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	vm_virtio_stop(vm);
	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_join(&vm->vcpus[i]);
	/* the guest is gone: what it wrote goes out, unless nobody reads */
	console_out_stop(&vm->console, CONSOLE_OUT_GRACE_MS);
	vm_collect(vm);
	vm_virtio_collect(vm);
	if (!err && res->stop == VMM_STOP_ERROR) {
		if (res->error_errno)
			err = errbuf_errno(eb, res->error_errno, "KVM_RUN");
		else
			err = errbuf_set(
				eb, EIO,
				"KVM stopped the guest: exit %s, detail 0x%llx",
				kvm_run_exit_name(res->error_exit) ?: "?",
				(unsigned long long)res->error_data);
	}
	close(sig_fd);
out_sigmask:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(vm->event_fd);
out_vcpus:
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].vm)
			vcpu_destroy(&vm->vcpus[i]);
out_devices:
	vm_virtio_destroy(vm);
	serial_destroy(&vm->serial);
	console_out_destroy(&vm->console);
out_mem:
	guest_mem_free(&vm->mem);
out_kvm:
	kvm_close(&vm->kvm);
out_free:
	pthread_cond_destroy(&vm->gate);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
	return err;
}
