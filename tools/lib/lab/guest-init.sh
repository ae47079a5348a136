#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# The lab VM's init, embedded in the isolens binary and put at /init of the
# lab initramfs.
#
# Stage 1 (pid 1 in the initramfs): load the 9p modules, mount the host's
# root read-only, then switch_root into it.  The guest needs a real root:
# pivot_root, which every container runtime uses, fails with EINVAL when "/"
# is the initramfs, and a chroot would make the kernel refuse new user
# namespaces.
#
# Stage 2 (pid 1 in the host's root): writable tmpfs where tools write,
# the pseudo filesystems tracing and containers need, KVM, then the command.
# The host talks to us through the "isolensctl" 9p share: env (settings),
# cmd (the command as a shell script); we answer with "status".

B=/run/isolens/busybox
[ -x $B ] || B=/bin/busybox
CTL=/run/isolens/ctl

# Tell the host through the control share when it is mounted (the host
# prints it as its own one-line error), else on the console.
fail() {
	if [ -d $CTL ] && echo "guest: $*" > $CTL/error 2>/dev/null; then
		[ -n "${ISOLENS_END:-}" ] && printf '%s' "$ISOLENS_END"
	else
		echo "isolens lab (guest): $*" >&2
	fi
	$B sync
	$B poweroff -f
}

stage1() {
	$B mount -t proc proc /proc
	$B mount -t sysfs sysfs /sys
	$B mount -t devtmpfs devtmpfs /dev
	for m in $($B cat /lib/isolens/modules.load); do
		$B insmod /lib/isolens/modules/$m.ko || fail "cannot insert module $m"
	done
	$B mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose \
		hostroot /newroot || fail "cannot mount the host root over 9p"
	$B mount -t tmpfs -o mode=0755 tmpfs /newroot/run || fail "cannot mount /run"
	$B mkdir -p /newroot$CTL
	$B mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 \
		isolensctl /newroot$CTL || fail "cannot mount the control share"
	$B cp /bin/busybox /newroot/run/isolens/busybox
	$B cp /init /bin/kvm-hold /newroot/run/isolens/
	for fs in dev proc sys; do
		$B mount --move /$fs /newroot/$fs || fail "cannot move /$fs"
	done
	exec $B switch_root /newroot /run/isolens/busybox sh /run/isolens/init stage2
	fail "switch_root failed"
}

# mount_opt TYPE DIR [OPTIONS]: a mount that is useful but not essential.
mount_opt() {
	[ -d "$2" ] && $B mount -t "$1" ${3:+-o "$3"} "$1" "$2" 2>/dev/null
}

stage2() {
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export HOME=/root
	. $CTL/env || fail "no settings in the control share"

	# The host root is read-only: give tools the writable places they expect,
	# keeping the kernels deps.sh unpacked for tests (read-only, where the
	# host has them).
	kernels=/var/cache/isolens/kernels
	if [ -d $kernels ]; then
		$B mkdir -p /run/isolens/kernels
		$B mount --bind $kernels /run/isolens/kernels
	fi
	for d in /tmp /var/tmp /root /var/cache /var/lib /var/log; do
		$B mount -t tmpfs -o mode=0755 tmpfs $d 2>/dev/null
	done
	if [ -d /run/isolens/kernels ]; then
		$B mkdir -p $kernels
		$B mount --move /run/isolens/kernels $kernels
	fi
	$B chmod 1777 /tmp /var/tmp
	$B mkdir -p /dev/shm /dev/pts /run/lock
	$B mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	$B mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
	$B ln -sf /proc/self/fd /dev/fd
	$B ln -sf /proc/self/fd/0 /dev/stdin
	$B ln -sf /proc/self/fd/1 /dev/stdout
	$B ln -sf /proc/self/fd/2 /dev/stderr

	# Pure cgroup v2, with the controllers containers limit enabled for children.
	$B mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || fail "cannot mount cgroup2"
	for c in cpu cpuset io memory pids; do
		echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	done
	mount_opt tracefs /sys/kernel/tracing
	mount_opt debugfs /sys/kernel/debug
	mount_opt bpf /sys/fs/bpf mode=0700
	$B hostname isolens-lab

	if $B grep -qw svm /proc/cpuinfo; then
		modprobe kvm_amd 2>/dev/null || $B modprobe kvm_amd
	elif $B grep -qw vmx /proc/cpuinfo; then
		modprobe kvm_intel 2>/dev/null || $B modprobe kvm_intel
	fi
	# one VM open for good, so VM churn never live-patches the scheduler
	# (see kvm-hold.c: under TCG that can hang the lab VM); it returns
	# once its VM exists, and a child of it holds the VM
	[ -c /dev/kvm ] && /run/isolens/kvm-hold < /dev/null
	# Under TCG the kernel came up on one CPU (maxcpus=1), so that module
	# loads and that first flip patched code no other CPU was running:
	# bring the others up now.
	for f in /sys/devices/system/cpu/cpu[0-9]*/online; do
		[ -e "$f" ] && [ "$($B cat "$f")" = 0 ] && echo 1 > "$f"
	done

	if [ -n "$ISOLENS_WORK" ]; then
		# under /tmp or /run it exists only after we create it on the tmpfs
		$B mkdir -p "$ISOLENS_WORK" 2>/dev/null
		$B mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 \
			isolenswork "$ISOLENS_WORK" || fail "cannot mount $ISOLENS_WORK read-write"
	fi
	cd "${ISOLENS_WORK:-/}" || cd /
	# the labs and the docs say "isolens": the one built in this tree
	[ -x "$PWD/tools/isolens/isolens" ] && export PATH="$PWD/tools/isolens:$PATH"
	if [ -n "$ISOLENS_CD" ]; then
		cd "$ISOLENS_CD" 2>/dev/null || fail "no directory $ISOLENS_CD in $PWD"
	fi

	echo "$($B cut -d' ' -f1 /proc/uptime)" > $CTL/started
	if [ "$ISOLENS_MODE" = shell ]; then
		# a shell may be prepared first (make lab runs the lab's prepare.sh)
		[ -s $CTL/cmd ] && $B sh $CTL/cmd < /dev/null
		echo "isolens lab: $(uname -r) guest, root shell in $PWD; 'exit' or Ctrl-D powers off"
		$B setsid $B cttyhack sh -c 'if command -v bash >/dev/null; then exec bash -l; else exec /run/isolens/busybox sh -l; fi'
		status=$?
	else
		# Raw output: no \n -> \r\n translation on the serial console.
		$B stty -onlcr 2>/dev/null
		$B sh $CTL/cmd < /dev/null
		status=$?
		# the host relays the console up to this marker: after it comes
		# only shutdown noise
		printf '%s' "$ISOLENS_END"
	fi
	echo $status > $CTL/status
	$B sync
	$B poweroff -f
}

case "$1" in
stage2) stage2 ;;
*) stage1 ;;
esac
