/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/interrupts.h"
#include "util/lines.h"

void pt_interrupts_done(struct pt_interrupts *irq)
{
	pt_strv_done(&irq->ir_chips);
	pt_strv_done(&irq->plain_chips);
	*irq = (struct pt_interrupts){0};
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Next word of [*p, end): sets *w and *wn, advances *p; false at the end. */
static bool next_word(const char **p, const char *end, const char **w, size_t *wn)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	if (s == end)
		return false;
	*w = s;
	while (s < end && !is_blank(*s))
		s++;
	*wn = (size_t)(s - *w);
	*p = s;
	return true;
}

static bool all_digits(const char *w, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (w[i] < '0' || w[i] > '9')
			return false;
	return true;
}

static bool has(const char *w, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(w + i, needle, k) == 0)
			return true;
	return false;
}

/* Chips that interrupt remapping would rename: IO-APIC and the MSI domains. */
static bool remappable(const char *w, size_t n)
{
	/* The IOMMU's own fault interrupts (DMAR-MSI, AMD-Vi) are never remapped. */
	if (has(w, n, "DMAR") || has(w, n, "AMD-Vi"))
		return false;
	return has(w, n, "IO-APIC") || has(w, n, "MSI");
}

static int parse_line(const char *s, const char *end, struct pt_interrupts *irq, bool header)
{
	const char *w;
	size_t wn;
	unsigned counts = 0;

	if (header) {
		while (next_word(&s, end, &w, &wn))
			if (wn > 3 && memcmp(w, "CPU", 3) == 0 && all_digits(w + 3, wn - 3))
				irq->ncpus++;
		return 0;
	}
	/* "  24:" : an IRQ number and a colon. */
	if (!next_word(&s, end, &w, &wn) || wn < 2 || w[wn - 1] != ':' || !all_digits(w, wn - 1))
		return 0;
	while (counts < irq->ncpus && next_word(&s, end, &w, &wn) && all_digits(w, wn))
		counts++;
	if (counts < irq->ncpus || !irq->ncpus || !next_word(&s, end, &w, &wn))
		return 0;
	irq->nlines++;
	if (wn > 3 && memcmp(w, "IR-", 3) == 0)
		return pt_strv_pushn(&irq->ir_chips, w, wn);
	if (remappable(w, wn))
		return pt_strv_pushn(&irq->plain_chips, w, wn);
	return 0;
}

int pt_interrupts_parse(const char *buf, size_t len, struct pt_interrupts *ret)
{
	struct pt_interrupts irq = {0};
	struct pt_lines it = PT_LINES_INIT(buf, len);
	const char *p;
	size_t n;

	if (!buf && len)
		return -EINVAL;
	while (pt_lines_next(&it, &p, &n)) {
		/* The first line is the header: the CPU columns. */
		if (parse_line(p, p + n, &irq, it.no == 1) < 0) {
			pt_interrupts_done(&irq);
			return -ENOMEM;
		}
	}
	pt_strv_sort(&irq.ir_chips);
	pt_strv_uniq(&irq.ir_chips);
	pt_strv_sort(&irq.plain_chips);
	pt_strv_uniq(&irq.plain_chips);
	*ret = irq;
	return 0;
}
