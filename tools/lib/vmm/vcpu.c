// SPDX-License-Identifier: GPL-2.0
/*
 * One thread per vCPU, named isolens-vcpuN so that tracers (and top -H)
 * can tell them apart.  Each loops on KVM_RUN: the ioctl returns whenever
 * the guest did something KVM leaves to userspace, described in the
 * shared kvm_run page; we handle it and go back in.
 */
#include <asm/processor-flags.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/guests.h"
#include "vmm/ports.h"
#include "vmm/vm.h"

static __thread struct vcpu *vcpu_self;

void vcpu_note(const char *note)
{
	if (vcpu_self && vcpu_self->cur && !vcpu_self->cur->note)
		vcpu_self->cur->note = note;
}

int vcpu_create(struct vm *vm, struct vcpu *v, unsigned int id,
		struct errbuf *eb)
{
	void *run;

	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->id = id;
	v->exits.fd = -1;
	v->fd = ioctl(vm->kvm.vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		return errbuf_errno(eb, errno, "KVM_CREATE_VCPU %u", id);
	run = mmap(NULL, vm->kvm.run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   v->fd, 0);
	if (run == MAP_FAILED) {
		int err = errbuf_errno(eb, errno, "mmap of vCPU %u's kvm_run",
				       id);

		close(v->fd);
		v->fd = -1;
		return err;
	}
	v->run = run;
	kvm_stat_open(&v->exits, v->fd, "exits");
	v->first_exits = v->last_exits = kvm_stat_read(&v->exits);
	return 0;
}

void vcpu_destroy(struct vcpu *v)
{
	kvm_stat_close(&v->exits);
	if (v->run)
		munmap(v->run, v->vm->kvm.run_size);
	if (v->fd >= 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
}

static void msr_exit(struct vcpu *v, struct vmm_exit *ex)
{
	struct kvm_run *run = v->run;
	bool write = run->exit_reason == KVM_EXIT_X86_WRMSR;

	ex->addr = run->msr.index;
	ex->is_write = write;
	ex->size = 8;
	ex->count = 1;
	if (!write && run->msr.index == GUEST_MSR) {
		run->msr.data = GUEST_MSR_VALUE;
		run->msr.error = 0;
		ex->handler = "VMM MSR handler";
	} else {
		/* anything else the hardware would refuse: #GP */
		__atomic_fetch_add(&v->vm->res->msr_unknown, 1,
				   __ATOMIC_RELAXED);
		if (!write)
			run->msr.data = 0;
		run->msr.error = 1;
		ex->handler = "unknown MSR: #GP injected";
	}
	ex->data = run->msr.data;
}

/* Returns true when the vCPU must stop. */
static bool vcpu_handle_exit(struct vcpu *v, struct vmm_exit *ex)
{
	struct vm *vm = v->vm;
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		port_exit_handle(&vm->ports, run, vm->kvm.run_size, ex);
		break;
	case KVM_EXIT_MMIO:
		mmio_exit_handle(&vm->mmio, run, ex);
		break;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		msr_exit(v, ex);
		break;
	case KVM_EXIT_HLT:
		/* only without the in-kernel irqchip: nothing can wake us */
		ex->handler = "VMM";
		vm_stop(vm, VMM_STOP_HLT, 0);
		break;
	case KVM_EXIT_SHUTDOWN:
		ex->handler = "VMM";
		vm_stop(vm, VMM_STOP_SHUTDOWN, 0);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		ex->handler = "VMM";
		ex->data = run->system_event.type;
		vm_stop(vm, VMM_STOP_RESET, 0);
		break;
	case KVM_EXIT_INTR:
		ex->handler = "VMM (signal: kicked out of KVM_RUN)";
		break;
	case KVM_EXIT_FAIL_ENTRY:
		ex->handler = "VMM";
		ex->data = run->fail_entry.hardware_entry_failure_reason;
		vm_stop(vm, VMM_STOP_ERROR, 0);
		vcpu_note("stop: KVM could not enter the guest");
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		ex->handler = "VMM";
		ex->data = run->internal.suberror;
		vm_stop(vm, VMM_STOP_ERROR, 0);
		vcpu_note("stop: KVM internal error (emulation failed?)");
		break;
	default:
		ex->handler = "VMM: unexpected exit";
		vm_stop(vm, VMM_STOP_ERROR, 0);
		break;
	}
	return __atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE);
}

static void vcpu_report(struct vcpu *v, struct vmm_exit *ex)
{
	struct vm *vm = v->vm;

	pthread_mutex_lock(&vm->lock);
	ex->seq = ++vm->seq;
	if (vm->stopping && !ex->note)
		ex->note = vmm_stop_name(vm->res->stop);
	vm->cfg->explain(vm->cfg->explain_ctx, ex);
	pthread_mutex_unlock(&vm->lock);
}

/*
 * With the in-kernel irqchip KVM handles HLT itself, so a guest that halted
 * for good (Linux's halt or power-off without ACPI: every CPU in HLT with
 * interrupts off) would sleep in KVM_RUN forever.  When the guest has been
 * quiet for a while, the main thread asks (a new vm->probe_gen, then a
 * kick); each vCPU answers with its state, and the last answer decides.
 * An AP the guest never started (INIT/SIPI) cannot run either.
 */
static void vcpu_answer_probe(struct vcpu *v, unsigned int gen)
{
	struct vm *vm = v->vm;
	struct kvm_mp_state mp;
	struct kvm_regs regs;
	unsigned int n = vm->nr_vcpus, answers;
	bool halted = false;

	if (!ioctl(v->fd, KVM_GET_MP_STATE, &mp)) {
		if (mp.mp_state == KVM_MP_STATE_UNINITIALIZED ||
		    mp.mp_state == KVM_MP_STATE_INIT_RECEIVED)
			halted = v->id != 0;
		else if (mp.mp_state == KVM_MP_STATE_HALTED &&
			 !ioctl(v->fd, KVM_GET_REGS, &regs))
			halted = !(regs.rflags & X86_EFLAGS_IF);
	}
	v->probe_seen = gen;
	if (halted)
		__atomic_add_fetch(&vm->probe_halted, 1, __ATOMIC_SEQ_CST);
	answers = __atomic_add_fetch(&vm->probe_answers, 1, __ATOMIC_SEQ_CST);
	if (answers == n &&
	    __atomic_load_n(&vm->probe_halted, __ATOMIC_SEQ_CST) == n)
		vm_stop(vm, VMM_STOP_HLT, 0);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	bool explain = vm->cfg->explain != NULL;

	vcpu_self = v;
	pthread_mutex_lock(&vm->lock);
	while (!vm->gate_open)
		pthread_cond_wait(&vm->gate, &vm->lock);
	pthread_mutex_unlock(&vm->lock);
	while (!__atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE)) {
		struct vmm_exit ex = { .vcpu = v->id, .kernel_exits = -1 };
		unsigned int gen;
		bool stop;

		gen = __atomic_load_n(&vm->probe_gen, __ATOMIC_SEQ_CST);
		if (gen != v->probe_seen) {
			vcpu_answer_probe(v, gen);
			continue; /* re-check stopping */
		}
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				/* before the checks above: see vcpu_kick() */
				__atomic_store_n(&v->run->immediate_exit, 0,
						 __ATOMIC_SEQ_CST);
				continue; /* kicked: re-check stopping */
			}
			vm->res->error_errno = errno;
			vm_stop(vm, VMM_STOP_ERROR, 0);
			break;
		}
		__atomic_add_fetch(&v->user_exits, 1, __ATOMIC_RELAXED);
		if (v->run->exit_reason < VMM_NR_REASONS)
			__atomic_fetch_add(&vm->res->exits[v->run->exit_reason],
					   1, __ATOMIC_RELAXED);
		ex.reason = v->run->exit_reason;
		if (explain) {
			int64_t now = kvm_stat_read(&v->exits);

			if (now >= 0 && v->last_exits >= 0)
				ex.kernel_exits = now - v->last_exits - 1;
			v->last_exits = now;
		}
		v->cur = &ex;
		stop = vcpu_handle_exit(v, &ex);
		v->cur = NULL;
		if (stop && vm->res->stop == VMM_STOP_ERROR &&
		    !vm->res->error_exit) {
			vm->res->error_exit = ex.reason;
			vm->res->error_data = ex.data;
		}
		if (explain)
			vcpu_report(v, &ex);
		if (stop)
			break;
	}
	return NULL;
}

static void vm_kick_handler(int sig)
{
	(void)sig;
}

void vm_kick_init(void)
{
	struct sigaction sa = { .sa_handler = vm_kick_handler };

	/* no SA_RESTART: the signal must interrupt KVM_RUN and write() */
	sigemptyset(&sa.sa_mask);
	sigaction(VM_KICK_SIGNAL, &sa, NULL);
}

int vcpu_start(struct vcpu *v, struct errbuf *eb)
{
	char name[16];
	int err;

	vm_kick_init();
	err = pthread_create(&v->thread, NULL, vcpu_thread, v);
	if (err)
		return errbuf_errno(eb, err, "cannot start vCPU thread %u",
				    v->id);
	snprintf(name, sizeof(name), "isolens-vcpu%u", v->id);
	pthread_setname_np(v->thread, name);
	v->started = true;
	return 0;
}

void vcpu_kick(struct vcpu *v)
{
	if (!v->started)
		return;
	/*
	 * immediate_exit covers the window before the thread enters KVM_RUN;
	 * the caller's flag (stopping, probe_gen) is stored before it, and
	 * the thread clears it before reading the flags, so one of the two
	 * always reaches the thread.
	 */
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(v->thread, VM_KICK_SIGNAL);
}

void vcpu_join(struct vcpu *v)
{
	if (!v->started)
		return;
	pthread_join(v->thread, NULL);
	v->started = false;
}
