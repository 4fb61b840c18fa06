#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An example GUEST_SCRIPT for `make e2e GUEST_SCRIPT=FILE`: ibv_srq_pingpong
# (RC QPs sharing a shared receive queue) between the two nested guests.
# Guest A runs "FILE server PEER_IP", guest B "FILE client PEER_IP" a few
# seconds later; the exit status is the check's result.
set -u
role=${1:?usage: FILE server|client PEER_IP}
peer=${2:?usage: FILE server|client PEER_IP}

dev=
for d in /sys/class/infiniband/*; do
	[ -e "$d" ] && dev=${d##*/} && break
done
[ -n "$dev" ] || { echo "no RDMA device"; exit 1; }

# The RoCE v2 GID of this guest's IPv4 address (an IPv4-mapped GID).
gid=
for f in /sys/class/infiniband/"$dev"/ports/1/gids/*; do
	i=${f##*/}
	case $(<"$f") in 0000:0000:0000:0000:0000:ffff:*) ;; *) continue ;; esac
	[ "$(<"/sys/class/infiniband/$dev/ports/1/gid_attrs/types/$i")" = "RoCE v2" ] || continue
	gid=$i
	break
done 2>/dev/null
[ -n "$gid" ] || { echo "no RoCE v2 IPv4 GID on $dev"; exit 1; }

args=(-d "$dev" -i 1 -g "$gid" -n 50 -q 4)
if [ "$role" = server ]; then
	exec ibv_srq_pingpong "${args[@]}"
fi
# The server may still be starting (programs start slowly in nested TCG).
for try in 1 2 3 4 5 6; do
	ibv_srq_pingpong "${args[@]}" "$peer" && exit 0
	echo "srq-pingpong: attempt $try failed, retrying in 10 s"
	sleep 10
done
exit 1
