/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Edits of a VM config's main section that touch only the line of the key they change. The
 * result is parsed again before it replaces the document, so an edit never leaves a document
 * its own parser would read differently than intended.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "parse/pveconf-internal.h"
#include "parse/pveconf.h"
#include "util/macro.h"
#include "util/strbuf.h"

static int refuse(char **ret_reason, const char *fmt, ...) _printf_(2, 3);
static int refuse(char **ret_reason, const char *fmt, ...)
{
	struct pt_strbuf sb = {0};
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pt_strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	if (r < 0) {
		pt_strbuf_done(&sb);
		return -ENOMEM;
	}
	if (ret_reason)
		*ret_reason = pt_strbuf_steal(&sb);
	pt_strbuf_done(&sb);
	return ret_reason && !*ret_reason ? -ENOMEM : -EINVAL;
}

static int refuse_problem(const struct pt_pveconf_doc *doc, const struct pt_pveconf_problem *pr,
			  const char *what, char **ret_reason)
{
	return refuse(ret_reason, "%s:%u: %s; %s", doc->label, pr->no, pr->message, what);
}

/* ^[a-z][a-z_\-]*\d*$ */
static bool key_syntax(const char *key)
{
	size_t i = 1;

	if (!(key[0] >= 'a' && key[0] <= 'z'))
		return false;
	while ((key[i] >= 'a' && key[i] <= 'z') || key[i] == '_' || key[i] == '-')
		i++;
	while (key[i] >= '0' && key[i] <= '9')
		i++;
	return key[i] == '\0';
}

/* Keys whose lines mean something else than "key: value", or that passthru never writes. */
static bool reserved_key(const char *key)
{
	static const char *const reserved[] = {"description", "delete", "snapstate", "digest",
					       "cdrom"};

	for (size_t i = 0; i < ELEMENTSOF(reserved); i++)
		if (streq(key, reserved[i]))
			return true;
	return false;
}

static int check_key(const char *key, bool must_know, char **ret_reason)
{
	if (!key_syntax(key))
		return refuse(ret_reason, "'%s' is not a config key (keys are [a-z][a-z_-]*[0-9]*)",
			      key);
	if (reserved_key(key))
		return refuse(ret_reason, "passthru does not edit '%s' lines", key);
	if (must_know && !pt_pveconf_known_key(key))
		return refuse(ret_reason, "'%s' is not a VM option qemu-server knows", key);
	return 0;
}

static int check_value(const char *key, const char *value, char **ret_reason)
{
	size_t len = strlen(value);

	if (len == 0)
		return refuse(ret_reason, "an empty value for '%s' cannot be written", key);
	if (pveconf_space(value[0]) || pveconf_space(value[len - 1]))
		return refuse(ret_reason,
			      "the value for '%s' begins or ends with white space, which "
			      "Proxmox cuts off",
			      key);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
			return refuse(ret_reason, "the value for '%s' holds a control character",
				      key);
	if (pveconf_utf8_valid_prefix(value, len) != len)
		return refuse(ret_reason, "the value for '%s' is not UTF-8", key);
	if (strlen(key) + 2 + len > PT_PVECONF_MAX_LINE)
		return refuse(ret_reason, "the value for '%s' is longer than a config line may be",
			      key);
	return 0;
}

static int check_document(const struct pt_pveconf_doc *doc, char **ret_reason)
{
	const struct pt_pveconf_problem *pr = pt_pveconf_edit_blocker(doc);

	if (pr)
		return refuse_problem(doc, pr, "passthru does not edit this file until it is fixed",
				      ret_reason);
	return 0;
}

/* The main-section lines of key name; *ret_n of them, the last in *ret_index. */
static void find_main(const struct pt_pveconf_doc *doc, const char *name, size_t *ret_n,
		      size_t *ret_index)
{
	const struct pt_pveconf_section *main = pt_pveconf_main(doc);

	*ret_n = 0;
	for (size_t i = main->first; i < main->end; i++) {
		const struct pt_pveconf_line *l = &doc->lines[i];

		if (l->kind == PT_PVECONF_LINE_KEY && streq(l->name, name)) {
			(*ret_n)++;
			*ret_index = i;
		}
	}
}

/*
 * Where Proxmox's writer would put a new main-section key: before the first key that sorts after
 * it (Perl's sort: byte order), else after the last key, else after the description, else at the
 * top. Returns the offset of a line start, or doc->len.
 */
static size_t insert_offset(const struct pt_pveconf_doc *doc, const char *key)
{
	const struct pt_pveconf_section *main = pt_pveconf_main(doc);
	const struct pt_pveconf_line *after = NULL;

	for (size_t i = main->first; i < main->end; i++) {
		const struct pt_pveconf_line *l = &doc->lines[i];

		if (l->kind == PT_PVECONF_LINE_KEY && strcmp(l->name, key) > 0)
			return l->offset;
		if (l->kind == PT_PVECONF_LINE_KEY ||
		    (l->kind == PT_PVECONF_LINE_COMMENT &&
		     (!after || after->kind != PT_PVECONF_LINE_KEY)))
			after = l;
	}
	if (!after)
		return 0;
	return after->offset + after->len + (after->has_nl ? 1 : 0);
}

/* new text = text[0..at) + add + text[at + drop..) */
static char *splice(const struct pt_pveconf_doc *doc, size_t at, size_t drop, const char *add,
		    size_t add_len, size_t *ret_len)
{
	size_t len = doc->len - drop + add_len;
	char *t = malloc(len + 1);

	if (!t)
		return NULL;
	memcpy(t, doc->text, at);
	memcpy(t + at, add, add_len);
	memcpy(t + at + add_len, doc->text + at + drop, doc->len - at - drop);
	t[len] = '\0';
	*ret_len = len;
	return t;
}

/* The new line "key: value", with a line end unless it becomes a last line without one. */
static char *new_line(const struct pt_pveconf_doc *doc, size_t at, const char *key,
		      const char *value, bool replace, size_t *ret_len)
{
	struct pt_strbuf sb = {0};
	bool at_end_without_nl =
		!replace && at == doc->len && doc->len > 0 && doc->text[doc->len - 1] != '\n';
	int r = 0;

	if (at_end_without_nl)
		r = pt_strbuf_putc(&sb, '\n');
	if (r >= 0)
		r = pt_strbuf_printf(&sb, "%s: %s", key, value);
	if (r >= 0 && !replace && !at_end_without_nl)
		r = pt_strbuf_putc(&sb, '\n');
	if (r < 0) {
		pt_strbuf_done(&sb);
		return NULL;
	}
	*ret_len = sb.len;
	return pt_strbuf_steal(&sb);
}

/* Parses the edited text; accepts it only if it reads back as intended. */
static int reparse(struct pt_pveconf_doc *doc, char *text, size_t len, const char *key,
		   const char *value, char **ret_reason)
{
	struct pt_pveconf_doc next;
	const struct pt_pveconf_line *l;
	const struct pt_pveconf_problem *pr;
	size_t n, idx = 0;
	int r = pt_pveconf_parse(text, len, doc->label, doc->vmid, &next);

	free(text);
	if (r == -EFBIG)
		return refuse(ret_reason, "%s: the edited file would exceed %d bytes", doc->label,
			      PT_PVECONF_MAX_FILE);
	if (r < 0)
		return r;
	pr = pt_pveconf_edit_blocker(&next);
	find_main(&next, key, &n, &idx);
	l = value ? pt_pveconf_get(&next, pt_pveconf_main(&next), key) : NULL;
	for (size_t i = 0; !pr && value && n == 1 && i < next.n_problems; i++)
		if (next.problems[i].line == idx)
			pr = &next.problems[i];
	if (pr)
		r = refuse_problem(&next, pr, "the edit is not made", ret_reason);
	else if (value && (n != 1 || !l || !streq(l->value, value)))
		r = refuse(ret_reason, "%s: '%s: %s' would not read back as written", doc->label,
			   key, value);
	else if (value && !streq(l->effective, value))
		r = refuse(ret_reason, "Proxmox reads '%s: %s' as '%s'; write that instead", key,
			   value, l->effective);
	else if (!value && n != 0)
		r = refuse(ret_reason, "%s: '%s' is still set after the edit", doc->label, key);
	if (r < 0) {
		pt_pveconf_done(&next);
		return r;
	}
	pt_pveconf_done(doc);
	*doc = next;
	return 0;
}

int pt_pveconf_set(struct pt_pveconf_doc *doc, const char *key, const char *value,
		   char **ret_reason)
{
	size_t n, idx = 0, at, drop = 0, add_len, len;
	char *add, *text;
	int r;

	if (ret_reason)
		*ret_reason = NULL;
	r = check_document(doc, ret_reason);
	if (r >= 0)
		r = check_key(key, true, ret_reason);
	if (r >= 0)
		r = check_value(key, value, ret_reason);
	if (r < 0)
		return r;
	find_main(doc, key, &n, &idx);
	if (n > 1) /* a blocking duplicate already; kept as a guard */
		return refuse(ret_reason, "%s: '%s' is set more than once", doc->label, key);
	if (n == 1) {
		at = doc->lines[idx].offset;
		drop = doc->lines[idx].len;
	} else {
		at = insert_offset(doc, key);
	}
	add = new_line(doc, at, key, value, n == 1, &add_len);
	if (!add)
		return -ENOMEM;
	text = splice(doc, at, drop, add, add_len, &len);
	free(add);
	if (!text)
		return -ENOMEM;
	return reparse(doc, text, len, key, value, ret_reason);
}

int pt_pveconf_delete(struct pt_pveconf_doc *doc, const char *key, char **ret_reason)
{
	const struct pt_pveconf_line *l;
	size_t n, idx = 0, len;
	char *text;
	int r;

	if (ret_reason)
		*ret_reason = NULL;
	r = check_document(doc, ret_reason);
	if (r >= 0)
		r = check_key(key, false, ret_reason);
	if (r < 0)
		return r;
	find_main(doc, key, &n, &idx);
	if (n == 0)
		return -ENOENT;
	if (n > 1)
		return refuse(ret_reason, "%s: '%s' is set more than once", doc->label, key);
	l = &doc->lines[idx];
	text = splice(doc, l->offset, l->len + (l->has_nl ? 1 : 0), "", 0, &len);
	if (!text)
		return -ENOMEM;
	return reparse(doc, text, len, key, NULL, ret_reason);
}
