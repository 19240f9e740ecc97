#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the emulated machine once, bounded, and unpack what it sent back.
# usage: boot.sh [--bochs DIR MODEL] KERNEL INITRD WORK TIMEOUT_S
# The AMD machine (QEMU TCG) boots KERNEL, an ELF with a PVH entry or a
# bzImage; the Intel machine (Bochs from DIR, vm/bochs.sh) boots a bzImage
# by syslinux from a FAT disk image made here without loop devices, as
# Bochs's CPU model MODEL.
# Leaves WORK/console.log (ttyS0) and, on success, WORK/out/ (the tar stream
# /init wrote to ttyS1 after a line with its size and sha256, both checked).
# Exit 0 results received, 1 none (the reason on stderr). SIGINT, SIGTERM
# or SIGHUP stop QEMU, and this script then dies by the same signal.
# $XSAVE_ABI_VM_QEMU names another program to run instead of
# qemu-system-x86_64 (the tests give one that hangs like a stuck guest).
set -u
. "$(dirname "$0")/../scripts/signals.sh"
bochs="" emu=QEMU
[ "${1:-}" != --bochs ] || { bochs=$2 model=${3:-} emu=Bochs; shift 3; }
[ $# = 4 ] || { echo "vm: usage: boot.sh [--bochs DIR MODEL] KERNEL INITRD WORK TIMEOUT_S" >&2; exit 2; }
kernel=$1 initrd=$2 work=$3 limit=$4

qemu=${XSAVE_ABI_VM_QEMU:-qemu-system-x86_64}
# What a boot needs no time for (measured: 0.7 s of a 3.8 s boot of 6.12):
# the machine has no PCI device it uses (the serial ports are ISA, the
# initramfs comes by fw_cfg), TCG's TSC is steady, and the crypto
# self-tests and the timer check test nothing the suite depends on. Nor do
# the five initcalls left out, the slowest under Bochs (6.12, the Intel
# machine: /init at 6.0 s of guest time instead of 9.2 s): the jitter
# entropy source, ftrace's eval maps, the built-in certificates and two
# BPF registrations. Series without one of them ignore its name.
cmdline='console=ttyS0,115200 panic=-1 quiet pci=off tsc=reliable no_timer_check cryptomgr.notests'
cmdline+=' initcall_blacklist=jent_mod_init,trace_eval_init,load_system_certificate_list,bpf_tcp_ca_kfunc_init,bpf_dummy_struct_ops_init'
mkdir -p "$work"
rm -rf "$work/out" "$work/results.bin" "$work/results.tgz"
: >"$work/console.log"
: >"$work/results.bin"
# disk_image CMDLINE: WORK/disk.img, FAT16 with syslinux, the kernel and
# the initramfs; its size a whole number of cylinders of 16 x 63 sectors.
cyl=$((16 * 63 * 512))
disk_image() {
	local img=$work/disk.img size
	size=$(($(stat -c %s "$kernel") + $(stat -c %s "$initrd") + 8 * 1024 * 1024))
	size=$(((size + cyl - 1) / cyl * cyl))
	rm -f "$img"
	printf 'DEFAULT linux\nPROMPT 0\nTIMEOUT 0\nLABEL linux\n KERNEL vmlinuz\n INITRD initrd\n APPEND %s\n' \
		"$1" >"$work/syslinux.cfg"
	export MTOOLS_SKIP_CHECK=1
	truncate -s "$size" "$img" && mkfs.fat -F 16 -n XSAVEABI "$img" >/dev/null &&
		syslinux --install "$img" && mcopy -i "$img" "$kernel" ::vmlinuz &&
		mcopy -i "$img" "$initrd" ::initrd && mcopy -i "$img" "$work/syslinux.cfg" ::syslinux.cfg
}

# bochsrc: the CPU model, one CPU, 1 GiB, time by instruction count (100 M
# a second, as the kernel's TSC is told), the two serial ports into files,
# and no display.
bochsrc() {
	cat <<EOF
cpu: model=$model, count=1, ips=100000000, reset_on_triple_fault=0, ignore_bad_msrs=1
memory: guest=1024, host=1024
romimage: file=$bochs/BIOS-bochs-latest, options=fastboot
vgaromimage: file=$bochs/vgabios.bin
display_library: nogui
pci: enabled=1, chipset=i440fx
clock: sync=none, time0=utc
boot: disk
ata0-master: type=disk, mode=flat, path="$work/disk.img", cylinders=$(($(stat -c %s "$work/disk.img") / cyl)), heads=16, spt=63
com1: enabled=1, mode=file, dev="$work/console.log"
com2: enabled=1, mode=file, dev="$work/results.bin"
mouse: enabled=0
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
EOF
}

# Bochs cannot stop at a reset as QEMU's -no-reboot does: a panic waits.
if [ -n "$bochs" ]; then
	# no5lvl: 4-level paging, as every boot here was measured (Bochs 3.0
	# without vm/bochs/cr4-la57.patch stopped at the BIOS's first SMI).
	cmdline="${cmdline/panic=-1/panic=0} tsc_early_khz=100000 no5lvl"
	case "$work" in *'"'* | *' '*) echo "vm: $work: a path with a space or a quote cannot go into bochsrc" >&2; exit 2 ;; esac
	disk_image "$cmdline" >"$work/disk.log" 2>&1 ||
		{ echo "no results: cannot make the boot disk: $(tail -n 1 "$work/disk.log")" >&2; exit 1; }
	bochsrc >"$work/bochsrc"
fi

# TCG gives an AMD CPU with SVM, nested paging and PKU (-cpu max). The
# console and the results port are files: nothing is read from a terminal.
# A hung guest is killed by its PID (timeout(1) sends SIGKILL, which Bochs
# needs: it ignores SIGTERM) once the time is up; timeout then exits 137.
# --foreground keeps the emulator in this process group, so a signal to the
# group (run.sh stopping, Ctrl-C) reaches it.
if [ -n "$bochs" ]; then
	timeout --foreground -s KILL "$limit" "$bochs/bin/bochs" -q -f "$work/bochsrc" \
		</dev/null >"$work/qemu.log" 2>&1 &
else
	timeout --foreground -s KILL "$limit" "$qemu" -accel tcg -cpu max -m 1G -smp 1 -no-reboot \
		-net none -display none -monitor none \
		-serial "file:$work/console.log" -serial "file:$work/results.bin" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "$cmdline" </dev/null >"$work/qemu.log" 2>&1 &
fi
pid=$!
# Bochs waits at a panic (panic=0) until its time is up, and an oops under
# it has hung the machine before any panic line (seen: 5.10 in ktime_get):
# a watcher stops it at the first panic or oops line instead, and keeps
# that line in WORK/panicked.
rm -f "$work/panicked"
if [ -n "$bochs" ]; then
	while kill -0 "$pid" 2>/dev/null; do
		if grep -a -m 1 -E 'Kernel panic - not syncing|: [0-9a-f]{4} \[#[0-9]+\]' \
			"$work/console.log" >"$work/panicked"; then
			pkill -KILL -P "$pid"
			break
		fi
		rm -f "$work/panicked"
		sleep 1
	done &
fi

# A signal is not a failed boot: the emulator goes (timeout passes SIGTERM on; KILL
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

if [ -s "$work/panicked" ]; then
	echo "no results: stopped at the kernel's panic or oops: $(tr -d '\r' <"$work/panicked")" >&2
	exit 1
fi
if [ "$qrc" = 137 ]; then
	echo "no results: $emu killed after $limit s" >&2
	exit 1
fi
set -- $(head -n 1 "$work/results.bin" | tr -d '\r')
if [ "${1:-} ${2:-}" != "xsave-abi-vm results" ]; then
	why=$(grep -a -m 1 -E 'Kernel panic|xsave-abi-vm: error' "$work/console.log" | tr -d '\r')
	echo "no results: the machine stopped ($emu exit $qrc) before sending any${why:+: $why}" >&2
	exit 1
fi
size=$3 sum=$4
tail -c +$(($(head -n 1 "$work/results.bin" | wc -c) + 1)) "$work/results.bin" >"$work/results.tgz"
if [ "$(wc -c <"$work/results.tgz")" != "$size" ] ||
	[ "$(sha256sum "$work/results.tgz" | cut -d' ' -f1)" != "$sum" ]; then
	echo "no results: the results stream does not match its announced size $size and sha256" >&2
	exit 1
fi
mkdir -p "$work/out"
# The guest's clock may run ahead of the host's: its files' times are not kept
# (tar would warn on stderr, which reads as a failed boot).
tar -C "$work/out" -xzmf "$work/results.tgz" --warning=no-timestamp || { echo "no results: bad tar stream" >&2; exit 1; }
