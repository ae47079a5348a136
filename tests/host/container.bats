#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# isolens container on the host kernel: namespaces, mounts, privilege,
# lifecycle, networking, bad input and leaks.  cgroup-v2 limits are in
# tests/vm/container.bats (this host's cgroups are hybrid).

load ../helpers
bats_require_minimum_version 1.5.0

NSKINDS="mnt uts ipc net pid cgroup time"

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	# world-traversable: container root under --userns is uid 100000
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

@test "--userns adds a user namespace with container root mapped to 100000" {
	run crun_ --userns -- sh -c 'stat -L -c %i /proc/self/ns/user; cat /proc/self/uid_map; id -u'
	assert_success
	[ "${lines[0]}" != "$(host_ns user)" ] || fail "user namespace is the host's"
	assert_line --regexp '^ +0 +100000 +65536$'
	assert_line --index 2 0
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

@test "each seccomp-denied syscall fails with EPERM even with all capabilities" {
	run crun_ --cap-add ALL -- container_syscalls
	assert_success
	assert_equal "${#lines[@]}" 21
	for l in "${lines[@]}"; do
		[ "${l#* }" = EPERM ] || fail "not denied: $l"
	done
}

@test "--seccomp=unconfined: the same calls reach the kernel (no EPERM)" {
	run crun_ --cap-add ALL --seccomp=unconfined -- container_syscalls
	assert_success
	assert_equal "${#lines[@]}" 21
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

@test "lifecycle: ls, exec through setns(pidfd), kill, rm; name taken is 125" {
	"$ISOLENS" container run --rootfs "$RF" --name ct-life --hostname life -- sleep 60 3>&- &
	wait_started ct-life
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
	wait_started ct-crash
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
