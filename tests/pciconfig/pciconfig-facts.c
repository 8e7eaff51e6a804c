/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Oracle test, our side: reads an `lspci -xxx`/`-xxxx` dump, decodes every device with
 * pt_pci_config_parse() and prints normalised facts in the shape lspci-facts.awk extracts
 * from the `lspci -F <dump> -vvvnn` output, so that check-dump.sh can diff the two.
 *
 * Facts are printed only where lspci 3.9.0 prints them (e.g. FLReset only for endpoints,
 * extended capabilities only for PCIe/PCI-X functions whose dump reaches 0x100); the values
 * always come from the decoder. Where the decoder lacks a value lspci would show, "unknown"
 * is printed so that the diff fails.
 *
 * Each device is decoded twice: with exactly the dumped bytes (what sysfs would hand us),
 * and zero-padded to 4096 bytes (what a root read of a PCIe function gives when the dump
 * stopped at 256). Both must print the same facts.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/pci-config.h"
#include "util/strbuf.h"

struct dump_dev {
	unsigned domain, bus, dev, fn;
	uint8_t data[PT_PCI_CFG_EXT_SIZE];
	bool seen[PT_PCI_CFG_EXT_SIZE];
	size_t len; /* one past the highest byte given, as lspci's dump reader counts */
};

static struct dump_dev *devs;
static size_t ndevs;
static bool failed;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pciconfig-facts: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failed = true;
}

/* `#` matches a hex digit, anything else itself (the shape pciutils lib/dump.c accepts). */
static bool shape(const char *s, const char *fmt)
{
	for (; *fmt; fmt++, s++)
		if (*fmt == '#' ? !isxdigit((unsigned char)*s) : *fmt != *s)
			return false;
	return true;
}

static bool parse_dev_line(const char *s, struct dump_dev *d)
{
	unsigned dom = 0, bus, dev, fn;

	if (shape(s, "##:##.# ")) {
		if (sscanf(s, "%x:%x.%u", &bus, &dev, &fn) != 3)
			return false;
	} else if (shape(s, "####:##:##.# ") || shape(s, "#####:##:##.# ")) {
		if (sscanf(s, "%x:%x:%x.%u", &dom, &bus, &dev, &fn) != 4)
			return false;
	} else {
		return false;
	}
	memset(d, 0, sizeof(*d));
	d->domain = dom;
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	return true;
}

/* A hex line "XXX: b0 b1 ...": 2 to 8 offset digits, then bytes separated by single spaces. */
static int parse_hex_line(const char *s, struct dump_dev *d)
{
	size_t ndig = 0;
	unsigned long off;
	const char *p;

	while (isxdigit((unsigned char)s[ndig]))
		ndig++;
	if (ndig < 2 || ndig > 8 || s[ndig] != ':' || s[ndig + 1] != ' ')
		return 0; /* not a hex line: decoded text between header and hex lines */
	off = strtoul(s, NULL, 16);
	p = s + ndig + 2;
	while (isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]) &&
	       (p[2] == '\0' || p[2] == ' ')) {
		if (off >= PT_PCI_CFG_EXT_SIZE)
			return -ERANGE;
		d->data[off] = (uint8_t)strtoul((char[]){p[0], p[1], '\0'}, NULL, 16);
		d->seen[off] = true;
		off++;
		if (off > d->len)
			d->len = off;
		p += 2;
		if (*p)
			p++;
	}
	return *p ? -EINVAL : 1;
}

static int read_dump(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct dump_dev *cur = NULL;

	if (!f) {
		perror(path);
		return -errno;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		struct dump_dev tmp;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (parse_dev_line(line, &tmp)) {
			struct dump_dev *nd = realloc(devs, (ndevs + 1) * sizeof(*devs));

			if (!nd)
				abort();
			devs = nd;
			devs[ndevs] = tmp;
			cur = &devs[ndevs++];
		} else if (n == 0) {
			cur = NULL; /* lspci's reader ends a device at an empty line */
		} else if (cur) {
			int r = parse_hex_line(line, cur);

			if (r < 0) {
				fail("malformed hex line: %s", line);
				break;
			}
		}
	}
	free(line);
	fclose(f);
	return 0;
}

static int cmp_dev(const void *a, const void *b)
{
	const struct dump_dev *x = a, *y = b;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->fn != y->fn)
		return x->fn < y->fn ? -1 : 1;
	return 0;
}

static char pm(bool v)
{
	return v ? '+' : '-';
}

static void put(struct pt_strbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct pt_strbuf *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (pt_strbuf_vprintf(o, fmt, ap) < 0)
		abort();
	va_end(ap);
}

static void put_acs(struct pt_strbuf *o, const char *what, uint16_t v)
{
	put(o,
	    "%s SrcValid%c TransBlk%c ReqRedir%c CmpltRedir%c UpstreamFwd%c EgressCtrl%c "
	    "DirectTrans%c\n",
	    what, pm(v & PT_PCI_ACS_SV), pm(v & PT_PCI_ACS_TB), pm(v & PT_PCI_ACS_RR),
	    pm(v & PT_PCI_ACS_CR), pm(v & PT_PCI_ACS_UF), pm(v & PT_PCI_ACS_EC),
	    pm(v & PT_PCI_ACS_DT));
}

/* A ReBAR size code in lspci's units (pciutils ls-ecaps.c print_rebar_range_size). */
static void put_rebar_size(struct pt_strbuf *o, unsigned code)
{
	static const char *const units[] = {"MB", "GB", "TB", "PB", "EB"};

	if (code < 44)
		put(o, " %u%s", 1u << (code % 10), units[code / 10]);
	else
		put(o, " <unknown>");
}

static void put_pcie(struct pt_strbuf *o, const struct pt_pci_config *c, size_t dumplen)
{
	unsigned t = c->pcie_type, size = 16;
	const char *name = pt_pcie_type_name(t);
	bool slot_type = t == PT_PCIE_TYPE_ROOT_PORT || t == PT_PCIE_TYPE_DOWNSTREAM_PORT ||
			 t == PT_PCIE_TYPE_PCI_TO_PCIE_BRIDGE;
	bool link =
		t != PT_PCIE_TYPE_RC_INTEGRATED_ENDPOINT && t != PT_PCIE_TYPE_RC_EVENT_COLLECTOR;

	if (!c->has_pcie_flags) {
		put(o, "exp unknown\n");
		return;
	}
	if (name)
		put(o, "exp v%u %s", c->pcie_version, name);
	else
		put(o, "exp v%u Unknown type %u", c->pcie_version, t);
	if (slot_type)
		put(o, " slot%c", pm(c->pcie_slot));
	put(o, "\n");

	/* lspci fetches DevCap..(Slot|Root) registers in one go and prints nothing without. */
	if (slot_type && c->pcie_slot)
		size = 24;
	if (t == PT_PCIE_TYPE_ROOT_PORT || t == PT_PCIE_TYPE_RC_EVENT_COLLECTOR)
		size = 32;
	if (c->pcie_offset + 4 + size > dumplen)
		return;
	if (t == PT_PCIE_TYPE_ENDPOINT || t == PT_PCIE_TYPE_LEGACY_ENDPOINT ||
	    t == PT_PCIE_TYPE_RC_INTEGRATED_ENDPOINT) {
		if (c->has_pcie_devcap)
			put(o, "flr %c\n", pm(c->pcie_flr));
		else
			put(o, "flr unknown\n");
	}
	if (link) {
		const char *cs = pt_pcie_link_speed_name(c->lnkcap_speed);
		const char *ss = pt_pcie_link_speed_name(c->lnksta_speed);

		if (!c->has_pcie_link) {
			put(o, "link unknown\n");
			return;
		}
		put(o, "lnkcap %s x%u\n", cs ? cs : "unknown", c->lnkcap_width);
		put(o, "lnksta %s x%u\n", ss ? ss : "unknown", c->lnksta_width);
	}
}

static void put_caps(struct pt_strbuf *o, const struct pt_pci_config *c, size_t dumplen)
{
	for (unsigned i = 0; i < c->n_caps; i++) {
		const struct pt_pci_cap *cap = &c->caps[i];

		put(o, "cap %02x\n", cap->offset);
		if (c->has_pcie && cap->offset == c->pcie_offset) {
			put_pcie(o, c, dumplen);
		} else if (c->has_pm && cap->offset == c->pm_offset) {
			if (cap->offset + 8u <= dumplen) {
				if (c->has_pm_ctrl)
					put(o, "nosoftrst %c\n", pm(c->pm_no_soft_reset));
				else
					put(o, "nosoftrst unknown\n");
			}
		} else if (cap->id == PT_PCI_CAP_ID_AF && cap->offset + 6u <= dumplen) {
			/* Only the first AF capability is decoded; a second one would mismatch. */
			if (c->has_af_cap)
				put(o, "af tp%c flr%c\n", pm(c->af_tp), pm(c->af_flr));
			else
				put(o, "af unknown\n");
		}
	}
	switch (c->caps_end) {
	case PT_PCI_WALK_LOOP:
		put(o, "cap %02x looped\n", c->caps_end_at);
		break;
	case PT_PCI_WALK_BROKEN:
		put(o, "cap %02x broken\n", c->caps_end_at);
		break;
	case PT_PCI_WALK_TRUNCATED:
		put(o, "cap denied\n");
		break;
	case PT_PCI_WALK_BAD_PTR:
		put(o, "cap badptr %02x\n", c->caps_end_at); /* lspci would go on: a mismatch */
		break;
	case PT_PCI_WALK_TTL:
		put(o, "cap ttl\n");
		break;
	default:
		break;
	}
}

static void put_rebar(struct pt_strbuf *o, const struct pt_pci_config *c)
{
	for (unsigned i = 0; i < c->n_rebar; i++) {
		const struct pt_pci_rebar *r = &c->rebar[i];

		put(o, "rebar BAR %u: current size:", r->bar);
		put_rebar_size(o, r->cur_size);
		if (r->sizes) {
			put(o, ", supported:");
			for (unsigned n = 0; n < 44; n++)
				if (r->sizes & (UINT64_C(1) << n))
					put_rebar_size(o, n);
		}
		put(o, "\n");
	}
	if (c->rebar_invalid)
		put(o, "rebar invalid\n");
	if (c->rebar_truncated)
		put(o, "rebar unknown\n");
}

static void put_ext_caps(struct pt_strbuf *o, const struct pt_pci_config *c, size_t dumplen)
{
	bool pcie_or_pcix = false;

	/* lspci shows extended capabilities for functions with a PCIe or PCI-X capability. */
	for (unsigned i = 0; i < c->n_caps; i++)
		if (c->caps[i].id == PT_PCI_CAP_ID_EXP || c->caps[i].id == PT_PCI_CAP_ID_PCIX)
			pcie_or_pcix = true;
	if (!pcie_or_pcix || dumplen < PT_PCI_CFG_SPACE_SIZE + 4)
		return;
	if (!c->ext_caps_known) {
		put(o, "ecaps unknown\n");
		return;
	}
	for (unsigned i = 0; i < c->n_ext_caps; i++) {
		const struct pt_pci_cap *cap = &c->ext_caps[i];
		bool first = true;

		put(o, "ecap %03x v%u\n", cap->offset, cap->version);
		for (unsigned j = 0; j < i; j++)
			if (c->ext_caps[j].id == cap->id)
				first = false;
		if (!first)
			continue; /* the decoder keeps the first instance, as the kernel does */
		switch (cap->id) {
		case PT_PCI_EXT_CAP_ID_ACS:
			if (cap->offset + 8u > dumplen)
				break;
			if (!c->has_acs_regs) {
				put(o, "acs unknown\n");
				break;
			}
			put_acs(o, "acscap", c->acs_cap);
			put_acs(o, "acsctl", c->acs_ctrl);
			break;
		case PT_PCI_EXT_CAP_ID_ARI:
			if (cap->offset + 8u > dumplen)
				break;
			if (!c->has_ari_cap) {
				put(o, "ari unknown\n");
				break;
			}
			put(o, "aricap MFVC%c ACS%c, Next Function: %u\n", pm(c->ari_cap & 0x1),
			    pm(c->ari_cap & 0x2), (unsigned)(c->ari_cap >> 8));
			break;
		case PT_PCI_EXT_CAP_ID_SRIOV:
			if (cap->offset + 4u + 0x3c > dumplen)
				break;
			if (!c->has_sriov_regs) {
				put(o, "sriov unknown\n");
				break;
			}
			put(o, "sriov enable%c\n", pm(c->sriov_ctrl & 0x1));
			put(o, "sriov initial %u total %u num %u\n", c->sriov_initial_vfs,
			    c->sriov_total_vfs, c->sriov_num_vfs);
			put(o, "sriov offset %u stride %u did %04x\n", c->sriov_vf_offset,
			    c->sriov_vf_stride, c->sriov_vf_device);
			break;
		case PT_PCI_EXT_CAP_ID_REBAR:
			put_rebar(o, c);
			break;
		}
	}
	switch (c->ext_caps_end) {
	case PT_PCI_WALK_LOOP:
		put(o, "ecap %03x looped\n", c->ext_caps_end_at);
		break;
	case PT_PCI_WALK_BROKEN:
		put(o, "ecap %03x broken\n", c->ext_caps_end_at);
		break;
	case PT_PCI_WALK_BAD_PTR:
		put(o, "ecap badptr %03x\n", c->ext_caps_end_at);
		break;
	case PT_PCI_WALK_TTL:
		put(o, "ecap ttl\n");
		break;
	default:
		break;
	}
}

static void put_facts(struct pt_strbuf *o, const struct dump_dev *d, const struct pt_pci_config *c)
{
	size_t dumplen = d->len;

	put(o, "dev %04x:%02x:%02x.%u\n", d->domain, d->bus, d->dev, d->fn);
	put(o, "id %04x:%04x class %04x rev %02x progif %02x\n", c->vendor, c->device,
	    (unsigned)(c->class >> 8), c->revision, (unsigned)(c->class & 0xff));
	if (c->header_type > PT_PCI_HEADER_CARDBUS) {
		put(o, "htype unknown %02x\n", c->header_type);
		return;
	}
	/* lspci reads CardBus subsystem IDs only when the dump covers the 128-byte header. */
	if (c->has_subsystem && c->subsystem_vendor != 0 && c->subsystem_vendor != 0xffff &&
	    (c->header_type != PT_PCI_HEADER_CARDBUS || dumplen >= 128))
		put(o, "subsys %04x:%04x\n", c->subsystem_vendor, c->subsystem_device);
	if (c->has_bus_numbers)
		put(o, "bus %02x %02x %02x\n", c->primary_bus, c->secondary_bus,
		    c->subordinate_bus);
	put_caps(o, c, dumplen);
	put_ext_caps(o, c, dumplen);
}

/* Invariants of the unknown/absent model that the printed facts cannot show. */
static void check_known(const struct dump_dev *d, const struct pt_pci_config *exact,
			const struct pt_pci_config *padded)
{
	char bdf[32];

	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%u", d->domain, d->bus, d->dev, d->fn);
	if (!exact->caps_known || !padded->caps_known)
		fail("%s: capability list unknown with >= 256 bytes", bdf);
	if (d->len < PT_PCI_CFG_EXT_SIZE) {
		/* Known from a short dump only when the function cannot have extended space. */
		if (exact->ext_caps_known && (exact->has_pcie || exact->ext_space))
			fail("%s: extended capabilities of a PCIe function known from a short dump",
			     bdf);
		if (!padded->ext_caps_known || padded->n_ext_caps != 0 || padded->has_acs)
			fail("%s: zero padding must read as known, no extended caps", bdf);
	} else if (!exact->ext_caps_known) {
		fail("%s: extended capabilities unknown from a 4096-byte dump", bdf);
	}
}

int main(int argc, char **argv)
{
	static uint8_t exact[PT_PCI_CFG_EXT_SIZE], padded[PT_PCI_CFG_EXT_SIZE];
	static struct pt_pci_config ce, cp;

	if (argc != 2) {
		fprintf(stderr, "usage: %s LSPCI-DUMP\n", argv[0]);
		return 2;
	}
	if (read_dump(argv[1]) < 0)
		return 1;
	if (ndevs == 0)
		fail("%s: no devices", argv[1]);
	qsort(devs, ndevs, sizeof(*devs), cmp_dev);

	for (size_t i = 0; i < ndevs; i++) {
		const struct dump_dev *d = &devs[i];
		struct pt_strbuf a = {0}, b = {0};
		int r;

		/* lspci fills bytes a dump skips with 0xff; sysfs never skips any. */
		for (size_t j = 0; j < d->len; j++)
			exact[j] = d->seen[j] ? d->data[j] : 0xff;
		if (memchr(d->seen, 0, d->len))
			fail("%s: the dump skips bytes", argv[1]);
		memset(padded, 0, sizeof(padded));
		memcpy(padded, exact, d->len);

		r = pt_pci_config_parse(exact, d->len, &ce);
		if (r < 0 || pt_pci_config_parse(padded, sizeof(padded), &cp) < 0) {
			fail("%s: parse failed", argv[1]);
			continue;
		}
		check_known(d, &ce, &cp);
		put_facts(&a, d, &ce);
		put_facts(&b, d, &cp);
		if (strcmp(pt_strbuf_str(&a), pt_strbuf_str(&b)) != 0) {
			fprintf(stderr, "exact:\n%spadded:\n%s", pt_strbuf_str(&a),
				pt_strbuf_str(&b));
			fail("%s: exact and zero-padded decodes differ", argv[1]);
		}
		fputs(pt_strbuf_str(&a), stdout);
		pt_strbuf_done(&a);
		pt_strbuf_done(&b);
	}
	free(devs);
	return failed ? 1 : 0;
}
