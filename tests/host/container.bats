#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# isolens container on the host kernel: namespaces, mounts, privilege,
# lifecycle, networking, bad input and leaks.  cgroup-v2 limits are in
# tests/vm/container.bats (this host's cgroups are hybrid).

load ../common
bats_require_minimum_version 1.5.0

NSKINDS="mnt uts ipc net pid cgroup time"

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	# world-traversable: container root under --userns is a host uid from
	# the isolens pool (docs/containers.md, step 6), not the caller
	CT_DIR=$(mktemp -d /tmp/isolens-ct.XXXXXX)
	chmod 755 "$CT_DIR"
	"$ISOLENS" container rootfs "$CT_DIR/rootfs" >/dev/null
	cp "$TOP/tests/helpers/container_syscalls" "$CT_DIR/rootfs/bin/"
	export CT_DIR RF="$CT_DIR/rootfs"
}

teardown_file() {
	[ -n "${CT_DIR:-}" ] && rm -rf "$CT_DIR"
	return 0
}

setup() {
	require_root
	[ -x "$TOP/tests/helpers/container_syscalls" ] ||
		fail "tests/helpers/container_syscalls is not built (make tests)"
}

teardown() {
	local n
	# a failed id-range test must not leave its containers running
	for n in ct-ida ct-idb ct-subid; do
		[ -e "/run/isolens/containers/$n.json" ] &&
			"$ISOLENS" container kill "$n" KILL 2>/dev/null || true
	done
	restore_subid
}

# The id-range tests rewrite /etc/subuid and /etc/subgid: keep the host's.
backup_subid() {
	local f
	for f in subuid subgid; do
		if [ -e /etc/$f ]; then
			cp -a /etc/$f "$BATS_TEST_TMPDIR/$f.orig"
		else
			: > "$BATS_TEST_TMPDIR/$f.absent"
		fi
	done
	SUBID_SAVED=1
}

restore_subid() {
	local f
	[ -n "${SUBID_SAVED:-}" ] || return 0
	for f in subuid subgid; do
		if [ -e "$BATS_TEST_TMPDIR/$f.orig" ]; then
			cp -a "$BATS_TEST_TMPDIR/$f.orig" /etc/$f
		elif [ -e "$BATS_TEST_TMPDIR/$f.absent" ]; then
			rm -f /etc/$f
		fi
	done
	SUBID_SAVED=
}

# map_base PID FILE: the host id behind container id 0 in /proc/PID/FILE
map_base() { awk '$1 == 0 {print $2}' "/proc/$1/$2"; }

crun_() { "$ISOLENS" container run --rootfs "$RF" "$@"; }

# host_ns KIND: this shell's namespace inode
host_ns() { stat -L -c %i "/proc/self/ns/$1"; }

@test "every namespace is new: /proc/self/ns inodes differ from the host's" {
	run crun_ -- sh -c 'for n in '"$NSKINDS"' user; do echo "$n $(stat -L -c %i /proc/self/ns/$n)"; done'
	assert_success
	for n in $NSKINDS; do
		inside=$(echo "$output" | awk -v n=$n '$1 == n {print $2}')
		[ -n "$inside" ] || fail "no inode for $n"
		[ "$inside" != "$(host_ns $n)" ] || fail "$n namespace is the host's ($inside)"
	done
	# no --userns as root: the user namespace is the host's
	assert_line "user $(host_ns user)"
}

@test "--userns adds a user namespace with container root mapped to a range of the built-in pool" {
	backup_subid
	rm -f /etc/subuid /etc/subgid
	run crun_ --userns -- sh -c 'stat -L -c %i /proc/self/ns/user; cat /proc/self/uid_map; id -u; cat /proc/self/gid_map'
	assert_success
	[ "${lines[0]}" != "$(host_ns user)" ] || fail "user namespace is the host's"
	assert_line --index 2 0
	# 65536 ids from the pool at 1879048192 (1024 ranges), never useradd's 100000
	base=$(echo "${lines[1]}" | awk '{print $2}')
	assert_equal "$(echo "${lines[1]}" | awk '{print $1, $3}')" "0 65536"
	[ "$base" -ge 1879048192 ] && [ "$base" -lt $((1879048192 + 1023 * 65536 + 1)) ] ||
		fail "uid base $base is outside the built-in pool"
	[ $(((base - 1879048192) % 65536)) -eq 0 ] || fail "uid base $base is not on a 65536 boundary"
	assert_equal "$(echo "${lines[3]}" | awk '{print $1, $3}')" "0 65536"
}

@test "--userns: concurrent containers get disjoint ranges, in the state file and ls; freed at exit" {
	backup_subid
	rm -f /etc/subuid /etc/subgid
	"$ISOLENS" container run --rootfs "$RF" --userns --name ct-ida -- sleep 2 3>&- &
	"$ISOLENS" container run --rootfs "$RF" --userns --name ct-idb -- sleep 60 3>&- &
	pa=$(wait_started ct-ida) || fail "ct-ida did not start"
	pb=$(wait_started ct-idb) || fail "ct-idb did not start"
	a=$(map_base "$pa" uid_map)
	b=$(map_base "$pb" uid_map)
	[ -n "$a" ] && [ -n "$b" ] || fail "no uid_map ($a, $b)"
	[ "$a" != 100000 ] && [ "$b" != 100000 ] || fail "a container got useradd's first range"
	[ $((a > b ? a - b : b - a)) -ge 65536 ] || fail "ranges overlap: $a and $b"
	[ $(($(map_base "$pa" gid_map) - $(map_base "$pb" gid_map))) -ne 0 ] || fail "gid ranges are the same"
	assert_equal "$(jq -r '.uid_base, .id_count' /run/isolens/containers/ct-ida.json | paste -sd' ')" "$a 65536"
	assert_equal "$(jq -r .uid_base /run/isolens/containers/ct-idb.json)" "$b"
	run --separate-stderr "$ISOLENS" container ls --json
	assert_success
	assert_equal "$(echo "$output" | jq -r '.[] | select(.name == "ct-idb") | .uid_base')" "$b"
	run "$ISOLENS" container ls
	assert_line --regexp "^ct-idb +$pb +[0-9]+ +loopback +$b\\+65536 "
	# ct-ida exits: its range is the first free one again
	for i in $(seq 100); do [ -e /run/isolens/containers/ct-ida.json ] || break; sleep 0.1; done
	[ ! -e /run/isolens/containers/ct-ida.json ] || fail "ct-ida did not exit"
	run crun_ --userns -- cat /proc/self/uid_map
	assert_success
	assert_line --regexp "^ +0 +$a +65536$"
	"$ISOLENS" container kill ct-idb KILL
	wait
}

@test "--userns takes its ranges from the isolens lines of /etc/subuid and /etc/subgid; a full pool is 125" {
	backup_subid
	printf '# test\nalice:100000:65536\nisolens:0:65536\nisolens:3000000000:65536\n' > /etc/subuid
	printf 'isolens:3100000000:131072\nisolens:bad\n' > /etc/subgid
	"$ISOLENS" container run --rootfs "$RF" --userns --name ct-subid -- sleep 60 3>&- &
	pid=$(wait_started ct-subid) || fail "ct-subid did not start"
	assert_equal "$(map_base "$pid" uid_map)" 3000000000
	assert_equal "$(map_base "$pid" gid_map)" 3100000000
	# the only uid range is taken
	run --separate-stderr crun_ --userns -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: no free range of 65536 ids for a user namespace: all 65536 ids of the ranges of 'isolens' in /etc/subuid are taken by running containers"
	"$ISOLENS" container kill ct-subid KILL
	wait
	run crun_ --userns -- sh -c 'cat /proc/self/uid_map /proc/self/gid_map'
	assert_success
	assert_line --index 0 --regexp '^ +0 +3000000000 +65536$'
	assert_line --index 1 --regexp '^ +0 +3100000000 +65536$'
}

@test "--share net,uts keeps those two namespaces and only those" {
	run crun_ --share net,uts -- sh -c 'for n in '"$NSKINDS"'; do echo "$n $(stat -L -c %i /proc/self/ns/$n)"; done'
	assert_success
	for n in $NSKINDS; do
		inside=$(echo "$output" | awk -v n=$n '$1 == n {print $2}')
		case $n in
		net|uts) assert_equal "$inside" "$(host_ns $n)" ;;
		*) [ "$inside" != "$(host_ns $n)" ] || fail "$n is shared" ;;
		esac
	done
}

@test "the hostname is isolated" {
	before=$(hostname)
	run crun_ --hostname isolens-box -- hostname
	assert_success
	assert_output isolens-box
	# changing it needs CAP_SYS_ADMIN (not in the default set) ...
	run crun_ -- hostname changed-inside
	assert_failure
	# ... and with it, the change stays in the container's uts namespace
	run crun_ --cap-add SYS_ADMIN -- sh -c 'hostname changed-inside && hostname'
	assert_success
	assert_output changed-inside
	assert_equal "$(hostname)" "$before"
}

@test "CMD is pid 1 and host processes are invisible" {
	run crun_ -- sh -c 'echo $$; ls /proc | grep -cE "^[0-9]+$"; test -e /proc/'"$$"' && echo host-pid-visible; true'
	assert_success
	assert_line --index 0 1
	# sh itself, ls and grep at most
	[ "${lines[1]}" -le 3 ] || fail "${lines[1]} processes visible"
	refute_line host-pid-visible
}

@test "host paths cannot be reached or mounted" {
	marker=/tmp/isolens-host-marker.$$
	touch "$marker"
	run crun_ --cap-add ALL -- sh -c "test -e $marker && echo reachable; test -e /proc/1/root$marker && echo via-proc; cd /../../.. && ls -d $TOP 2>/dev/null; mount -t tmpfs none /mnt 2>&1; mount --bind / /tmp 2>&1; grep -c . /proc/self/mountinfo"
	rm -f "$marker"
	refute_line reachable
	refute_line via-proc
	refute_line "$TOP"
	# mount(2) is denied by seccomp even with every capability
	assert_line "mount: permission denied (are you root?)"
	# the old root is detached: one mount at "/", and no mount point that
	# only makes sense in the host's tree (field 5 is the mount point)
	run crun_ -- awk '$5 == "/" {root++} $5 ~ "^/(tmp/isolens-ct|work|var|run|usr)" {host++} END {print root+0, host+0}' /proc/self/mountinfo
	assert_output "1 0"
}

@test "fresh /proc, minimal /dev, read-only /sys, runc's masked paths" {
	run crun_ -- sh -c 'ls /dev | tr "\n" " "; echo; stat -f -c %T /proc; cat /proc/keys | wc -c; cat /proc/timer_list | wc -c; touch /sys/x 2>&1; echo 1 > /proc/sys/kernel/ns_last_pid 2>&1; ls /sys/firmware | wc -l; echo hi > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c'
	assert_success
	assert_line --index 0 "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero "
	assert_line --index 1 proc
	assert_line --index 2 0
	assert_line --index 3 0
	assert_line --partial "touch: /sys/x: Read-only file system"
	assert_line --partial "ns_last_pid: Read-only file system"
	assert_line --index 6 0
	assert_line null-ok
	assert_line --index 8 4
}

# cgroup dirs, state files and mounts that a refused run must not leave
refusal_snapshot() {
	echo "state $(ls /run/isolens/containers 2>/dev/null | grep -c '^ct-hostile')"
	echo "cgroups $(find /sys/fs/cgroup -path '*isolens/ct-hostile*' -type d 2>/dev/null | wc -l)"
	echo "mounts $(grep -c ct-hostile /proc/self/mountinfo)"
}

@test "a rootfs whose /proc, /dev, /sys, /etc or /tmp is a symlink is refused: 125, one line, nothing left" {
	before=$(refusal_snapshot)
	mounts=$(wc -l < /proc/self/mountinfo)
	for d in proc dev sys etc tmp; do
		hr="$CT_DIR/ct-hostile-$d"
		cp -a "$RF" "$hr"
		rm -rf "${hr:?}/$d"
		ln -s /etc "$hr/$d"
		run --separate-stderr "$ISOLENS" container run --rootfs "$hr" --name ct-hostile-$d -- true
		assert_failure 125
		assert_equal "${#stderr_lines[@]}" 1
		assert_equal "$stderr" "isolens container: rootfs $hr: /$d is a symlink (to /etc): refused"
		# not a directory at all
		rm "$hr/$d"
		touch "$hr/$d"
		run --separate-stderr "$ISOLENS" container run --rootfs "$hr" --name ct-hostile-$d -- true
		assert_failure 125
		assert_equal "$stderr" "isolens container: rootfs $hr: /$d is not a directory: refused"
		rm -rf "$hr"
	done
	assert_equal "$(refusal_snapshot)" "$before"
	assert_equal "$(wc -l < /proc/self/mountinfo)" "$mounts"
}

@test "nodev: the rootfs, /dev, /dev/shm and /tmp are nodev; the bound nodes still work" {
	mknod "$RF/nullnode" c 1 3
	run crun_ -- sh -c 'echo x > /nullnode 2>&1; awk '\''$5 == "/" || $5 == "/dev" || $5 == "/dev/shm" {print $5, $6}'\'' /proc/self/mountinfo; echo x > /dev/null && echo null-ok'
	rm -f "$RF/nullnode"
	assert_success
	# a device node inside the rootfs does not open: EACCES from nodev
	assert_line --partial "/nullnode: Permission denied"
	assert_line --regexp '^/ rw,nosuid,nodev'
	assert_line --regexp '^/dev rw,nosuid,nodev'
	assert_line --regexp '^/dev/shm rw,nosuid,nodev'
	assert_line null-ok
	run "$ISOLENS" container run -- awk '$5 == "/" || $5 == "/tmp" {print $5, $6}' /proc/self/mountinfo
	assert_line --regexp '^/ ro,nosuid,nodev'
	assert_line --regexp '^/tmp rw,nosuid,nodev'
}

@test "device policy: cgroup_device program on the leaf and a v1 devices group while running, gone after" {
	crun_ --name ct-devpol -- sleep 60 3>&- &
	wait_started ct-devpol
	cg=$(jq -r .cgroup /run/isolens/containers/ct-devpol.json)
	pid=$(jq -r .pid /run/isolens/containers/ct-devpol.json)
	[ -n "$cg" ] || fail "no cgroup2 leaf"
	run bpftool cgroup show "$cg"
	assert_line --regexp '^[0-9]+ +cgroup_device +multi +devices_check'
	prog=$(bpftool cgroup show "$cg" | awk '$2 == "cgroup_device" {print $1}')
	v1=
	if [ -e /sys/fs/cgroup/devices/devices.list ]; then
		v1=/sys/fs/cgroup/devices/isolens/ct-devpol
		grep -q ":devices:/isolens/ct-devpol\$" /proc/$pid/cgroup ||
			fail "pid $pid is not in $v1: $(cat /proc/$pid/cgroup)"
		run cat $v1/devices.list
		assert_line "c 1:3 rwm"
		assert_line "c 136:* rwm"
		refute_line "a *:* rwm"
		assert_equal "${#lines[@]}" 16
	fi
	# an exec'd process is held by the same policy (and v1 group)
	run "$ISOLENS" container exec ct-devpol -- sh -c 'grep -c ":devices:/isolens/ct-devpol$" /proc/self/cgroup; mknod /tmp/x c 1 1'
	[ -z "$v1" ] || assert_line --index 0 1
	assert_line "mknod: /tmp/x: Operation not permitted"
	"$ISOLENS" container kill ct-devpol
	wait || true
	[ ! -d "$cg" ] || fail "$cg left behind"
	[ -z "$v1" ] || [ ! -d "$v1" ] || fail "$v1 left behind"
	# freeing the cgroup frees its program (asynchronously)
	for i in $(seq 50); do bpftool prog show id "$prog" >/dev/null 2>&1 || break; sleep 0.1; done
	run bpftool prog show id "$prog"
	assert_failure
}

@test "device policy: allowed nodes open, anything else and every mknod is EPERM, whatever is lifted" {
	for opts in "" "--cap-add ALL --seccomp=unconfined"; do
		run crun_ $opts -- sh -c 'echo x > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c; head -c 4 /dev/urandom | wc -c; true <> /dev/ptmx && echo ptmx-ok; true < /dev/tty; mknod /tmp/x c 1 1; mknod /tmp/y b 7 0; mknod /tmp/z c 1 3 && echo null-mknod-ok; rm -f /tmp/z' </dev/null
		assert_line null-ok
		assert_line --index 1 4
		assert_line --index 2 4
		assert_line ptmx-ok
		# no controlling terminal: the policy let the open through
		assert_line --partial "/dev/tty: No such device or address"
		assert_line "mknod: /tmp/x: Operation not permitted"
		assert_line "mknod: /tmp/y: Operation not permitted"
		# "c 1:3 rwm", as in runc: the allowed nodes may be created
		assert_line null-mknod-ok
	done
	# CAP_MKNOD (27) is in the default set, as in runc: the policy stops it
	run crun_ -- awk '/^CapEff/ {print $2}' /proc/self/status
	(( (0x$output >> 27) & 1 )) || fail "CAP_MKNOD is not in CapEff $output"
	# with the host's /dev (--share mnt) only the allow-list opens
	run "$ISOLENS" container run --share mnt -- sh -c 'true < /dev/kmsg; true < /dev/null && echo null-ok'
	assert_line --partial "/dev/kmsg: Operation not permitted"
	assert_line null-ok
}

@test "the default busybox rootfs is read-only with a writable /tmp" {
	run "$ISOLENS" container run -- sh -c 'touch /etc/x 2>&1; touch /tmp/y && echo tmp-ok'
	assert_success
	assert_line --partial "Read-only file system"
	assert_line tmp-ok
}

@test "CapEff, CapBnd equal the documented default set; no_new_privs; seccomp on" {
	run crun_ -- grep -E '^(CapEff|CapBnd|CapPrm|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status
	assert_success
	assert_line "CapEff:	00000000a80425fb"
	assert_line "CapPrm:	00000000a80425fb"
	assert_line "CapBnd:	00000000a80425fb"
	assert_line "CapAmb:	0000000000000000"
	assert_line "NoNewPrivs:	1"
	assert_line "Seccomp:	2"
}

@test "--cap-add adds to the default set, also in exec'd processes' bounding set" {
	run crun_ --cap-add CAP_SYS_ADMIN,net_admin -- grep CapEff /proc/self/status
	assert_success
	assert_output "CapEff:	00000000a82435fb"
}

@test "fds: only 0 1 2 reach the payload, in run and exec, whatever the runtime opened" {
	# an fd to the host's / walks out of any rootfs (CVE-2024-21626)
	# (a background sleep shows what the payload inherited, without the
	# shell's own short-lived pipe fds)
	exec 7</
	for opts in "" "--net veth" "--userns" "--cap-add ALL --seccomp=unconfined"; do
		run crun_ $opts -- sh -c 'sleep 5 & sleep 0.2; ls /proc/$!/fd | xargs; ls /proc/1/fd/7/ 2>&1 >/dev/null | head -n 1'
		assert_success
		assert_line --index 0 "0 1 2"
		assert_line --index 1 --partial "No such file or directory"
	done
	crun_ --name ct-fds --net veth -- sleep 60 3>&- &
	wait_started ct-fds >/dev/null
	run "$ISOLENS" container exec ct-fds -- sh -c 'sleep 5 & sleep 0.2; ls /proc/$!/fd | xargs'
	assert_success
	assert_output "0 1 2"
	# --preserve-fds N passes 3..3+N-1, and nothing beyond
	run "$ISOLENS" container exec --preserve-fds 1 ct-fds -- sh -c 'sleep 5 & sleep 0.2; ls /proc/$!/fd | xargs' 3</dev/null
	assert_output "0 1 2 3"
	"$ISOLENS" container kill ct-fds
	wait || true
	exec 7<&-
	run crun_ --preserve-fds 2 -- sh -c 'sleep 5 & sleep 0.2; ls /proc/$!/fd | xargs; cat <&4' 3</dev/null 4<<<"from fd 4" 5</
	assert_success
	assert_line --index 0 "0 1 2 3 4"
	assert_line --index 1 "from fd 4"
	run --separate-stderr crun_ --preserve-fds -1 -- true
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 1
}

@test "the payload has a session of its own and no controlling terminal" {
	# under script(1) the runtime has a terminal; the payload must not
	run script -qec "$ISOLENS container run --rootfs $RF -- sh -c 'cut -d\" \" -f6,7 /proc/self/stat; grep NSsid /proc/self/status; cat /dev/tty'" /dev/null
	assert_line --index 0 --regexp '^[0-9]+ 0'
	assert_line --index 1 --regexp '^NSsid:.1'
	assert_line --index 2 --partial "/dev/tty"
	assert_line --index 2 --partial "No such device or address"
}

@test "--tty: the payload's own pty, relayed; the exit status passes through" {
	run script -qec "$ISOLENS container run --rootfs $RF --tty -- sh -c 'tty; test -t 0 && echo stdin-is-a-tty; exit 7'" /dev/null
	assert_failure 7
	# (script's own EOF byte may be echoed first, as ^@)
	assert_line --index 0 --partial "/dev/pts/0"
	assert_line --index 1 --partial "stdin-is-a-tty"
	# without a terminal on our side, stdin is still relayed, EOF included
	run crun_ -t -- cat <<<"through the pty"
	assert_success
	assert_output --partial "through the pty"
	run --separate-stderr crun_ --share mnt -t -- true
	assert_failure 125
	assert_equal "${#stderr_lines[@]}" 1
}

@test "supplementary groups: none of the caller's; exactly --group-add's" {
	run setpriv --groups 4,24 "$ISOLENS" container run --rootfs "$RF" -- grep Groups: /proc/self/status
	assert_success
	assert_output --regexp '^Groups:\s*$'
	run setpriv --groups 4,24 "$ISOLENS" container run --rootfs "$RF" --group-add 10,20 -- grep Groups: /proc/self/status
	assert_output --regexp '^Groups:\s*10 20\s*$'
	run --separate-stderr crun_ --group-add wheel -- true
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 1
}

@test "a runtime killed by SIGKILL takes its --userns container along (pdeathsig after setresuid)" {
	"$ISOLENS" container run --rootfs "$RF" --userns --name ct-pdeath -- sleep 60 3>&- &
	rt=$!
	wait_started ct-pdeath >/dev/null
	pid=$(jq -r .pid /run/isolens/containers/ct-pdeath.json)
	[ "$pid" -gt 0 ]
	kill -9 $rt
	wait $rt || true
	# dead means gone or a zombie waiting for its new parent to reap it
	for i in $(seq 300); do
		st=$(sed 's/.*) //' /proc/$pid/stat 2>/dev/null | cut -c1)
		[ -z "$st" ] || [ "$st" = Z ] && break
		sleep 0.1
	done
	[ -z "$st" ] || [ "$st" = Z ] || fail "container pid $pid still runs (state $st) after its runtime died"
	"$ISOLENS" container rm --force ct-pdeath
}

@test "each seccomp-denied syscall fails with EPERM even with all capabilities" {
	run crun_ --cap-add ALL -- container_syscalls
	assert_success
	assert_equal "${#lines[@]}" 35
	for l in "${lines[@]}"; do
		[ "${l#* }" = EPERM ] || fail "not denied: $l"
	done
}

@test "--seccomp=unconfined: the same calls reach the kernel (no EPERM)" {
	run crun_ --cap-add ALL --seccomp=unconfined -- container_syscalls
	assert_success
	assert_equal "${#lines[@]}" 35
	refute_output --partial EPERM
	run crun_ --cap-add ALL --seccomp=unconfined -- grep Seccomp: /proc/self/status
	assert_output "Seccomp:	0"
}

@test "with its own user namespace the container may mount (filter allows it)" {
	run crun_ --userns --cap-add ALL -- container_syscalls
	assert_success
	assert_line "bpf EPERM"
	assert_line "reboot EPERM"
	assert_line "mount ENOENT"
	assert_line "pivot_root ENOENT"
	assert_line "fsopen ENODEV"
}

@test "argument rules: clone3 ENOSYS, no CLONE_NEWUSER, personality, TIOCSTI, vsock" {
	run crun_ --cap-add ALL -- container_syscalls args
	assert_success
	assert_line "clone3 ENOSYS"
	assert_line "clone OK"
	assert_line "clone_newuser EPERM"
	assert_line "unshare_newuser EPERM"
	assert_line "personality_linux32 OK"
	assert_line "personality_read_implies_exec EPERM"
	# fd -1: an allowed ioctl reaches the kernel, which says EBADF
	assert_line "ioctl_tiocgwinsz EBADF"
	assert_line "ioctl_tiocsti EPERM"
	assert_line "ioctl_tiocsti_high_bits EPERM"
	assert_line "ioctl_tioclinux EPERM"
	assert_line "socket_inet EINVAL"
	assert_line "socket_vsock EPERM"
	run crun_ --seccomp=unconfined -- container_syscalls args
	assert_success
	assert_line "clone3 EINVAL"
	assert_line "clone_newuser OK"
	assert_line "personality_read_implies_exec OK"
	assert_line "ioctl_tiocsti EBADF"
	refute_output --partial EPERM
}

@test "unshare -U: refused by the default filter, allowed unconfined" {
	run crun_ -- unshare -U true
	assert_failure
	assert_output --partial "Operation not permitted"
	run crun_ --seccomp=unconfined -- unshare -U sh -c 'cat /proc/self/uid_map'
	assert_success
}

@test "--seccomp-profile: a profile file replaces the default, in run and exec" {
	cat >"$CT_DIR/deny.json" <<-'EOF'
	{"defaultAction": "SCMP_ACT_ALLOW",
	 "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
	              {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
	EOF
	run crun_ --seccomp-profile "$CT_DIR/deny.json" -- container_syscalls profile
	assert_success
	assert_output "$(printf 'uname ENOSYS\nmkdir EACCES\nmkdirat EACCES\ngetpid OK')"
	# the default profile allows what this one denies, and vice versa
	run crun_ -- container_syscalls profile
	assert_line "uname OK"
	run crun_ --seccomp-profile "$CT_DIR/deny.json" --cap-add ALL -- container_syscalls
	assert_line "bpf EINVAL"
	"$ISOLENS" container run --rootfs "$RF" --name ct-prof -- sleep 60 3>&- &
	wait_started ct-prof >/dev/null
	run "$ISOLENS" container exec --seccomp-profile "$CT_DIR/deny.json" ct-prof -- container_syscalls profile
	assert_line "uname ENOSYS"
	run "$ISOLENS" container exec ct-prof -- container_syscalls profile
	assert_line "uname OK"
	"$ISOLENS" container kill ct-prof
	wait
}

@test "a bad seccomp profile: one line, 125, before anything is created" {
	before=$(ls /run/isolens/containers 2>/dev/null | wc -l)
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_FOO"}]}' \
		>"$CT_DIR/bad.json"
	run --separate-stderr crun_ --name ct-badprof --seccomp-profile "$CT_DIR/bad.json" -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: seccomp profile $CT_DIR/bad.json: syscalls[0].action: unknown action \"SCMP_ACT_FOO\""
	printf '{"defaultAction": ' >"$CT_DIR/bad.json"
	run --separate-stderr crun_ --seccomp-profile "$CT_DIR/bad.json" -- true
	assert_failure 125
	assert_equal "${#stderr_lines[@]}" 1
	run --separate-stderr crun_ --seccomp-profile /nonexistent.json -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: seccomp profile /nonexistent.json: No such file or directory"
	run --separate-stderr crun_ --seccomp-profile "$CT_DIR/bad.json" --seccomp=unconfined -- true
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$(ls /run/isolens/containers 2>/dev/null | wc -l)" "$before"
	[ ! -e /run/isolens/containers/ct-badprof.json ]
}

@test "container seccomp --export: the PFC names the rules; raw BPF is whole instructions" {
	run --separate-stderr "$ISOLENS" container seccomp --export --pfc
	assert_success
	[[ $output == *'default action'*'action ERRNO(1);'* ]] || fail "no default EPERM"
	[[ $output == *'"clone3" (435)'* ]] || fail "no clone3 rule"
	assert_line --partial 'action ERRNO(38);'
	assert_line --partial '$a0.lo32 & 0x10000000 == 0'
	assert_line --partial '$a1.lo32 & 0xffffffff == 21522'
	assert_line --partial 'action KILL_PROCESS;'
	refute_line --partial '"bpf"'
	refute_line --partial '"mount"'
	run "$ISOLENS" container seccomp --export --pfc --userns
	assert_line --partial '"mount"'
	"$ISOLENS" container seccomp --export >"$CT_DIR/f.bpf"
	size=$(stat -c %s "$CT_DIR/f.bpf")
	[ "$size" -gt 800 ] && [ $((size % 8)) -eq 0 ] || fail "raw BPF of $size bytes"
	# binary on a terminal: refused
	run script -qec "$ISOLENS container seccomp --export" /dev/null
	assert_failure 2
	assert_output --partial "not writing binary BPF to a terminal"
	run --separate-stderr "$ISOLENS" container seccomp --pfc
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 1
	run --separate-stderr "$ISOLENS" container seccomp --export --pfc --seccomp-profile "$CT_DIR/nonexistent.json"
	assert_failure 125
	# unknown names are skipped, and counted here
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["uname", "frobnicate", "chown32"], "action": "SCMP_ACT_ERRNO"}]}' \
		>"$CT_DIR/unknown.json"
	run --separate-stderr "$ISOLENS" container seccomp --export --pfc --seccomp-profile "$CT_DIR/unknown.json"
	assert_success
	assert_equal "$stderr" "isolens container: note: seccomp profile $CT_DIR/unknown.json: 1 syscall name unknown to libseccomp, skipped (e.g. \"frobnicate\")"
	assert_line --partial '"uname"'
	refute_line --partial '"chown32"'
}

@test "exit status is propagated; 127 not found; 126 cannot exec" {
	run crun_ -- sh -c 'exit 42'
	assert_failure 42
	run -127 --separate-stderr crun_ -- no-such-command
	assert_failure 127
	assert_equal "$stderr" "isolens container: command not found: no-such-command"
	run -126 --separate-stderr crun_ -- /etc/passwd
	assert_failure 126
	assert_equal "$stderr" "isolens container: cannot execute /etc/passwd: Permission denied"
}

@test "--env, --workdir and default environment" {
	run crun_ --env FOO=bar --env PATH=/bin --workdir /tmp --hostname h1 -- sh -c 'echo "$FOO $PATH $HOSTNAME $HOME $container"; pwd'
	assert_success
	assert_line --index 0 "bar /bin h1 /root isolens"
	assert_line --index 1 /tmp
}

@test "--net=none: loopback stays down; default: loopback up, no other link" {
	run crun_ --net=none -- cat /sys/class/net/lo/flags
	assert_output 0x8
	run crun_ -- sh -c 'cat /sys/class/net/lo/flags; ls /sys/class/net; ping -c1 -W1 127.0.0.1 >/dev/null && echo ping-ok'
	assert_line --index 0 0x9
	assert_line --index 1 lo
	assert_line ping-ok
}

@test "--net=veth: a /30 from netlink, the host end reachable, gone after exit" {
	run crun_ --net=veth -- sh -c 'ip -4 addr show eth0 | grep inet; ip route | grep default; ping -c1 -W2 "$(ip route | awk "/default/ {print \$3}")" >/dev/null && echo ping-ok'
	assert_success
	assert_line --regexp 'inet 10\.201\.[0-9]+\.[0-9]+/30'
	assert_line --regexp '^default via 10\.201\.'
	assert_line ping-ok
	run ip -o link show type veth
	refute_output --partial isl
}

@test "rootless: a non-root user runs with --userns, and without it gets one line, 125" {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	run setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR HOME=/nonexistent \
		"$ISOLENS" container run --rootfs "$RF" -- true
	assert_failure 125
	assert_output "isolens container: not root: a rootless container needs --userns (it maps you to root inside)"
	run setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR HOME=/nonexistent \
		"$ISOLENS" container run --userns --rootfs "$RF" -- sh -c 'id -u; cat /proc/self/uid_map; echo $$; hostname'
	assert_success
	assert_line --index 0 0
	assert_line --regexp '^ +0 +65534 +1$'
	assert_line --index 2 1
	assert_line --index 3 --regexp '^isolens-[0-9]+$'
	run setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR HOME=/nonexistent \
		"$ISOLENS" container run --userns --rootfs "$RF" --pids 10 -- true
	assert_failure 125
	assert_equal "${#lines[@]}" 1
	rm -rf /tmp/isolens-65534
}

@test "rootless: a /tmp/isolens-UID state directory that another user made or can write is refused" {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	nobody() {
		setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR HOME=/nonexistent "$@"
	}
	rm -rf /tmp/isolens-65534
	mkdir -m 0777 /tmp/isolens-65534
	run --separate-stderr nobody "$ISOLENS" container run --userns --rootfs "$RF" -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: state directory /tmp/isolens-65534 is owned by uid 0, not by uid 65534; refusing it"
	chown 65534:65534 /tmp/isolens-65534
	run --separate-stderr nobody "$ISOLENS" container run --userns --rootfs "$RF" -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: state directory /tmp/isolens-65534 is writable by group or others (mode 0777); refusing it"
	rm -rf /tmp/isolens-65534
	ln -s /tmp /tmp/isolens-65534
	run --separate-stderr nobody "$ISOLENS" container run --userns --rootfs "$RF" -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: state directory /tmp/isolens-65534 is a symlink; refusing it"
	rm -f /tmp/isolens-65534
	# made by isolens itself: 0700, and it works
	run nobody "$ISOLENS" container run --userns --rootfs "$RF" -- true
	assert_success
	assert_equal "$(stat -c '%a %u' /tmp/isolens-65534 /tmp/isolens-65534/containers | paste -sd' ')" "700 65534 700 65534"
	rm -rf /tmp/isolens-65534
}

@test "lifecycle: ls, exec through setns(pidfd), kill, rm; name taken is 125" {
	"$ISOLENS" container run --rootfs "$RF" --name ct-life --hostname life -- sleep 60 3>&- &
	wait_started ct-life >/dev/null
	run "$ISOLENS" container ls
	assert_line --regexp '^ct-life +[0-9]+ '
	pid=$(jq -r .pid /run/isolens/containers/ct-life.json)
	assert_equal "$(jq -r .ns_net /run/isolens/containers/ct-life.json)" "$(stat -L -c %i /proc/$pid/ns/net)"
	run "$ISOLENS" container exec ct-life -- sh -c 'hostname; cat /proc/1/cmdline | tr "\0" " "; echo; stat -L -c %i /proc/self/ns/net; grep CapEff /proc/self/status'
	assert_success
	assert_line --index 0 life
	assert_line --index 1 "sleep 60 "
	assert_line --index 2 "$(stat -L -c %i /proc/$pid/ns/net)"
	assert_line --index 3 "CapEff:	00000000a80425fb"
	run "$ISOLENS" container exec ct-life -- sh -c 'exit 3'
	assert_failure 3
	run --separate-stderr "$ISOLENS" container run --rootfs "$RF" --name ct-life -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: name 'ct-life' is already taken (pid $pid)"
	run "$ISOLENS" container rm ct-life
	assert_failure 125
	run "$ISOLENS" container kill ct-life KILL
	assert_success
	wait
	[ ! -e /run/isolens/containers/ct-life.json ] || fail "state left behind"
	run "$ISOLENS" container kill ct-life
	assert_failure 125
	assert_output "isolens container: no container named 'ct-life'"
}

@test "ls finds and cleans the leftovers of a crashed runtime" {
	mkdir -p /run/isolens/containers
	printf '{"name": "ct-ghost", "pid": 999999, "pid_start": 1, "cgroup": "", "veth_host": ""}\n' \
		> /run/isolens/containers/ct-ghost.json
	run "$ISOLENS" container ls
	assert_success
	assert_line "isolens container: note: removed leftovers of 'ct-ghost' (pid 999999 is gone)"
	[ ! -e /run/isolens/containers/ct-ghost.json ]
}

@test "a runtime killed by SIGKILL takes its container along; rm cleans up" {
	"$ISOLENS" container run --rootfs "$RF" --name ct-crash -- sleep 60 3>&- &
	rt=$!
	wait_started ct-crash >/dev/null
	pid=$(jq -r .pid /run/isolens/containers/ct-crash.json)
	kill -9 $rt
	wait $rt || true
	for i in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	run kill -0 $pid
	assert_failure
	run "$ISOLENS" container rm ct-crash
	assert_success
	[ ! -e /run/isolens/containers/ct-crash.json ]
}

@test "bad input: one line, documented code, nothing left behind" {
	before=$(ls /run/isolens/containers 2>/dev/null | wc -l)
	run --separate-stderr "$ISOLENS" container run --rootfs /nonexistent -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: rootfs /nonexistent: No such file or directory"
	run --separate-stderr "$ISOLENS" container run --memory 12Q -- true
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 1
	run --separate-stderr "$ISOLENS" container run --cpus lots -- true
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 1
	run --separate-stderr "$ISOLENS" container run --frobnicate -- true
	assert_failure 2
	assert_equal "$stderr" "isolens container: run: unknown or incomplete option '--frobnicate'"
	run --separate-stderr "$ISOLENS" container run --net bridge -- true
	assert_failure 2
	run --separate-stderr "$ISOLENS" container run --share user -- true
	assert_failure 2
	run --separate-stderr "$ISOLENS" container run --name ../x -- true
	assert_failure 2
	run --separate-stderr "$ISOLENS" container run --rootfs "$RF"
	assert_failure 2
	run --separate-stderr "$ISOLENS" container run --share mnt --rootfs "$RF" -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: --rootfs needs a mount namespace (drop 'mnt' from --share)"
	run --separate-stderr "$ISOLENS" container run --share net --net veth -- true
	assert_failure 125
	assert_equal "${#stderr_lines[@]}" 1
	run --separate-stderr "$ISOLENS" container exec no-such-ct -- true
	assert_failure 125
	assert_equal "$stderr" "isolens container: no container named 'no-such-ct'"
	run --separate-stderr "$ISOLENS" container kill x NOSIG
	assert_failure 2
	assert_equal "$(ls /run/isolens/containers 2>/dev/null | wc -l)" "$before"
}

@test "limits on a host without cgroup v2 controllers: one-line error 125" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] ||
		skip "this host is pure cgroup v2: limits work (tests/vm covers them)"
	for opt in "--memory 64M" "--pids 16" "--cpus 0.5"; do
		run --separate-stderr "$ISOLENS" container run --rootfs "$RF" $opt -- true
		assert_failure 125
		assert_equal "${#stderr_lines[@]}" 1
		assert_output ""
		[[ $stderr == *"need cgroup v2 controllers; this host's cgroups are hybrid"* ]] ||
			fail "unexpected: $stderr"
	done
	# and without limits the container still runs
	run "$ISOLENS" container run --rootfs "$RF" -- true
	assert_success
}

# snapshot: what a container could leak, as one comparable text
leak_snapshot() {
	echo "mounts $(wc -l < /proc/self/mountinfo)"
	echo "state $(ls /run/isolens/containers 2>/dev/null | wc -l)"
	echo "zombies $(ps -eo stat= | grep -c '^Z')"
	echo "veths $(ip -o link show type veth | wc -l)"
	echo "cgroups $(find /sys/fs/cgroup -path '*isolens/*' -type d 2>/dev/null | wc -l)"
	echo "fds $(ls /proc/$$/fd | wc -l)"
}

@test "200 create/destroy cycles leak no mount, state, zombie, veth or cgroup" {
	before=$(leak_snapshot)
	for i in $(seq 200); do
		net=loopback
		[ $((i % 4)) -eq 0 ] && net=veth
		"$ISOLENS" container run --rootfs "$RF" --net $net --name ct-leak -- true ||
			fail "cycle $i failed"
	done
	after=$(leak_snapshot)
	assert_equal "$after" "$before"
}
