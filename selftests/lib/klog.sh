# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# What counts as a problem in a kernel log, for every test tier (sourced by
# selftests/vm/vm.sh, selftests/e2e/run.sh and selftests/libvirt/run.sh).

KLOG_PATTERN='BUG:|WARNING:|Oops|general protection|Call Trace|blocked for more than|kernel BUG|UBSAN|KASAN|Kernel panic'

# klog_problems LINES: print the problem lines of the kernel log on stdin,
# with context, at most LINES of them; true if there were any.
klog_problems() {
	local text
	text=$(tr -d '\r')
	grep -qE "$KLOG_PATTERN" <<<"$text" || return 1
	grep -nE -B2 -A12 "$KLOG_PATTERN" <<<"$text" | head -n "$1"
}

# klog_verdict NAME WHERE CMD...: one TAP line (through the caller's ok and
# notok) for the kernel log CMD prints: missing, warnings (shown, and WHERE
# to read the rest) or none.
klog_verdict() {
	local name=$1 where=$2 text
	shift 2
	text=$("$@" 2>/dev/null)
	if [[ -z $text ]]; then
		notok "$name kernel log: missing"
	elif klog_problems 60 <<<"$text" >/dev/null; then
		notok "$name kernel log: warnings (see $where)"
		klog_problems 60 <<<"$text"
	else
		ok "$name kernel log: no warnings"
	fi
}
