/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compares what passthru reads from a third-party snapshot with what that project says is
 * in it. Test code: the expected-output readers here parse hwloc's lstopo output and the
 * iommu-listing TSVs just enough for the comparison.
 *
 *   oracle hwloc ROOT EXPECTED(.console|.xml)
 *       every PCI object lstopo printed exists with the same vendor:device and class, and
 *       its nearest enclosing PCI bridge is the device's parent bridge in passthru's model
 *   oracle iommu ROOT EXPECTED.tsv
 *       the same devices, each in the same IOMMU group with the same class and IDs
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "util/macro.h"

static int failures, compared;

static void fail(const char *what, const char *slot, const char *detail)
{
	printf("MISMATCH %s %s: %s\n", slot, what, detail);
	failures++;
}

static const struct pt_pci_dev *find(const struct pt_host *h, const char *slot)
{
	struct pt_bdf b;

	if (pt_bdf_parse(slot, strlen(slot), &b) < 0)
		return NULL;
	return pt_host_find_dev(h, &b);
}

static void check_ids(const struct pt_pci_dev *d, const char *slot, unsigned ven, unsigned dev,
		      unsigned cls)
{
	char buf[96];

	if (d->vendor != ven || d->device != dev) {
		snprintf(buf, sizeof(buf), "want %04x:%04x, have %04x:%04x", ven, dev, d->vendor,
			 d->device);
		fail("id", slot, buf);
	}
	if ((d->class >> 8) != cls) {
		snprintf(buf, sizeof(buf), "want %04x, have %04x", cls, d->class >> 8);
		fail("class", slot, buf);
	}
}

/* ---- hwloc ---- */

struct frame {
	int depth;
	char bridge[PT_BDF_STRLEN]; /* busid when this object is a PCI bridge, else "" */
};

static const char *attr(const char *line, const char *key, char *out, size_t n)
{
	const char *p = strstr(line, key);
	size_t len;

	if (!p)
		return NULL;
	p += strlen(key);
	len = strcspn(p, " \")");
	if (len >= n)
		len = n - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	return out;
}

static void compare_hwloc_object(const struct pt_host *h, const char *busid, unsigned ven,
				 unsigned dev, unsigned cls, const char *parent_bridge)
{
	const struct pt_pci_dev *d = find(h, busid);
	char have[PT_BDF_STRLEN] = "", buf[96];

	compared++;
	if (!d) {
		fail("presence", busid, "listed by hwloc, missing in passthru");
		return;
	}
	check_ids(d, busid, ven, dev, cls);
	/*
	 * hwloc nests by bus ranges among the listed devices; sysfs paths may name bridges the
	 * snapshot does not list (32intel64-2p8co2t+8ve: 0000:5f:03.0). Compare the nearest
	 * listed one; host bridges are not PCI devices in sysfs.
	 */
	for (size_t i = 0; i < d->nupstream; i++)
		if (pt_host_find_dev(h, &d->upstream[i])) {
			pt_bdf_format(&d->upstream[i], have);
			break;
		}
	if (!streq(have, parent_bridge)) {
		snprintf(buf, sizeof(buf), "want parent '%s', have '%s'", parent_bridge, have);
		fail("parent", busid, buf);
	}
}

static int run_hwloc(const struct pt_host *h, FILE *f, bool xml)
{
	struct frame stack[64];
	int top = 0;
	char line[4096];

	stack[0] = (struct frame){.depth = -1};
	while (fgets(line, sizeof(line), f)) {
		int depth = (int)strspn(line, " ");
		char busid[32] = "", id[32] = "", cls[32] = "";
		unsigned ven, dev, c;
		bool opens, closes, is_pci, is_bridge;

		if (xml) {
			opens = strstr(line, "<object ") != NULL;
			closes = strstr(line, "</object>") != NULL;
			if (closes && !opens) {
				top = top > 0 ? top - 1 : 0;
				continue;
			}
			if (!opens)
				continue;
			is_pci = attr(line, "pci_busid=\"", busid, sizeof(busid)) != NULL;
			is_bridge = strstr(line, "bridge_type=\"1-1\"") != NULL;
			if (is_pci && sscanf(strstr(line, "pci_type=\"") + 10, "%x [%x:%x]", &c,
					     &ven, &dev) == 3)
				compare_hwloc_object(h, busid, ven, dev, c, stack[top].bridge);
			if (!strstr(line, "/>") && top < 63) {
				stack[++top] = (struct frame){.depth = depth};
				strcpy(stack[top].bridge,
				       is_bridge ? busid : stack[top - 1].bridge);
			}
			continue;
		}
		/* console: nesting by indentation. */
		while (top > 0 && stack[top].depth >= depth)
			top--;
		is_bridge = strstr(line, "PCIBridge L#") != NULL;
		is_pci = is_bridge || strstr(line, "PCI L#") != NULL;
		if (is_pci && attr(line, "busid=", busid, sizeof(busid)) &&
		    attr(line, " id=", id, sizeof(id)) && attr(line, "class=", cls, sizeof(cls)) &&
		    sscanf(id, "%x:%x", &ven, &dev) == 2 && sscanf(cls, "%x", &c) == 1)
			compare_hwloc_object(h, busid, ven, dev, c, stack[top].bridge);
		if (top < 63) {
			stack[++top] = (struct frame){.depth = depth};
			strcpy(stack[top].bridge, is_bridge ? busid : stack[top - 1].bridge);
			/* Host bridges start a new hierarchy. */
			if (strstr(line, "HostBridge L#"))
				stack[top].bridge[0] = '\0';
		}
	}
	return 0;
}

/* ---- iommu listings ---- */

static int run_iommu(const struct pt_host *h, FILE *f)
{
	char line[1024];
	size_t rows = 0;

	while (fgets(line, sizeof(line), f)) {
		char slot[32];
		int group;
		unsigned cls, ven, dev;
		const struct pt_pci_dev *d;
		char buf[64];

		if (sscanf(line, "%d\t%31s\t%x\t%x:%x", &group, slot, &cls, &ven, &dev) != 5)
			continue;
		rows++;
		compared++;
		d = find(h, slot);
		if (!d) {
			fail("presence", slot, "in the listing, missing in passthru");
			continue;
		}
		check_ids(d, slot, ven, dev, cls >> 8);
		if (!(d->have & PT_PCI_HAVE_GROUP) || d->iommu_group != group) {
			snprintf(buf, sizeof(buf), "want group %d, have %d", group,
				 (d->have & PT_PCI_HAVE_GROUP) ? d->iommu_group : -1);
			fail("group", slot, buf);
		}
	}
	if (rows != h->ndevs) {
		printf("MISMATCH device count: listing %zu, passthru %zu\n", rows, h->ndevs);
		failures++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct pt_root *r = NULL;
	struct pt_host h;
	char *err = NULL;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: oracle hwloc|iommu ROOT EXPECTED\n");
		return 2;
	}
	if (pt_root_open(argv[2], &r, &err) < 0 || pt_facts_gather(r, NULL, &h) < 0) {
		fprintf(stderr, "cannot read %s: %s\n", argv[2], err ? err : "error");
		return 2;
	}
	f = fopen(argv[3], "re");
	if (!f) {
		perror(argv[3]);
		return 2;
	}
	if (streq(argv[1], "hwloc"))
		run_hwloc(&h, f, strstr(argv[3], ".xml") != NULL);
	else
		run_iommu(&h, f);
	fclose(f);
	printf("%d PCI objects compared, %d mismatches\n", compared, failures);
	pt_host_done(&h);
	pt_root_free(r);
	free(err);
	return failures || !compared ? 1 : 0;
}
