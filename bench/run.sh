#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`, inside the test VM: the host tier (vhca through libvhca),
# the limit tier (kernel and userspace memcpy, taking turns with vhca size
# by size) and the peer tier (perftest over Soft-RoCE on a veth pair), in
# the same VM. Writes JSON records, one a line, to $VHCA_OUT/results.jsonl;
# bench/report.py turns them into results.json, report.md and plots.
#
# Knobs (environment): BENCH_QUICK=1 (fewer sizes and repetitions, a few
# minutes), BENCH_SIZES, BENCH_LAT_SIZES (comma lists, K/M suffixes),
# BENCH_REPS, BENCH_RXE_REPS, BENCH_SECS (seconds per host-tier repetition),
# BENCH_SKIP (comma list of: host,copy,rxe), BENCH_SEED, BENCH_LAT_PIN=0
# (vhca latency without confining it to vCPU 0), BENCH_KMOD (directory of
# the vhca modules to load, default build/kmod/KVER).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kver=${VHCA_KVER:-6.1.0-56-amd64}
out=${VHCA_OUT:-$top/build/bench}
bin=$top/build/bench
jsonl=$out/results.jsonl

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	sizes=${BENCH_SIZES:-64,4K,64K,1M,4M}
	lat_sizes=${BENCH_LAT_SIZES:-8,4K}
	reps=${BENCH_REPS:-3}
	rxe_reps=${BENCH_RXE_REPS:-1}
	secs=${BENCH_SECS:-0.2}
	idle=1
else
	sizes=${BENCH_SIZES:-64,256,1K,4K,16K,64K,256K,1M,4M}
	lat_sizes=${BENCH_LAT_SIZES:-8,64,512,4K}
	reps=${BENCH_REPS:-5}
	rxe_reps=${BENCH_RXE_REPS:-3}
	secs=${BENCH_SECS:-0.3}
	idle=2
fi
seed=${BENCH_SEED:-7}
skip=",${BENCH_SKIP:-},"
hz=$(getconf CLK_TCK)

log() { echo "bench: $(date +%T) $*" >&2; }

# Plain byte counts from "64,4K,1M".
bytes() {
	local s v res=()
	IFS=, read -ra s <<<"$1"
	for v in "${s[@]}"; do
		case $v in
		*K | *k) res+=($((${v%?} << 10))) ;;
		*M | *m) res+=($((${v%?} << 20))) ;;
		*) res+=("$v") ;;
		esac
	done
	echo "${res[@]}"
}

# Kernel ticks so far: system + irq + softirq of /proc/stat.
kernel_ticks() {
	local _cpu _user _nice sys _idle _iowait irq softirq _rest
	read -r _cpu _user _nice sys _idle _iowait irq softirq _rest </proc/stat
	echo $((sys + irq + softirq))
}

# record SYSTEM TEST SIZE QPS UNIT VALUES...: median, min, max of VALUES.
record() {
	local system=$1 test=$2 size=$3 qps=$4 unit=$5 v vals=() samples
	shift 5
	for v in "$@"; do
		[ -z "$v" ] || vals+=("$v")
	done
	[ ${#vals[@]} -gt 0 ] || return 0
	samples="${vals[*]}"
	printf '%s\n' "${vals[@]}" | sort -g | awk -v sys="$system" -v t="$test" \
		-v size="$size" -v qps="$qps" -v unit="$unit" \
		-v samples="${samples// /, }" '
		{ v[NR] = $1 }
		END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "{\"tier\": \"host\", \"system\": \"%s\", \"test\": \"%s\", \"size\": %d, \"qps\": %d, \"pairs\": 1, \"value\": %.6g, \"unit\": \"%s\", \"reps\": %d, \"min\": %.6g, \"max\": %.6g, \"spread\": %.4f, \"samples\": [%s]}\n", sys, t, size, qps, m, unit, NR, v[1], v[NR], m ? (v[NR] - v[1]) / m : 0, samples
		}' >>"$jsonl"
}

# The kernel copy reference (bench/kmod); without it the limit tier is the
# userspace memcpy only.
load_copy_module() {
	insmod "$bin/kmod/$kver/vhca_copy_bench.ko" ||
		log "the kernel copy module did not load: userspace memcpy only"
}

# vhca and, taking turns with it size by size, memcpy (the limit tier).
host_tier() {
	local groups=(bw copy)
	[[ $skip != *,copy,* ]] || groups=(bw)
	log "host tier: vhca through libvhca (sizes $sizes, $reps repetitions)"
	"$top/selftests/load-modules.sh" "${BENCH_KMOD:-$top/build/kmod/$kver}" hcas=2
	"$bin/vhca_bench" -r "$reps" -t "$secs" -i "$idle" -S "$seed" \
		-s "$sizes" "${groups[@]}" rate pairs idle | tee -a "$jsonl"
	# Latency with the poller and vhca's workers on one vCPU: a round
	# trip must not wait for QEMU's thread of the other, idle vCPU to be
	# scheduled on this overcommitted machine (1-5 ms when it is busy).
	local wq=/sys/devices/virtual/workqueue/cpumask mask pin=()
	mask=$(cat "$wq")
	if [ "${BENCH_LAT_PIN:-1}" = 1 ] && echo 1 >"$wq"; then
		pin=(taskset -c 0)
	fi
	"${pin[@]}" "$bin/vhca_bench" -r "$reps" -t "$secs" -S "$seed" \
		-l "$lat_sizes" lat | tee -a "$jsonl"
	echo "$mask" >"$wq"
}

copy_tier() {
	log "limit tier alone: memcpy in the kernel and in userspace"
	"$bin/vhca_bench" -r "$reps" -t "$secs" -S "$seed" -s "$sizes" copy |
		tee -a "$jsonl"
}

# Soft-RoCE on a veth pair. Both ends live in this network namespace (the
# rxe of this kernel listens in the initial one only), so policy routing
# sends traffic for the other end out of the veth instead of through lo.
rxe_setup() {
	modprobe veth
	modprobe rdma_rxe
	ip link add vethA type veth peer name vethB
	ip addr add 10.77.0.1/24 dev vethA
	ip addr add 10.77.0.2/24 dev vethB
	for c in all default vethA vethB; do
		sysctl -qw "net.ipv4.conf.$c.accept_local=1" \
			"net.ipv4.conf.$c.rp_filter=0"
	done
	ip rule add pref 100 lookup local
	ip rule del pref 0
	ip rule add pref 10 oif vethA lookup 100
	ip rule add pref 11 oif vethB lookup 101
	# Jumbo frames: rxe then uses its largest MTU (4096), its best case.
	ip link set vethA mtu 9000 up
	ip link set vethB mtu 9000 up
	ip route add 10.77.0.0/24 dev vethA src 10.77.0.1 table 100
	ip route add 10.77.0.0/24 dev vethB src 10.77.0.2 table 101
	rdma link add rxe0 type rxe netdev vethA
	rdma link add rxe1 type rxe netdev vethB
	# GID index 1 is the IPv4 address (RoCE v2).
	[ "$(cat /sys/class/infiniband/rxe1/ports/1/gids/1)" = \
		0000:0000:0000:0000:0000:ffff:0a4d:0002 ]
}

# perftest TOOL ARGS...: server on rxe1, client on rxe0 (retried until the
# server listens); the client's output in $pt_out, kernel ticks spent while
# the client ran its test (after the connection was made) in $pt_kticks.
pt_out=
pt_kticks=0
perftest() {
	local tool=$1 try srv cli k0 k1
	shift
	"$tool" -d rxe1 -x 1 -F "$@" >"$out/perftest-server.log" 2>&1 &
	srv=$!
	for try in $(seq 60); do
		stdbuf -oL "$tool" -d rxe0 -x 1 -F "$@" 127.0.0.1 \
			>"$out/perftest.log" 2>&1 &
		cli=$!
		until grep -q 'remote address' "$out/perftest.log" ||
			! kill -0 "$cli" 2>/dev/null; do
			sleep 0.05
		done
		k0=$(kernel_ticks)
		if wait "$cli"; then
			k1=$(kernel_ticks)
			break
		fi
		if ! grep -q "Couldn't connect" "$out/perftest.log" ||
			[ "$try" = 60 ]; then
			kill "$srv" 2>/dev/null || true
			wait "$srv" || true
			log "$tool $* failed:"
			cat "$out/perftest.log" "$out/perftest-server.log" >&2
			return 1
		fi
		sleep 0.3
	done
	wait "$srv" || true
	pt_out=$(cat "$out/perftest.log")
	pt_kticks=$((k1 - k0))
}

# pt_measure SIZE COLUMN SCALE TOOL ARGS...: run perftest until column
# COLUMN of its result line (the one starting with SIZE) is above 0, at most
# 3 times; the value times SCALE in $pt_val. perftest reports 0 when its
# clock calibration (r^2 of TSC against gettimeofday) fails, which TCG's
# jitter makes happen now and then.
pt_val=
pt_measure() {
	local size=$1 col=$2 scale=$3 try
	shift 3
	for try in 1 2 3; do
		perftest "$@" || return 1
		pt_val=$(awk -v s="$size" -v c="$col" -v k="$scale" \
			'$1 == s && $c ~ /^[0-9.]+$/ && $c > 0 { printf "%.6g", $c * k; exit }' <<<"$pt_out")
		[ -z "$pt_val" ] || return 0
		log "perftest $* reported 0 (try $try)"
	done
	return 1
}

rxe_tier() {
	local test size q n c first
	first=$(bytes "$sizes")
	log "peer tier: perftest over rxe on a veth pair ($rxe_reps repetitions)"
	rxe_setup
	for test in write_bw read_bw send_bw; do
		for size in $(bytes "$sizes"); do
			local vals=() cpus=()
			# 16 MiB or 4000 messages (at least 8): a second or two each.
			# (perftest's -D mode reports 0 when only a few large
			# messages fit in its window.)
			n=$(((16 << 20) / size))
			n=$((n > 4000 ? 4000 : n < 8 ? 8 : n))
			[ "$size" != "${first%% *}" ] ||	# a warm-up run per test
				perftest "ib_$test" -s "$size" -n "$n" || return 1
			for _ in $(seq "$rxe_reps"); do
				# perftest's MB are 2^20 bytes; records use 10^6.
				pt_measure "$size" 4 1.048576 "ib_$test" -s "$size" \
					-n "$n" || return 1
				vals+=("$pt_val")
				# Kernel CPU per GB, when the transfer (not setup and
				# teardown) filled most of the measured window.
				c=$(awk -v k="$pt_kticks" -v hz="$hz" -v mb="$pt_val" \
					-v b="$((size * n))" 'BEGIN {
					if (b / (mb * 1e6) >= 0.5)
						printf "%.6g", k / hz / (b / 1e9) }')
				cpus+=("$c")
			done
			record rxe "$test" "$size" 1 MB/s "${vals[@]}"
			tail -n 1 "$jsonl"
			[ "$test" != write_bw ] ||
				record rxe cpu_per_gb "$size" 1 s/GB "${cpus[@]}"
		done
	done
	for q in 1 4 16; do
		local vals=()
		for _ in $(seq "$rxe_reps"); do
			pt_measure 64 5 1 ib_write_bw -s 64 -q "$q" \
				-n $((4000 / q)) || return 1
			vals+=("$pt_val")
		done
		record rxe msg_rate 64 "$q" Mmsg/s "${vals[@]}"
		tail -n 1 "$jsonl"
	done
	for test in send_lat write_lat; do
		for size in $(bytes "$lat_sizes"); do
			local vals=()
			for _ in $(seq "$rxe_reps"); do
				# t_typical: perftest's median of the half round trips.
				pt_measure "$size" 5 1 "ib_$test" -s "$size" -n 500 ||
					return 1
				vals+=("$pt_val")
			done
			record rxe "$test" "$size" 1 us "${vals[@]}"
			tail -n 1 "$jsonl"
		done
	done
}

mkdir -p "$out"
: >"$jsonl"
t0=$(date +%s)
cat >"$out/settings.txt" <<EOF
kernel $(uname -r), $(nproc) vCPUs, $(awk '/MemTotal/ { print int($2 / 1024) " MiB" }' /proc/meminfo)
host tier: sizes $sizes, latency sizes $lat_sizes, $reps repetitions of ${secs}s after a warm-up, idle ${idle}s x $reps
peer tier: perftest $(dpkg-query -W -f='${Version}' perftest 2>/dev/null), $rxe_reps repetitions, a warm-up run per test
seed $seed, quick=${BENCH_QUICK:-0}, latency pinned to vCPU 0: ${BENCH_LAT_PIN:-1}
EOF
[[ $skip == *,copy,* ]] || load_copy_module
if [[ $skip != *,host,* ]]; then
	host_tier
elif [[ $skip != *,copy,* ]]; then
	copy_tier
fi
[[ $skip == *,rxe,* ]] || rxe_tier || log "peer tier failed"
log "done in $(($(date +%s) - t0)) s"
