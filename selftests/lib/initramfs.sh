# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The busybox initramfs the test VM (selftests/vm/vm.sh) and the nested e2e
# guests (selftests/e2e/mkinitramfs.sh) boot: their own init scripts, this
# machine's static busybox and modules of the kernel being booted.

# initramfs_module_file KROOT KVER MODULE: the path of the module's .ko
# (maybe compressed), "builtin", or nothing if the kernel has no such module.
initramfs_module_file() {
	local f
	f=$(modinfo -b "$1" -k "$2" -n "$3" 2>/dev/null) || return 0
	if [[ $f == "(builtin)" ]]; then echo builtin; else echo "$f"; fi
}

# initramfs_build DEST KROOT KVER SCRIPTS MODULE...: write to DEST a gzipped
# cpio with /bin/busybox, /dev/console, every file of the directory SCRIPTS
# (executable, at the top: "init" at least) and /modules/NAME.ko with
# /modules/order listing the MODULEs to insmod in that order (built-in ones
# left out). Prints the number of module files; on error says why on stderr
# and returns 1.
initramfs_build() {
	local dest=$1 kroot=$2 kver=$3 scripts=$4 root m f n=0
	shift 4
	root=$(mktemp -d "$(dirname "$dest")/.initramfs.XXXXXX") || return 1
	mkdir -p "$root/bin" "$root/dev" "$root/modules"
	cp /bin/busybox "$root/bin/busybox"
	cp "$scripts"/* "$root/"
	chmod 755 "$root"/* 2>/dev/null
	mknod "$root/dev/console" c 5 1 2>/dev/null || true
	: >"$root/modules/order"
	for m; do
		f=$(initramfs_module_file "$kroot" "$kver" "$m")
		case $f in
		builtin) continue ;;
		'')
			# Linux 6.8 merged fscache into netfs ("netfs, fscache:
			# Combine fscache with netfs"): no module of its own.
			[[ $m == fscache ]] && continue
			echo "initramfs: module $m is neither built in nor in $kroot" >&2
			rm -rf "$root"
			return 1 ;;
		*.ko) cp "$f" "$root/modules/$m.ko" ;;
		*.ko.xz) xz -dc "$f" >"$root/modules/$m.ko" ;;
		*.ko.zst) zstd -qdc "$f" >"$root/modules/$m.ko" ;;
		*.ko.gz) gzip -dc "$f" >"$root/modules/$m.ko" ;;
		*)
			echo "initramfs: unexpected module file $f" >&2
			rm -rf "$root"
			return 1 ;;
		esac
		echo "$m" >>"$root/modules/order"
		n=$((n + 1))
	done
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$root.cpio.gz"
	mv -f "$root.cpio.gz" "$dest"
	rm -rf "$root"
	echo "$n"
}
