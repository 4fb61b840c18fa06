#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# trixie.sh - build and test vhca for Debian 13's Linux 6.12 on a Debian 12
# machine, without touching the machine's apt sources, toolchain or libc.
#
#   trixie.sh setup      private apt lists for trixie, a debootstrap'ed build
#                        root (gcc-14, make, libc6-dev, libelf-dev, bc, kmod,
#                        perl) with the 6.12 headers unpacked into it, and the
#                        6.12 test kernel for selftests/vm/vm.sh. Idempotent:
#                        when all is there it does nothing.
#   trixie.sh kver       print the Debian 13 kernel release (TRIXIE_KVER)
#   trixie.sh run CMD... run CMD inside the build root, in the current
#                        directory; this tree is bind-mounted at its own path
#                        (a private mount namespace: nothing stays mounted).
#
# `make KVER=6.12` (or KVER=<release>+deb13-amd64) builds the modules through
# "trixie.sh run" when the machine has no headers of its own for that kernel.
#
# Everything lives in $VHCA_CACHE/trixie (default /var/cache/vhca/trixie):
#   apt/apt.conf  the private apt configuration: APT_CONFIG=.../apt.conf
#                 apt-get ... sees trixie only (own sources.list, lists,
#                 package cache and dpkg status)
#   root/         the build root
# Environment: TRIXIE_KVER (default below), VHCA_CACHE, VHCA_TRIXIE_MIRROR.
set -euo pipefail

KVER=${TRIXIE_KVER:-6.12.117+deb13-amd64}
CACHE=${VHCA_CACHE:-/var/cache/vhca}
MIRROR=${VHCA_TRIXIE_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# What the 6.12 kbuild needs (linux-kbuild-6.12 wants pahole, libssl3t64:
# module BTF against the headers' vmlinux; W=1 runs kernel-doc: perl).
TOOLS=gcc-14,make,libc6-dev,libelf-dev,bc,kmod,perl,pahole,libssl3t64
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
top=$(cd "$here/.." && pwd -P)
T=$CACHE/trixie
APT=$T/apt
ROOT=$T/root
HSTAMP=$T/.headers-$KVER

die() { echo "trixie: $*" >&2; exit 1; }

[[ $KVER =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || die "bad kernel version '$KVER'"

root_ready() { [[ -f $ROOT/.vhca-root && "$(<"$ROOT/.vhca-root")" == "$TOOLS" ]]; }
headers_ready() { [[ -f $HSTAMP && -d $ROOT/usr/src/linux-headers-$KVER ]]; }
kernel_ready() { [[ -f $CACHE/kernel/$KVER/.vhca-fetched ]]; }
# ready [build]: all there (only what building needs, with "build")
ready() {
	root_ready && headers_ready && { [[ ${1:-} == build ]] || kernel_ready; }
}

apt_trixie() { APT_CONFIG=$APT/apt.conf apt-get -q "$@"; }

apt_config() {
	mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/empty"
	echo "deb [signed-by=$KEYRING] $MIRROR trixie main" >"$APT/sources.list"
	cat >"$APT/apt.conf" <<EOF
// vhca: trixie only, written by selftests/trixie.sh
Dir::Etc::SourceList "$APT/sources.list";
Dir::Etc::SourceParts "$APT/empty";
Dir::Etc::Preferences "$APT/empty/none";
Dir::Etc::PreferencesParts "$APT/empty";
Dir::State::Lists "$APT/lists";
Dir::State::Status "$APT/status";
Dir::Cache "$APT/cache";
APT::Architecture "amd64";
EOF
	[[ -e $APT/status ]] || : >"$APT/status"
	# apt-get drops to the _apt user to download.
	chmod -R a+rX "$APT"
}

# The packages that make up the headers of $KVER: the -amd64 one, -common
# and linux-kbuild.
header_packages() {
	APT_CONFIG=$APT/apt.conf apt-cache depends "linux-headers-$KVER" 2>/dev/null |
		awk -v k="linux-headers-$KVER" '
			NR == 1 && $1 == k { print k; next }
			$2 ~ /^linux-(headers|kbuild)-/ { print $2 }'
}

build_root() {
	local new=$ROOT.new start=$SECONDS
	command -v debootstrap >/dev/null ||
		die "debootstrap not found (apt-get install debootstrap)"
	echo "trixie: debootstrap of a trixie build root into $ROOT" >&2
	rm -rf "$new"
	if ! debootstrap --variant=minbase --include="$TOOLS" \
		--keyring="$KEYRING" trixie "$new" "$MIRROR" >"$T/debootstrap.log" 2>&1; then
		tail -n 20 "$T/debootstrap.log" >&2
		die "debootstrap failed (log: $T/debootstrap.log)"
	fi
	rm -f "$new"/var/cache/apt/archives/*.deb
	echo "$TOOLS" >"$new/.vhca-root"
	rm -rf "$ROOT"
	rm -f "$T"/.headers-*
	mv "$new" "$ROOT"
	echo "trixie: build root ready ($((SECONDS - start)) s)" >&2
}

install_headers() {
	local pkgs d deb
	mapfile -t pkgs < <(header_packages)
	if [[ ${#pkgs[@]} -lt 3 ]]; then
		apt_trixie update >/dev/null || die "apt-get update (trixie) failed"
		mapfile -t pkgs < <(header_packages)
	fi
	[[ ${#pkgs[@]} -ge 3 ]] ||
		die "no linux-headers-$KVER (with -common, kbuild) in trixie"
	echo "trixie: unpacking ${pkgs[*]} into the build root" >&2
	d=$(mktemp -d "$T/.debs.XXXXXX")
	chmod 755 "$d"
	chown _apt "$d" 2>/dev/null || true # apt-get downloads as _apt
	(cd "$d" && apt_trixie download "${pkgs[@]}" >/dev/null) ||
		{ rm -rf "$d"; die "cannot download ${pkgs[*]}"; }
	for deb in "$d"/*.deb; do
		dpkg-deb -x "$deb" "$ROOT" || { rm -rf "$d"; die "cannot unpack $deb"; }
	done
	rm -rf "$d"
	[[ -d $ROOT/usr/src/linux-headers-$KVER ]] ||
		die "no /usr/src/linux-headers-$KVER after unpacking"
	date -u +%FT%TZ >"$HSTAMP"
}

# setup [build]: everything (only what building needs, with "build")
setup() {
	ready "${1:-}" && return 0
	[[ $(id -u) == 0 ]] || die "setting up the trixie build root needs root"
	mkdir -p "$T"
	exec {lock}>"$T/.lock"
	flock "$lock"
	apt_config
	root_ready || build_root
	headers_ready || install_headers
	if [[ ${1:-} != build ]] && ! kernel_ready; then
		# fetch-kernel.sh's apt-get sees trixie through APT_CONFIG.
		APT_CONFIG=$APT/apt.conf VHCA_CACHE=$CACHE \
			"$here/vm/fetch-kernel.sh" "$KVER" ||
			die "cannot fetch the $KVER test kernel"
	fi
	exec {lock}>&-
}

# run CMD...: CMD in the build root, in the current directory.
run() {
	[[ $# -gt 0 ]] || die "run: no command"
	setup build
	local cwd
	cwd=$(pwd -P)
	case $cwd/ in
	"$top"/*) ;;
	*) die "run: the current directory $cwd is not inside $top" ;;
	esac
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- /bin/sh -ec '
		root=$1 top=$2 cwd=$3
		shift 3
		mount --bind /dev "$root/dev"
		mount -t proc proc "$root/proc"
		mkdir -p "$root$top"
		mount --bind "$top" "$root$top"
		exec chroot "$root" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' sh "$ROOT" "$top" "$cwd" "$@"
}

case ${1:-} in
setup) setup ;;
kver) echo "$KVER" ;;
run) shift; [[ ${1:-} != -- ]] || shift; run "$@" ;;
*) echo "usage: trixie.sh setup | kver | run CMD..." >&2; exit 2 ;;
esac
