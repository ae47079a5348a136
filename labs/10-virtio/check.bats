#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# Lab 10 checker: runs the student's doorbells.sh once (two Linux boots in
# an isolens micro-VM, each writing 16 MiB to a virtio-blk disk, with and
# without eventfds, traced), recomputes every number from the stats and
# trace summaries it kept (the trace and the VMM's own counters must agree,
# so both describe one real run), and checks the answers against those
# measurements.  It boots no VM of its own: the suite grades every lab
# twice, and each boot costs half a minute there.
# make lab-check N=10 (in the lab VM: Linux boots there on nested SVM).

bats_require_minimum_version 1.5.0
load ../lib

MIB=16
MODES="eventfd no-eventfd"

setup_file() {
	export RUN_DIR=$BATS_FILE_TMPDIR
	[ -c /dev/kvm ] && [ "$(id -u)" -eq 0 ] || return 0
	DOORBELLS_DIR=$RUN_DIR/db ISOLENS=$ISOLENS \
		timeout 900 sh "$SUB/doorbells.sh" $MIB >"$RUN_DIR/out" 2>"$RUN_DIR/err"
	echo $? >"$RUN_DIR/status"
}

setup() {
	require_lab_vm
	[ -c /dev/kvm ] || skip "no /dev/kvm here: run it in the lab VM (make lab-check N=10)"
	DB=$RUN_DIR/db
}

value() { # value MODE KEY, or value KEY: the number doorbells.sh printed
	if [ $# -eq 2 ]; then
		awk -v m="$1" -v k="$2" '$1 == m && $2 == k && NF == 3 { print $3 }' "$RUN_DIR/out"
	else
		awk -v k="$1" '$1 == k && NF == 2 { print $2 }' "$RUN_DIR/out"
	fi
}

stats() { # stats MODE FILTER: from that run's kept --stats=json line
	jq -r "$2" "$DB/$1.stats.json"
}

trace() { # trace MODE FILTER: from that run's kept trace summary
	jq -r ".summary | $2" "$DB/$1.trace.json"
}

own() { # own FILTER: the reference run, the student's --no-eventfd one
	jq -r "$1" "$DB/no-eventfd.stats.json"
}

# MMIO exits neither a doorbell nor an interrupt made: the device's probe
# and setup, which every run makes alike
setup_mmio() { # setup_mmio MMIO DOORBELLS_AS_EXITS IRQS
	echo $(($1 - $2 - 2 * $3))
}

# near A B: A within max(TOL_ABS, TOL_PCT% of B) of B
near() {
	local a=$1 b=$2 abs=${3:-4} pct=${4:-25} tol d
	tol=$((b * pct / 100))
	[ "$tol" -ge "$abs" ] || tol=$abs
	d=$((a - b))
	[ "${d#-}" -le "$tol" ]
}

require_runs() {
	local m
	for m in $MODES; do
		[ -s "$DB/$m.stats.json" ] || fail "no --stats=json line kept in \$DOORBELLS_DIR/$m.stats.json: $(tail -n 3 "$RUN_DIR/err")"
		[ -s "$DB/$m.trace.json" ] || fail "no trace summary kept in \$DOORBELLS_DIR/$m.trace.json: $(tail -n 3 "$RUN_DIR/err")"
	done
}

require_own() {
	[ -s "$DB/no-eventfd.stats.json" ] || fail "the no-eventfd run kept no --stats=json line"
}

@test "doorbells.sh boots both VMs, writes ${MIB} MiB and keeps stats and trace (TODO 1)" {
	local m
	assert_equal "$(cat "$RUN_DIR/status")" 0
	require_runs
	for m in $MODES; do
		assert_equal "$(stats $m .stop)/$(stats $m .status)" status/0
		assert_equal "$(stats $m '.disks | length')" 1
		[ "$(stats $m '.disks[0].written_bytes')" -ge $((MIB << 20)) ] ||
			fail "$m: the guest wrote $(stats $m '.disks[0].written_bytes') bytes to the disk, not ${MIB} MiB"
		[ "$(stats $m '.disks[0].flushes')" -ge 1 ] || fail "$m: no FLUSH: was the write fsync'ed (conv=fsync)?"
		assert_equal "$(stats $m '.disks[0].errors')" 0
		# counted, not streamed, and nothing lost
		assert_equal "$(trace $m '.drops')" 0
		[ "$(trace $m '.by_kind.kvm_exit')" -gt 1000 ] || fail "$m: the trace saw no boot's worth of kvm_exit"
		# the trace and the VMM's counters saw the same VM
		assert_equal "$(trace $m '[.to_vmm[].MMIO // 0] | add // 0')" \
			"$(stats $m '.userspace_exits.by_reason.MMIO // 0')"
		near "$(($(trace $m .by_kind.kvm_exit) - $(stats $m .userspace_exits.total)))" \
			"$(stats $m .kernel_exits)" 10 1 ||
			fail "$m: the trace's kvm_exit minus the VMM's exits is not the VMM's kernel_exits: not one run?"
	done
}

@test "the eventfd run used eventfds and the no-eventfd run --no-eventfd (TODO 1)" {
	local b_own
	require_runs
	require_own
	b_own=$(setup_mmio "$(own '.userspace_exits.by_reason.MMIO')" \
		"$(own '.disks[0].notifies')" "$(own '.disks[0].irqs')")
	# b_own: the setup's MMIO exits, from the no-eventfd run, where each
	# doorbell was one more MMIO exit to the VMM; with eventfds, none was
	# (extra_mmio's test checks the no-eventfd run really had them)
	near "$(setup_mmio "$(stats eventfd '.userspace_exits.by_reason.MMIO')" 0 \
		"$(stats eventfd '.disks[0].irqs')")" \
		"$b_own" 6 10 || fail "eventfd: its MMIO exits are not setup + 2 per interrupt: was it run with eventfds (no --no-eventfd)?"
	# the same writes both ways: requests do not depend on the doorbell path
	near "$(stats eventfd '.disks[0].requests')" "$(stats no-eventfd '.disks[0].requests')" ||
		fail "the two runs made $(stats eventfd '.disks[0].requests') and $(stats no-eventfd '.disks[0].requests') requests: not the same writes?"
}

@test "the counters printed match the stats and the trace kept (TODO 2, 3)" {
	local m
	require_runs
	for m in $MODES; do
		assert_equal "$(value $m requests)" "$(stats $m '.disks[0].requests')"
		assert_equal "$(value $m doorbells)" "$(stats $m '.disks[0].notifies')"
		assert_equal "$(value $m irqs)" "$(stats $m '.disks[0].irqs')"
		assert_equal "$(value $m vmm_mmio)" "$(stats $m '.userspace_exits.by_reason.MMIO // 0')"
		assert_equal "$(value $m trace_mmio)" "$(trace $m '[.to_vmm[].MMIO // 0] | add // 0')"
		assert_equal "$(value $m npf)" "$(trace $m '[.exits[].npf // 0] | add // 0')"
	done
	# the fixed format: one line per counter and mode, in this order, then extra_mmio
	run awk '{ print $1 " " $2 }' "$RUN_DIR/out"
	assert_output "eventfd requests
eventfd doorbells
eventfd irqs
eventfd vmm_mmio
eventfd trace_mmio
eventfd npf
no-eventfd requests
no-eventfd doorbells
no-eventfd irqs
no-eventfd vmm_mmio
no-eventfd trace_mmio
no-eventfd npf
extra_mmio $(value extra_mmio)"
}

@test "extra_mmio: without eventfds the VMM saw at least one more MMIO exit per doorbell (TODO 4)" {
	local extra
	require_runs
	extra=$(($(stats no-eventfd '.userspace_exits.by_reason.MMIO // 0') -
		$(stats eventfd '.userspace_exits.by_reason.MMIO // 0')))
	assert_equal "$(value extra_mmio)" "$extra"
	[ "$extra" -ge "$(stats no-eventfd '.disks[0].notifies')" ] ||
		fail "extra_mmio $extra is fewer than the $(stats no-eventfd '.disks[0].notifies') doorbells without eventfds"
	# and EVENT_IDX: with the I/O thread serving the queue, fewer doorbells than requests
	[ "$(stats eventfd '.disks[0].notifies')" -lt "$(stats eventfd '.disks[0].requests')" ]
}

@test "answers: who handles a doorbell and an interrupt, from these runs" {
	local npf_ev npf_noev
	require_answered doorbell_exit eventfd_doorbell_handled_by \
		no_eventfd_doorbell_handled_by eventfd_interrupt no_eventfd_interrupt \
		mmio_per_irq setup_mmio
	require_runs
	require_own
	# the doorbell is an npf exit either way: nearly the same count
	npf_ev=$(trace eventfd '[.exits[].npf // 0] | add // 0')
	npf_noev=$(trace no-eventfd '[.exits[].npf // 0] | add // 0')
	near "$npf_ev" "$npf_noev" 100 20 || fail "npf exits differ a lot: $npf_ev and $npf_noev"
	assert_answer doorbell_exit npf
	assert_answer eventfd_doorbell_handled_by kernel kvm "the kernel" ioeventfd
	assert_answer no_eventfd_doorbell_handled_by vmm "the vmm" "isolens vm"
	assert_answer eventfd_interrupt irqfd kvm_irqfd
	assert_answer no_eventfd_interrupt kvm_irq_line irq_line
	assert_answer mmio_per_irq 2
	# the setup's MMIO exits, as the no-eventfd run's counters give them
	local got want
	got=$(answer setup_mmio)
	want=$(setup_mmio "$(own '.userspace_exits.by_reason.MMIO')" \
		"$(own '.disks[0].notifies')" "$(own '.disks[0].irqs')")
	[[ "$got" =~ ^[0-9]+$ ]] || fail "answers.txt: setup_mmio should be a number, not '$got'"
	near "$got" "$want" 6 10 || fail "answers.txt: setup_mmio = $got, but the no-eventfd run's counters give $want"
}

@test "answers: why EVENT_IDX rings fewer doorbells than requests, and fewer interrupts" {
	local a
	require_answered why_fewer_doorbells why_fewer_irqs
	a=$(answer why_fewer_doorbells)
	[[ "$a" == *avail_event* || "$a" == *"avail event"* ]] ||
		fail "why_fewer_doorbells: which field of the used ring does the driver compare its avail index with? ($a)"
	[[ "$a" =~ busy|thread|blk0|still|while|meanwhile|concurrent|parallel ]] ||
		fail "why_fewer_doorbells: why is no doorbell needed while the device works? ($a)"
	a=$(answer why_fewer_irqs)
	[[ "$a" == *used_event* || "$a" == *"used event"* ]] ||
		fail "why_fewer_irqs: which field of the available ring does the device compare its used index with? ($a)"
}
