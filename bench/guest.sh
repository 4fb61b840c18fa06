#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The guest tier of the benchmarks (`make bench-guest`): a GUEST_SCRIPT for
# selftests/e2e/run.sh. Guest A runs "guest.sh server PEER_IP", guest B
# "guest.sh client PEER_IP": perftest between the two stock guests over
# vhca (vmw_pvrdma), then over rdma_rxe inside the same guests on their
# vmxnet3 link. The client prints one "bench-record: {JSON}" line per
# result (tier "guest"); bench-guest collects them from guest-b.log.
# Nested TCG is ~40x slower than the test VM: few, short runs.
set -u
role=${1:?usage: guest.sh server|client PEER_IP}
peer=${2:?usage: guest.sh server|client PEER_IP}

# TEST SIZE ITERATIONS; every repetition runs on its own TCP port so that a
# late client can never meet the server of another run. perftest's clock
# calibration fails now and then in nested TCG (its r^2 test: the guest's
# vCPU is descheduled between the two clock reads of a sample), which
# shows as 0.00: such repetitions are left out of the median.
TESTS=(
	"write_bw 4096 200"
	"write_bw 65536 100"
	"read_bw 65536 100"
	"send_lat 8 100"
	"write_lat 8 100"
)
REPS=${BENCH_GUEST_REPS:-4}

log() { echo "bench-guest: $*"; }

# IPv4 RoCE v2 GID index of device $1.
gid_of() {
	local f i
	for f in /sys/class/infiniband/"$1"/ports/1/gids/*; do
		i=${f##*/}
		case $(<"$f") in 0000:0000:0000:0000:0000:ffff:*) ;; *) continue ;; esac
		[ "$(<"/sys/class/infiniband/$1/ports/1/gid_attrs/types/$i")" = "RoCE v2" ] ||
			continue
		echo "$i"
		return 0
	done 2>/dev/null
	return 1
}

# Bash builtins only until perftest: every program a nested guest starts
# costs seconds to minutes.
pvrdma=
for d in /sys/class/infiniband/vmw_pvrdma*; do
	[ -e "$d" ] && pvrdma=${d##*/}
done
[ -n "$pvrdma" ] || { log "no vmw_pvrdma device"; exit 1; }
# The netdev vmw_pvrdma paired with (its vmxnet3) carries the GIDs.
ifc=$(<"/sys/class/infiniband/$pvrdma/ports/1/gid_attrs/ndevs/0") ||
	{ log "no netdev under $pvrdma"; exit 1; }
log "vhca: $pvrdma on $ifc"

# Soft-RoCE on the same vmxnet3 link.
log "loading rdma_rxe"
busybox modprobe rdma_rxe || { log "no rdma_rxe"; exit 1; }
log "rdma link add rxe0 type rxe netdev $ifc"
rdma link add rxe0 type rxe netdev "$ifc" || { log "rdma link add failed"; exit 1; }
for _ in 1 2 3 4 5 6 7 8 9 10; do
	gid_of rxe0 >/dev/null && break
	read -rt 3 <> <(:) 2>/dev/null	# sleep 3 s without a process
done

# One perftest run of the client; prints its value (MB/s or us) or nothing.
client_run() {
	local test=$1 size=$2 out try col scale
	shift 2
	for try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		out=$(timeout 600 "ib_$test" "$@" "$peer" 2>&1) && break
		grep -q "Couldn't connect" <<<"$out" || break
		log "$test $size: server not ready (try $try)"
		read -rt 5 <> <(:) 2>/dev/null
	done
	echo "$out" >&2
	case $test in
	*_bw) col=4 scale=1.048576 ;;	# BW average; perftest MB = 2^20
	*) col=5 scale=1 ;;		# t_typical
	esac
	awk -v s="$size" -v c="$col" -v k="$scale" \
		'$1 == s && $c ~ /^[0-9.]+$/ && $c > 0 { printf "%.6g", $c * k; exit }' <<<"$out"
}

# The record of one test from its valid samples: median, min, max, spread.
record() {
	local system=$1 test=$2 size=$3 unit=$4
	shift 4
	printf '%s\n' "$@" | sort -g | awk -v sys="$system" -v t="$test" \
		-v sz="$size" -v u="$unit" -v list="$*" '
		{ v[NR] = $1 }
		END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			gsub(/ /, ", ", list)
			printf "bench-record: {\"tier\": \"guest\", \"system\": \"%s\", \"test\": \"%s\", \"size\": %s, \"qps\": 1, \"pairs\": 1, \"value\": %g, \"unit\": \"%s\", \"reps\": %d, \"min\": %g, \"max\": %g, \"spread\": %.4g, \"samples\": [%s]}\n",
				sys, t, sz, m, u, NR, v[1], v[NR], (v[NR] - v[1]) / m, list
		}'
}

status=0
port=18600
for dev in "$pvrdma" rxe0; do
	system=vhca
	[ "$dev" = rxe0 ] && system=rxe
	gid=$(gid_of "$dev") || { log "no RoCE v2 GID on $dev"; exit 1; }
	for t in "${TESTS[@]}"; do
		read -r test size iters <<<"$t"
		unit=us
		[[ $test == *_bw ]] && unit=MB/s
		samples=()
		for ((rep = 1; rep <= REPS; rep++)); do
			port=$((port + 1))
			args=(-d "$dev" -x "$gid" -F -s "$size" -n "$iters" -p "$port")
			if [ "$role" = server ]; then
				log "$system $test $size: server, repetition $rep"
				timeout 600 "ib_$test" "${args[@]}" || status=1
				continue
			fi
			v=$(client_run "$test" "$size" "${args[@]}")
			log "$system $test $size: repetition $rep: ${v:-no result}"
			[ -n "$v" ] && samples+=("$v")
		done
		[ "$role" = server ] && continue
		if [ ${#samples[@]} = 0 ]; then
			log "$system $test $size: no repetition reported a value"
			status=1
			continue
		fi
		record "$system" "$test" "$size" "$unit" "${samples[@]}"
	done
done
exit $status
