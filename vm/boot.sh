#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the emulated machine once, bounded, and unpack what it sent back.
# usage: boot.sh VMLINUZ INITRD WORK TIMEOUT_S
# Leaves WORK/console.log (ttyS0) and, on success, WORK/out/ (the tar stream
# /init wrote to ttyS1 after a line with its size and sha256, both checked).
# Exit 0 results received, 1 none (the reason on stderr). SIGINT, SIGTERM
# or SIGHUP stop QEMU, and this script then dies by the same signal.
# $XSAVE_ABI_VM_QEMU names another program to run instead of
# qemu-system-x86_64 (the tests give one that hangs like a stuck guest).
set -u
. "$(dirname "$0")/../scripts/signals.sh"
[ $# = 4 ] || { echo "vm: usage: boot.sh VMLINUZ INITRD WORK TIMEOUT_S" >&2; exit 2; }
kernel=$1 initrd=$2 work=$3 limit=$4

qemu=${XSAVE_ABI_VM_QEMU:-qemu-system-x86_64}
# What a boot needs no time for (measured: 0.7 s of a 3.8 s boot of 6.12):
# the machine has no PCI device it uses (the serial ports are ISA, the
# initramfs comes by fw_cfg), TCG's TSC is steady, and the crypto
# self-tests and the timer check test nothing the suite depends on.
cmdline='console=ttyS0 panic=-1 quiet pci=off tsc=reliable no_timer_check cryptomgr.notests'
mkdir -p "$work"
rm -rf "$work/out" "$work/results.bin" "$work/results.tar"
: >"$work/console.log"
: >"$work/results.bin"
# TCG gives an AMD CPU with SVM, nested paging and PKU (-cpu max). The
# console and the results port are files: nothing is read from a terminal.
# A hung guest is killed by its PID (timeout(1) sends SIGKILL) once the time
# is up; timeout then exits 137. --foreground keeps QEMU in this process
# group, so a signal to the group (run.sh stopping, Ctrl-C) reaches it.
timeout --foreground -s KILL "$limit" "$qemu" -accel tcg -cpu max -m 1G -smp 1 -no-reboot \
	-net none -display none -monitor none \
	-serial "file:$work/console.log" -serial "file:$work/results.bin" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "$cmdline" </dev/null >"$work/qemu.log" 2>&1 &
pid=$!

# A signal is not a failed boot: QEMU goes (timeout passes SIGTERM on; KILL
# after 0.5 s), then this script dies by the signal, so vm.sh stops too.
stop() {
	local i
	trap '' INT TERM HUP
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	pkill -KILL -P "$pid" 2>/dev/null
	kill -KILL "$pid" 2>/dev/null
	die_by "$1" "$2"
}
catch_signals stop
{ wait $pid; } 2>/dev/null
qrc=$?
trap - TERM INT HUP

if [ "$qrc" = 137 ]; then
	echo "no results: QEMU killed after $limit s" >&2
	exit 1
fi
set -- $(head -n 1 "$work/results.bin" | tr -d '\r')
if [ "${1:-} ${2:-}" != "xsave-abi-vm results" ]; then
	why=$(grep -a -m 1 -E 'Kernel panic|xsave-abi-vm: error' "$work/console.log" | tr -d '\r')
	echo "no results: the machine stopped (QEMU exit $qrc) before sending any${why:+: $why}" >&2
	exit 1
fi
size=$3 sum=$4
tail -c +$(($(head -n 1 "$work/results.bin" | wc -c) + 1)) "$work/results.bin" >"$work/results.tar"
if [ "$(wc -c <"$work/results.tar")" != "$size" ] ||
	[ "$(sha256sum "$work/results.tar" | cut -d' ' -f1)" != "$sum" ]; then
	echo "no results: the results stream does not match its announced size $size and sha256" >&2
	exit 1
fi
mkdir -p "$work/out"
# The guest's clock may run ahead of the host's: its files' times are not kept
# (tar would warn on stderr, which reads as a failed boot).
tar -C "$work/out" -xmf "$work/results.tar" --warning=no-timestamp || { echo "no results: bad tar stream" >&2; exit 1; }
