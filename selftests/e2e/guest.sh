#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The nested e2e guest (L2): PID 1 after the initramfs' switch_root, with
# the L1 VM's root as a private copy-on-write root.
#
#   guest.sh --init JOB   PID 1: run the checks with their output on
#                         /dev/ttyS1, append the kernel log, power off
#   guest.sh --main JOB   only the checks
#   guest.sh --list [--guest-script]
#                         the check names, one a line (for the summary)
#
# JOB is a KEY=VALUE file written by host.sh: ROLE (a or b), IP, PEER_IP,
# PREFIX, MAC, PVRDMA_KO, GUEST_SCRIPT (may be empty), ONLY (check or tool
# names to run, space separated; empty = all) and optional limits and sizes:
# TOOL_TIMEOUT, SCRIPT_TIMEOUT, SETUP_TIMEOUT (waiting for the peer),
# SETUP_STEP (each setup step), PP_ITERS, UD_SIZE, BW_ITERS, LAT_ITERS,
# RPING_COUNT.
#
# Every check prints "e2e-result: NAME SIDE STATUS" (SIDE is local, server
# or client). Checks between the guests run one after the other in both
# guests: the server side starts its tool, waits until it listens, and tells
# the peer "ready NAME" over the guests' own link (TCP port CTL_PORT); the
# client side waits for that message, runs its tool and answers "done NAME".
set -uo pipefail

CTL_PORT=7700
PERF_PORT=18515		# perftest and ibv_*_pingpong default port

# name:server role. The other guest is the client.
PAIRS=(
	rc_pingpong:a rc_pingpong:b
	ud_pingpong:a ud_pingpong:b
	write_bw:a send_lat:a read_lat:a
	rping:a
)

list_checks() {
	local p
	echo "devinfo-a"
	echo "devinfo-b"
	for p in "${PAIRS[@]}"; do
		echo "${p%%:*}-${p#*:}2$(peer_of "${p#*:}")"
	done
	[[ ${1:-} == --guest-script ]] && echo "guest_script-a2b"
	return 0
}

peer_of() { if [[ $1 == a ]]; then echo b; else echo a; fi; }

# ---------------------------------------------------------------------------
# PID 1
pid1() {
	local job=$1 st

	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export HOME=/root LANG=C.UTF-8 TERM=dumb
	umask 022
	cd / || return
	# The initramfs mounted /dev/pts and /dev/shm already (busybox is
	# cheap here, the machine's dynamically linked tools are not).
	busybox mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	echo 30 >/proc/sys/kernel/hung_task_timeout_secs
	busybox ip link set lo up

	exec 3<>/dev/ttyS1
	busybox stty -opost -echo <&3 2>/dev/null
	(main "$job") </dev/null >&3 2>&3 3>&-
	st=$?
	{
		echo "e2e-guest: checks exited with status $st"
		echo "---- guest kernel log (dmesg) ----"
		busybox dmesg
		echo "---- end of guest kernel log ----"
		echo "e2e-guest: power off"
	} >&3 2>&1
	exec 3>&-
	busybox sync
	busybox poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 60
}

# ---------------------------------------------------------------------------
# Helpers for the checks

# Every process costs seconds in a nested TCG guest: time with bash alone.
usec() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
secs() { printf '%d.%d' $(($1 / 1000000)) $(($1 % 1000000 / 100000)); }
T0=$(usec)
log() { echo "[$(secs $(($(usec) - T0)))s] $*"; }
result() {
	echo "e2e-result: $1 $2 $3"
	if [[ $3 == 0 ]]; then log "$1 ($2): passed"; else log "$1 ($2): FAILED (status $3)"; fi
}

# limited SECONDS CMD...: run CMD with a time limit (status 124 when it
# hit it). A hung command shows first where each of its threads waits.
limited() {
	local t=$1 pid end task
	shift
	"$@" &
	pid=$!
	end=$((SECONDS + t))
	while kill -0 "$pid" 2>/dev/null && ((SECONDS < end)); do
		nap 1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "(still running after $t s: where its threads wait, then SIGKILL)"
		for task in /proc/"$pid"/task/*; do
			echo "--- thread ${task##*/} ($(<"$task/comm")), wchan $(<"$task/wchan")"
			cat "$task/stack" 2>/dev/null
		done
		if [[ -n ${DEV:-} ]]; then
			echo "\$ rdma resource show qp; rdma resource show cq"
			rdma resource show qp
			rdma resource show cq
		fi
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		return 124
	fi
	wait "$pid"
}

# run TIMEOUT CMD...: show the command, run it with a time limit, keep its
# status in $rc.
run() {
	local t=$1 s
	shift
	echo "\$ $*"
	s=$(usec)
	limited "$t" "$@"
	rc=$?
	[[ $rc == 124 ]] && echo "(timed out after $t s)"
	echo "(exit status $rc, $(secs $(($(usec) - s))) s)"
	return $rc
}

# nap SECONDS: sleep without a process.
nap() { read -rt "$1" -u "$NAPFD" 2>/dev/null; true; }

# Messages from the peer arrive in $INBOX, one line per TCP connection.
INBOX=/run/e2e/inbox
start_listener() {
	: >"$INBOX"
	(
		while :; do
			busybox nc -l -p "$CTL_PORT" >>"$INBOX" 2>/dev/null || nap 1
		done
	) &
	LISTENER=$!
}

# send TRIES MESSAGE: deliver MESSAGE to the peer, retrying once a second.
send() {
	local tries=$1 i
	shift
	for ((i = 0; i < tries; i++)); do
		if echo "$*" | busybox nc -w 5 "$PEER_IP" "$CTL_PORT" 2>/dev/null; then
			return 0
		fi
		nap 1
	done
	log "could not send '$*' to $PEER_IP:$CTL_PORT"
	return 1
}

# wait_msg SECONDS MESSAGE
wait_msg() {
	local end=$((SECONDS + $1))
	while ((SECONDS < end)); do
		grep -qxF "$2" "$INBOX" && return 0
		nap 1
	done
	log "no '$2' from the peer within $1 s"
	return 1
}

# tcp_listening PORT: a local TCP listener on PORT (IPv4 or IPv6), read
# from /proc with builtins: no connection to it, and no program to start
# (ss needs the sock_diag modules, which a loaded nested guest may take
# minutes to autoload).
tcp_listening() {
	local want f laddr st rest
	printf -v want '%04X' "$1"
	for f in /proc/net/tcp /proc/net/tcp6; do
		[[ -r $f ]] || continue
		while read -r _ laddr _ st rest; do
			[[ $st == 0A && ${laddr##*:} == "$want" ]] && return 0
		done <"$f"
	done
	return 1
}

# The RoCE v2 GID index of our IPv4 address, from sysfs.
find_gid() {
	local d=/sys/class/infiniband/$DEV/ports/1 want f i g t
	# shellcheck disable=SC2086 # split the address into its four bytes
	want=$(printf '0000:0000:0000:0000:0000:ffff:%02x%02x:%02x%02x' ${IP//./ })
	for f in "$d"/gids/*; do
		i=${f##*/}
		g=$(<"$f") 2>/dev/null
		[[ $g == "$want" ]] || continue
		t=$(<"$d/gid_attrs/types/$i") 2>/dev/null
		[[ $t == "RoCE v2" ]] || continue
		echo "$i"
		return 0
	done
	return 1
}

# The functions of slot 5, from sysfs (lspci costs half a minute here).
show_slot() {
	local d drv
	echo "\$ # PCI functions of slot 00:05 (sysfs)"
	for d in /sys/bus/pci/devices/0000:00:05.*; do
		drv=-
		[[ -e $d/driver ]] && drv=$(basename "$(readlink "$d/driver")")
		echo "${d##*/} vendor $(<"$d/vendor") device $(<"$d/device") class $(<"$d/class") driver $drv"
	done
}

selected() { [[ -z ${ONLY:-} || " $ONLY " == *" $1 "* || " $ONLY " == *" ${1%%-*} "* ]]; }

# ---------------------------------------------------------------------------
# Setup: NIC, modules, the RDMA device

setup() {
	local end f t=$SETUP_STEP

	echo "==== guest $ROLE: $(uname -r), IP $IP, peer $PEER_IP, vmxnet3 MAC $MAC"
	show_slot
	# Static busybox for the plumbing: every dynamically linked program
	# takes seconds to start in a nested TCG guest.
	run "$t" busybox modprobe vmxnet3
	end=$((SECONDS + t))
	IFC=
	while [[ -z $IFC ]] && ((SECONDS < end)); do
		for f in /sys/class/net/*/address; do
			[[ $(<"$f") == "$MAC" ]] && IFC=$(basename "$(dirname "$f")")
		done
		[[ -n $IFC ]] || nap 1
	done
	if [[ -z $IFC ]]; then
		log "no network interface with MAC $MAC"
		return 1
	fi
	run "$t" busybox ip addr add "$IP/$PREFIX" dev "$IFC"
	run "$t" busybox ip link set "$IFC" up

	run "$t" busybox modprobe ib_uverbs
	run "$t" busybox modprobe rdma_ucm
	# vmxnet3 is bound (its netdev exists): vmw_pvrdma can pair with it.
	run "$t" busybox insmod "$PVRDMA_KO"
	ko_rc=$rc
	end=$((SECONDS + t))
	DEV=
	while [[ -z $DEV ]] && ((SECONDS < end)); do
		for f in /sys/class/infiniband/*; do
			[[ -e $f ]] && DEV=${f##*/}
		done
		[[ -n $DEV ]] || nap 1
	done
	show_slot
	echo "\$ dmesg | grep -iE 'pvrdma|vmxnet3|infiniband|rdma'"
	dmesg | grep -iE 'pvrdma|vmxnet3|infiniband|rdma'
	if [[ $ko_rc != 0 || -z $DEV ]]; then
		log "no RDMA device after insmod vmw_pvrdma"
		return 1
	fi
	log "RDMA device $DEV on $IFC"
	# GIDs appear once the address is on the paired netdev.
	end=$((SECONDS + t))
	until GID=$(find_gid) || ((SECONDS >= end)); do nap 1; done
	echo "\$ grep . /sys/class/infiniband/$DEV/ports/1/{state,phys_state,gids/*,gid_attrs/types/*}"
	grep -s . "/sys/class/infiniband/$DEV/ports/1/"{state,phys_state} \
		"/sys/class/infiniband/$DEV/ports/1/gids/"* \
		"/sys/class/infiniband/$DEV/ports/1/gid_attrs/types/"* 2>/dev/null |
		grep -v ':0000:0000:0000:0000:0000:0000:0000:0000$'
	if [[ -z $GID ]]; then
		log "no RoCE v2 GID for $IP on $DEV"
		GID=
		return 1
	fi
	log "RoCE v2 GID index of $IP: $GID"
	return 0
}

check_devinfo() {
	local out ok=0
	echo "\$ ibv_devinfo -v -d $DEV"
	out=$(timeout -k 5 "$TOOL_TIMEOUT" ibv_devinfo -v -d "$DEV" 2>&1)
	rc=$?
	echo "$out"
	echo "(exit status $rc)"
	[[ $rc == 0 ]] || ok=1
	grep -qE 'state:[[:space:]]+PORT_ACTIVE' <<<"$out" || { log "port not ACTIVE"; ok=1; }
	grep -qE 'link_layer:[[:space:]]+Ethernet' <<<"$out" || { log "link layer not Ethernet"; ok=1; }
	grep -qE "GID\[ *$GID\]:.*RoCE v2" <<<"$out" || { log "no RoCE v2 GID[$GID]"; ok=1; }
	return $ok
}

# Tools of each check, for its server and its client side.
tool() { # NAME SIDE
	local cli=()
	[[ $2 == client ]] && cli=("$SERVER_IP")
	case $1 in
	rc_pingpong) cmd=(ibv_rc_pingpong -d "$DEV" -i 1 -g "$GID" -n "$PP_ITERS" "${cli[@]}") ;;
	ud_pingpong) cmd=(ibv_ud_pingpong -d "$DEV" -i 1 -g "$GID" -n "$PP_ITERS" -s "$UD_SIZE" "${cli[@]}") ;;
	write_bw) cmd=(ib_write_bw -d "$DEV" -i 1 -x "$GID" -F -n "$BW_ITERS" "${cli[@]}") ;;
	send_lat) cmd=(ib_send_lat -d "$DEV" -i 1 -x "$GID" -F -n "$LAT_ITERS" "${cli[@]}") ;;
	read_lat) cmd=(ib_read_lat -d "$DEV" -i 1 -x "$GID" -F -n "$LAT_ITERS" "${cli[@]}") ;;
	rping)
		if [[ $2 == server ]]; then
			cmd=(rping -s -a "$IP" -C "$RPING_COUNT" -V -v)
		else
			cmd=(rping -c -a "$SERVER_IP" -C "$RPING_COUNT" -V -v)
		fi
		;;
	guest_script)
		if [[ $2 == server ]]; then
			cmd=("$LOCAL_SCRIPT" server "$PEER_IP")
		else
			cmd=("$LOCAL_SCRIPT" client "$PEER_IP")
		fi
		;;
	esac
}

# pair NAME SERVER_ROLE: one check between the guests.
pair() {
	local name=$1 srv=$2 check side pid end
	check=$name-${srv}2$(peer_of "$srv")
	selected "$check" || return 0
	if [[ $ROLE == "$srv" ]]; then
		side=server
		SERVER_IP=$IP
	else
		side=client
		SERVER_IP=$PEER_IP
	fi
	echo
	echo "==== $check: $side"
	if [[ -z $GID && $name != guest_script ]]; then
		# Nothing can run; still keep the peer in step.
		[[ $side == server ]] && send 5 "ready $check"
		[[ $side == client ]] && { wait_msg 20 "ready $check"; send 5 "done $check"; }
		result "$check" "$side" 99
		return
	fi
	tool "$name" "$side"
	if [[ $side == server ]]; then
		echo "\$ ${cmd[*]} &"
		limited "$TOOL_TIMEOUT" "${cmd[@]}" &
		pid=$!
		end=$((SECONDS + TOOL_TIMEOUT))
		case $name in
		rping|guest_script) nap 5 ;;
		*)
			while ! tcp_listening "$PERF_PORT" && kill -0 "$pid" 2>/dev/null &&
				((SECONDS < end)); do
				nap 1
			done
			;;
		esac
		send 10 "ready $check"
		wait "$pid"
		rc=$?
		[[ $rc == 124 ]] && echo "(timed out after $TOOL_TIMEOUT s)"
		echo "(server exit status $rc)"
		wait_msg $((TOOL_TIMEOUT + 30)) "done $check"
	else
		wait_msg $((TOOL_TIMEOUT + 60)) "ready $check"
		nap 2
		run "$TOOL_TIMEOUT" "${cmd[@]}"
		send 10 "done $check"
	fi
	result "$check" "$side" "$rc"
}

main() {
	local job=$1 line key p
	while IFS= read -r line; do
		key=${line%%=*}
		[[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] && declare -g "$key=${line#*=}"
	done <"$job"
	: "${ROLE:?} ${IP:?} ${PEER_IP:?} ${MAC:?} ${PVRDMA_KO:?}"
	PREFIX=${PREFIX:-24}
	TOOL_TIMEOUT=${TOOL_TIMEOUT:-180}
	SETUP_TIMEOUT=${SETUP_TIMEOUT:-400}
	PP_ITERS=${PP_ITERS:-100}
	UD_SIZE=${UD_SIZE:-512}
	BW_ITERS=${BW_ITERS:-200}
	LAT_ITERS=${LAT_ITERS:-200}
	RPING_COUNT=${RPING_COUNT:-10}
	SETUP_STEP=${SETUP_STEP:-300}
	mkdir -p /run/e2e
	mkfifo /run/e2e/nap
	exec {NAPFD}<>/run/e2e/nap
	# Booted quietly; from now on the console shows the kernel's info too.
	echo 7 >/proc/sys/kernel/printk
	echo "e2e-guest $ROLE" >/proc/sys/kernel/hostname

	GID=
	setup
	setup_rc=$?
	start_listener

	# Both guests up and reachable over their link before any pair check.
	echo
	echo "==== link to the peer"
	send "$SETUP_TIMEOUT" "up $ROLE"
	wait_msg "$SETUP_TIMEOUT" "up $(peer_of "$ROLE")"
	run 20 busybox ping -c 3 -W 2 "$PEER_IP"

	echo
	echo "==== devinfo-$ROLE"
	if [[ $setup_rc == 0 ]] && selected "devinfo-$ROLE"; then
		check_devinfo
		result "devinfo-$ROLE" local $?
	elif selected "devinfo-$ROLE"; then
		result "devinfo-$ROLE" local 99
	fi

	for p in "${PAIRS[@]}"; do
		pair "${p%%:*}" "${p#*:}"
	done

	if [[ -n ${GUEST_SCRIPT:-} ]]; then
		LOCAL_SCRIPT=/run/e2e/$(basename "$GUEST_SCRIPT")
		cp "$GUEST_SCRIPT" "$LOCAL_SCRIPT" && chmod +x "$LOCAL_SCRIPT"
		TOOL_TIMEOUT=${SCRIPT_TIMEOUT:-$TOOL_TIMEOUT} pair guest_script a
	fi

	echo
	echo "==== guest $ROLE: vmw_pvrdma state at the end"
	[[ -n ${DEV:-} ]] && run 10 rdma resource show
	kill "$LISTENER" 2>/dev/null
	return 0
}

case ${1:-} in
--init) pid1 "${2:?usage: guest.sh --init JOB}" ;;
--main) main "${2:?usage: guest.sh --main JOB}" ;;
--list) list_checks "${2:-}" ;;
*) echo "usage: guest.sh --init JOB | --main JOB | --list [--guest-script]" >&2; exit 2 ;;
esac
