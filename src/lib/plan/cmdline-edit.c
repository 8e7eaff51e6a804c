/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "cmdline-edit.h"
#include "parse/cmdline.h"

/*
 * Whether the kernel already sees token as the last occurrence of its parameter: name and
 * value as the kernel parses them (quotes stripped, '-' and '_' alike in the name), so
 * intel_iommu="on" is intel_iommu=on, and vfio_pci.ids=x is vfio-pci.ids=x.
 */
bool pt_plan_cmdline_in_force(const struct pt_cmdline *cl, const char *token)
{
	struct pt_cmdline want = {0};
	const struct pt_cmdline_param *p, *t;
	bool yes = false;

	if (pt_cmdline_parse(token, strlen(token), &want) < 0)
		return false;
	if (want.n == 1) {
		t = &want.params[0];
		p = pt_cmdline_find_last(cl, t->name);
		yes = p && (p->value ? t->value && streq(p->value, t->value) : !t->value);
	}
	pt_cmdline_done(&want);
	return yes;
}

int pt_plan_cmdline_append(const char *buf, size_t len, const char *const *tokens, size_t n,
			   struct pt_strbuf *out, size_t *ret_added)
{
	struct pt_cmdline cl = {0};
	int e = pt_cmdline_parse(buf, pt_cmdline_first_line(buf, len), &cl);

	e = pt_plan_cmdline_append_to(buf, len, &cl, e, tokens, n, out, ret_added);
	pt_cmdline_done(&cl);
	return e;
}

int pt_plan_cmdline_append_to(const char *buf, size_t len, const struct pt_cmdline *cl,
			      int parse_err, const char *const *tokens, size_t n,
			      struct pt_strbuf *out, size_t *ret_added)
{
	struct pt_strbuf add = {0};
	size_t at, added = 0;
	int e = 0;

	*ret_added = 0;
	if (parse_err < 0)
		return parse_err;
	if (cl->unterminated)
		return -EINVAL;
	/* After the last kernel parameter; before "--" when there is one. */
	if (cl->dashes != PT_CMDLINE_NO_DASHES)
		at = cl->params[cl->dashes].offset;
	else if (cl->n)
		at = cl->params[cl->n - 1].offset + cl->params[cl->n - 1].len;
	else
		at = 0;
	for (size_t i = 0; e >= 0 && i < n; i++) {
		if (pt_plan_cmdline_in_force(cl, tokens[i]))
			continue;
		for (size_t j = 0; j < i; j++)
			if (streq(tokens[j], tokens[i]))
				goto next;
		if (add.len || at > 0)
			e = pt_strbuf_putc(&add, ' ');
		if (e >= 0)
			e = pt_strbuf_puts(&add, tokens[i]);
		added++;
	next:;
	}
	/* Before "--": the separator goes after the tokens instead. */
	if (e >= 0 && added && cl->dashes != PT_CMDLINE_NO_DASHES) {
		if (at > 0)
			memmove(add.buf, add.buf + 1, add.len--);
		e = pt_strbuf_putc(&add, ' ');
	}
	if (e >= 0)
		e = pt_strbuf_append(out, buf, at);
	if (e >= 0 && added)
		e = pt_strbuf_append(out, add.buf, add.len);
	if (e >= 0)
		e = pt_strbuf_append(out, buf + at, len - at);
	pt_strbuf_done(&add);
	if (e < 0)
		return e;
	*ret_added = added;
	return 0;
}
