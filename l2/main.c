// SPDX-License-Identifier: GPL-2.0-only
/*
 * The L2 guest for the QEMU migration test. Command line (-append):
 * "seed=N" (decimal or 0x hex) and, test only, "clobber=1". It fills its
 * state from the seed, prints "l2: ready ...", then halts with interrupts
 * off; each NMI (QMP inject-nmi) checks the state and halts again, so one
 * guest can be checked after each of several migrations.
 */
#include "l2/io.h"
#include "l2/state.h"

#define HVM_START_MAGIC		0x336ec578
#define APIC_SVR		0xfee000f0
#define APIC_LVT_LINT1		0xfee00360
#define APIC_SVR_ENABLE		0x100
#define APIC_DM_NMI		0x400

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
};

struct gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
};

void nmi_entry(void);
extern const char exc_stubs[];

static struct gate idt[32] __attribute__((aligned(16)));
static uint64_t seed = 1;
static bool clobber;
static unsigned int checks;

static void set_gate(unsigned int vec, const void *handler)
{
	uint64_t a = (uint64_t)handler;

	idt[vec] = (struct gate){ .off0 = a, .sel = 0x08, .type = 0x8e,
				  .off1 = a >> 16, .off2 = a >> 32 };
}

static void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = { sizeof(idt) - 1, (uint64_t)idt };
	unsigned int v;

	for (v = 0; v < 32; v++)
		set_gate(v, exc_stubs + 16 * v);
	set_gate(2, nmi_entry);
	asm volatile("lidt %0" : : "m"(p));
}

/* "0x..." or decimal, up to the next space; false if not a number. */
static bool parse_u64(const char *s, uint64_t *v)
{
	unsigned int base = 10, d;
	uint64_t n = 0;
	const char *p = s;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		p += 2;
	}
	for (; *p && *p != ' '; p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else
			return false;
		n = n * base + d;
	}
	*v = n;
	return p > s + (base == 16 ? 2 : 0);
}

static bool starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

static void parse_cmdline(const char *s)
{
	uint64_t v;

	for (; *s; s++) {
		if (s[0] == ' ')
			continue;
		if (starts(s, "seed=") && parse_u64(s + 5, &v))
			seed = v;
		else if (starts(s, "clobber=") && parse_u64(s + 8, &v))
			clobber = v;
		while (s[1] && s[1] != ' ')
			s++;
	}
}

void l2_main(const struct hvm_start_info *si)
{
	idt_init();
	/*
	 * QEMU's inject-nmi goes through the local APIC's LINT1 (x86_nmi(),
	 * and KVM_NMI only when LINT1 is an unmasked NMI), as firmware
	 * would set it up for an OS.
	 */
	*(volatile uint32_t *)APIC_SVR = APIC_SVR_ENABLE | 0xff;
	*(volatile uint32_t *)APIC_LVT_LINT1 = APIC_DM_NMI;
	if (si->magic == HVM_START_MAGIC && si->cmdline_paddr)
		parse_cmdline((const char *)si->cmdline_paddr);
	if (!state_init())
		return;
	state_fill(seed);
	state_ready(seed);
	for (;;)
		asm volatile("hlt");
}

/*
 * clobber=1 changes the state after the first check has reported: later
 * checks must fail, unless a snapshot taken before it is loaded (which
 * also brings the count back, so check 1 runs and clobbers again).
 */
void l2_nmi(void)
{
	state_check(++checks, seed);
	if (clobber && checks == 1)
		state_clobber();
}

/*
 * Vectors 8, 10-14, 17, 21, 29 and 30 push an error code before RIP. A
 * #UD because XCR0 was put back under us (state_xcr0_fixed()) resumes.
 */
bool l2_exception(const uint64_t *frame)
{
	uint64_t vec = frame[0];
	bool err = (1U << vec) & 0x60227d00;

	if (vec == 6 && state_xcr0_fixed())
		return true;
	put_str("l2: error: exception ");
	put_dec(vec);
	put_str(" rip=");
	put_hex(frame[err ? 2 : 1]);
	if (err) {
		put_str(" error=");
		put_hex(frame[1]);
	}
	state_put_regs();
	put_str("\n");
	return false;
}
