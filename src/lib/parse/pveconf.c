/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a qemu-server VM config the way qemu-server's parse_vm_config() (src/PVE/QemuServer.pm)
 * does; the rules are listed in pveconf.h. Every line is kept by offset into the document's
 * bytes, so formatting the document gives the bytes back.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/pveconf-internal.h"
#include "parse/pveconf-keys.h"
#include "parse/pveconf.h"
#include "util/array.h"
#include "util/lines.h"
#include "util/macro.h"

/* Which keys a section's lines are checked against ($section->{schema}). */
enum schema {
	SCHEMA_CONFDESC, /* main, [PENDING], snapshots: the VM options */
	SCHEMA_FLEECING, /* [special:fleecing]: fleecing-images only */
	SCHEMA_NONE,  /* [special:cloudinit]: "ignore validation only used for informative purpose"
		       */
	SCHEMA_UNDEF, /* [special:CloudInit] and such: no schema, check_type() dies */
};

struct parser {
	struct pt_pveconf_doc *doc;
	size_t cap_lines, cap_sections, cap_problems;
	size_t conf;   /* the section keys and description lines go to ($conf) */
	bool skipping; /* in an unknown section ($section undefined) */
	struct pt_strbuf descr;
	bool descr_defined; /* $descr is defined */
	size_t descr_line;  /* the section's first description line */
	bool seen_cr, seen_nul, seen_bad_utf8;
};

bool pveconf_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!pveconf_space(s[i]))
			return false;
	return true;
}

static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned c = s[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

size_t pveconf_utf8_valid_prefix(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq((const unsigned char *)s + i, len - i);

		if (!n)
			break;
		i += n;
	}
	return i;
}

int pveconf_append_printable(struct pt_strbuf *sb, const char *s, size_t len, size_t max)
{
	size_t i = 0;
	int r = 0;

	while (i < len && r >= 0) {
		unsigned char c = (unsigned char)s[i];
		size_t n = utf8_seq((const unsigned char *)s + i, len - i);

		if (i >= max)
			return pt_strbuf_puts(sb, "...");
		if (n == 1 && c >= 0x20 && c != 0x7f)
			r = pt_strbuf_putc(sb, (char)c);
		else if (n > 1)
			r = pt_strbuf_append(sb, s + i, n);
		else
			r = pt_strbuf_printf(sb, "\\x%02x", c);
		i += n ? n : 1;
	}
	return r;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* URI::Escape uri_unescape(): every %XX (two hex digits) becomes its byte. */
static int uri_unescape(struct pt_strbuf *sb, const char *s, size_t len)
{
	int r = pt_strbuf_append(sb, "", 0);

	for (size_t i = 0; i < len && r >= 0; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			r = pt_strbuf_putc(sb, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			r = pt_strbuf_putc(sb, s[i]);
		}
	}
	return r;
}

/* The code point of the UTF-8 sequence ending at s[len-1], with its length; 0 if none. */
static size_t last_code_point(const char *s, size_t len, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t n = 2; n <= 4 && n <= len; n++) {
		size_t start = len - n;

		if (utf8_seq(u + start, n) == n) {
			unsigned v = u[start] & (0xff >> (n + 1));

			for (size_t i = 1; i < n; i++)
				v = v << 6 | (u[start + i] & 0x3f);
			*cp = v;
			return n;
		}
	}
	return 0;
}

/* Perl's \s on a character string (the decoded description): ASCII and Unicode spaces. */
static bool unicode_space(unsigned cp)
{
	return cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* $descr =~ s/\s+$//: the length without trailing white space. */
static size_t trim_description(const char *s, size_t len)
{
	while (len > 0) {
		unsigned cp;
		size_t n;

		if (pveconf_space(s[len - 1])) {
			len--;
			continue;
		}
		n = last_code_point(s, len, &cp);
		if (!n || !unicode_space(cp))
			break;
		len -= n;
	}
	return len;
}

/* Characters as Perl counts them after decoding: each bad byte is one U+FFFD. */
static size_t count_chars(const char *s, size_t len)
{
	size_t i = 0, chars = 0;

	while (i < len) {
		size_t n = utf8_seq((const unsigned char *)s + i, len - i);

		i += n ? n : 1;
		chars++;
	}
	return chars;
}

static char *copy_n(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		if (len)
			memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* ---- problems ---- */

static bool blocks_edit(enum pt_pveconf_problem_kind kind, size_t section)
{
	switch (kind) {
	case PT_PVECONF_DUPLICATE_KEY:
		return section == 0;
	case PT_PVECONF_DUPLICATE_SECTION:
	case PT_PVECONF_UNPARSABLE:
	case PT_PVECONF_CR:
	case PT_PVECONF_NUL:
	case PT_PVECONF_INVALID_UTF8:
	case PT_PVECONF_LINE_TOO_LONG:
	case PT_PVECONF_DESCRIPTION_TOO_LONG:
		return true;
	case PT_PVECONF_UNKNOWN_SECTION:
	case PT_PVECONF_DELETE_OUTSIDE_PENDING:
	case PT_PVECONF_UNKNOWN_KEY:
	case PT_PVECONF_BAD_VALUE:
	case PT_PVECONF_NOT_IN_ENUM:
		break;
	}
	return false;
}

/*
 * Adds a problem. proxmox (if given) is Proxmox's message, "vm N - <what>\n", and the one-line
 * message is made from <what>; otherwise *msg is the message. Takes both strbufs' contents.
 */
static int add_problem(struct parser *p, enum pt_pveconf_problem_kind kind, size_t line,
		       const char *key, struct pt_strbuf *proxmox, struct pt_strbuf *msg)
{
	struct pt_pveconf_doc *doc = p->doc;
	struct pt_pveconf_problem pr = {
		.kind = kind,
		.line = line,
		.no = doc->lines[line].no,
		.blocks_edit = blocks_edit(kind, doc->lines[line].section),
	};
	struct pt_strbuf m = {0};
	int r = 0;

	if (proxmox) {
		char prefix[48];
		size_t skip, len = proxmox->len;

		snprintf(prefix, sizeof(prefix), "vm %lu - ", doc->vmid);
		skip = strlen(prefix);
		if (len > 0 && proxmox->buf[len - 1] == '\n')
			len--;
		/* one line: "format error\nkey: why" reads "format error; key: why" (the empty
		   line after a format's message left out) */
		for (size_t i = skip; i < len && r >= 0;) {
			const char *nl = memchr(proxmox->buf + i, '\n', len - i);
			size_t end = nl ? (size_t)(nl - proxmox->buf) : len;

			if (end > i && m.len > 0)
				r = pt_strbuf_puts(&m, "; ");
			if (r >= 0)
				r = pveconf_append_printable(&m, proxmox->buf + i, end - i, 200);
			i = end + 1;
		}
		pr.proxmox_len = proxmox->len;
		pr.proxmox = pt_strbuf_steal(proxmox);
	} else {
		pr.message = pt_strbuf_steal(msg);
	}
	if (!pr.message)
		pr.message = pt_strbuf_steal(&m);
	pt_strbuf_done(&m);
	if (key)
		pr.key = strdup(key);
	if (r < 0 || !pr.message || (proxmox && !pr.proxmox) || (key && !pr.key) ||
	    !PT_GROW(doc->problems, p->cap_problems, doc->n_problems)) {
		free(pr.message);
		free(pr.proxmox);
		free(pr.key);
		return -ENOMEM;
	}
	doc->problems[doc->n_problems++] = pr;
	return 0;
}

/* Proxmox's "vm <vmid> - " prefix, ready for the rest of its message. */
static int proxmox_start(struct parser *p, struct pt_strbuf *sb)
{
	return pt_strbuf_printf(sb, "vm %lu - ", p->doc->vmid);
}

/* ---- sections and descriptions ---- */

static int finish_description(struct parser *p)
{
	struct pt_pveconf_section *sec = &p->doc->sections[p->conf];
	size_t len;
	int r = 0;

	if (!p->descr_defined)
		return 0;
	len = trim_description(p->descr.buf, p->descr.len);
	free(sec->description);
	sec->description = copy_n(p->descr.buf, len);
	sec->description_len = len;
	if (!sec->description)
		return -ENOMEM;
	if (count_chars(sec->description, len) > PT_PVECONF_MAX_DESCRIPTION) {
		struct pt_strbuf m = {0};

		r = pt_strbuf_printf(&m,
				     "description of %zu characters; Proxmox allows %d "
				     "(qemu-server refuses to set a longer one)",
				     count_chars(sec->description, len),
				     PT_PVECONF_MAX_DESCRIPTION);
		if (r >= 0)
			r = add_problem(p, PT_PVECONF_DESCRIPTION_TOO_LONG, p->descr_line, NULL,
					NULL, &m);
		pt_strbuf_done(&m);
	}
	pt_strbuf_reset(&p->descr);
	p->descr_defined = false;
	return r;
}

static int add_description(struct parser *p, size_t line, const char *s, size_t len, bool newline)
{
	int r;

	if (!p->descr_defined) {
		p->descr_defined = true;
		p->descr_line = line;
	}
	r = uri_unescape(&p->descr, s, len);
	return r < 0 || !newline ? r : pt_strbuf_putc(&p->descr, '\n');
}

static bool caseless_equal(const char *s, size_t len, const char *word)
{
	if (strlen(word) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];

		if (c != word[i])
			return false;
	}
	return true;
}

static bool lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [a-z][a-z0-9_\-]+ with /i */
static bool snapshot_name(const char *s, size_t len)
{
	if (len < 2 || !(lower(s[0]) || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!lower(s[i]) && !(s[i] >= 'A' && s[i] <= 'Z') && !digit(s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return false;
	return true;
}

/*
 * A header ^\[([^\]]*)\]\s*$: sets *inner to what is between the brackets and returns true.
 * Every header pattern of parse_vm_config() has this shape.
 */
static bool header(const char *s, size_t len, const char **inner, size_t *inner_len)
{
	const char *close;

	if (len < 2 || s[0] != '[')
		return false;
	close = memchr(s + 1, ']', len - 1);
	if (!close || !pveconf_blank(close + 1, len - (size_t)(close + 1 - s)))
		return false;
	*inner = s + 1;
	*inner_len = (size_t)(close - s - 1);
	return true;
}

static enum pt_pveconf_section_kind header_kind(const char *in, size_t n, const char **name,
						size_t *name_len)
{
	*name = in;
	*name_len = n;
	if (caseless_equal(in, n, "pending")) {
		*name = "pending";
		*name_len = 7;
		return PT_PVECONF_PENDING;
	}
	if (n > 8 && caseless_equal(in, 8, "special:") &&
	    (caseless_equal(in + 8, n - 8, "cloudinit") ||
	     caseless_equal(in + 8, n - 8, "fleecing"))) {
		*name = in + 8;
		*name_len = n - 8;
		return PT_PVECONF_SPECIAL;
	}
	if (snapshot_name(in, n))
		return PT_PVECONF_SNAPSHOT;
	return PT_PVECONF_UNKNOWN;
}

static int unknown_section(struct parser *p, size_t line, const char *name, size_t len)
{
	struct pt_strbuf px = {0};
	int r = proxmox_start(p, &px);

	if (r >= 0)
		r = pt_strbuf_puts(&px, "skipping unknown section: '");
	if (r >= 0)
		r = pt_strbuf_append(&px, name, len);
	if (r >= 0)
		r = pt_strbuf_puts(&px, "'\n");
	if (r >= 0)
		r = add_problem(p, PT_PVECONF_UNKNOWN_SECTION, line, NULL, &px, NULL);
	pt_strbuf_done(&px);
	return r;
}

static int open_section(struct parser *p, size_t line, const char *inner, size_t inner_len)
{
	struct pt_pveconf_doc *doc = p->doc;
	struct pt_pveconf_section sec = {.header = line, .first = line + 1};
	const char *name;
	size_t name_len;
	int r;

	sec.kind = header_kind(inner, inner_len, &name, &name_len);
	r = finish_description(p);
	if (r < 0)
		return r;
	sec.name = copy_n(name, name_len);
	if (!sec.name || !PT_GROW(doc->sections, p->cap_sections, doc->n_sections)) {
		free(sec.name);
		return -ENOMEM;
	}
	doc->sections[doc->n_sections - 1].end = line;
	doc->sections[doc->n_sections++] = sec;
	doc->lines[line].section = doc->n_sections - 1;
	p->skipping = sec.kind == PT_PVECONF_UNKNOWN;
	if (p->skipping)
		return unknown_section(p, line, inner, inner_len);
	p->conf = doc->n_sections - 1;
	return 0;
}

static enum schema section_schema(const struct pt_pveconf_section *sec)
{
	if (sec->kind != PT_PVECONF_SPECIAL)
		return SCHEMA_CONFDESC;
	if (streq(sec->name, "cloudinit"))
		return SCHEMA_NONE;
	if (streq(sec->name, "fleecing"))
		return SCHEMA_FLEECING;
	return SCHEMA_UNDEF;
}

/* ---- key lines ---- */

/* ^[a-z][a-z_\-]*\d*: the key's length (the ':' follows it), or 0 */
static size_t key_length(const char *s, size_t len)
{
	size_t i = 1;

	if (len < 2 || !lower(s[0]))
		return 0;
	while (i < len && (lower(s[i]) || s[i] == '_' || s[i] == '-'))
		i++;
	while (i < len && digit(s[i]))
		i++;
	return i < len && s[i] == ':' ? i : 0;
}

/*
 * What ":\s*(.+?)\s*$" captures from rest (the bytes after ':'): white space cut on both sides;
 * if there is nothing else, the last white space character. False when rest is empty.
 * need_text: ":\s*(.*\S)\s*$" instead, false without a non-space byte.
 */
static bool capture_value(const char *rest, size_t len, bool need_text, size_t *start, size_t *vlen)
{
	size_t a = 0, b = len;

	while (a < len && pveconf_space(rest[a]))
		a++;
	if (a == len) {
		if (need_text || len == 0)
			return false;
		*start = len - 1;
		*vlen = 1;
		return true;
	}
	while (b > a && pveconf_space(rest[b - 1]))
		b--;
	*start = a;
	*vlen = b - a;
	return true;
}

/* "snapstate:\s*(prepare|delete)\s*$", not anchored at the start */
static bool snapstate(const char *s, size_t len, size_t *start, size_t *vlen)
{
	static const char *const words[] = {"prepare", "delete"};
	size_t end = len;

	while (end > 0 && pveconf_space(s[end - 1]))
		end--;
	for (size_t w = 0; w < ELEMENTSOF(words); w++) {
		size_t n = strlen(words[w]), i;

		if (end < n || memcmp(s + end - n, words[w], n) != 0)
			continue;
		i = end - n;
		while (i > 0 && pveconf_space(s[i - 1]))
			i--;
		if (i >= 10 && memcmp(s + i - 10, "snapstate:", 10) == 0) {
			*start = end - n;
			*vlen = n;
			return true;
		}
	}
	return false;
}

static int set_key(struct pt_pveconf_line *l, const char *key, size_t klen, const char *v,
		   size_t vlen)
{
	l->kind = PT_PVECONF_LINE_KEY;
	l->key = copy_n(key, klen);
	l->value = copy_n(v, vlen);
	l->value_len = vlen;
	if (!l->key || !l->value)
		return -ENOMEM;
	l->name = streq(l->key, "cdrom") ? "ide2" : l->key;
	return 0;
}

/* int(): decimal digits without leading zeros (Perl would print a float past 2^64; we keep) */
static char *perl_int(const char *v, size_t n)
{
	size_t i = 0;

	while (i + 1 < n && v[i] == '0')
		i++;
	if (n - i > 20 || (n - i == 20 && memcmp(v + i, "18446744073709551615", 20) > 0))
		return copy_n(v, n);
	return copy_n(v + i, n - i);
}

static bool all_digits(const char *v, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!digit(v[i]))
			return false;
	return true;
}

/* ^(\d+)(\.\d+)?$ */
static bool plain_number(const char *v, size_t n)
{
	const char *dot = memchr(v, '.', n);

	if (!dot)
		return all_digits(v, n);
	return all_digits(v, (size_t)(dot - v)) && all_digits(dot + 1, n - (size_t)(dot - v) - 1);
}

static int type_failed(struct pt_strbuf *why, const char *type, const char *v, size_t n)
{
	int r = pt_strbuf_printf(why, "type check ('%s') failed - got '", type);

	if (r >= 0)
		r = pt_strbuf_append(why, v, n);
	return r < 0 ? r : pt_strbuf_puts(why, "'\n");
}

/*
 * qemu-server check_type() for a known key: 0 with *effective set, or 1 with Proxmox's reason
 * in why, or -ENOMEM.
 */
static int check_known(const struct pveconf_keytype *t, const char *v, size_t n, char **effective,
		       struct pt_strbuf *why)
{
	struct pt_propstr ps;
	int b, r;

	if (memchr(v, '\n', n) || memchr(v, '\r', n))
		return pt_strbuf_puts(why, "property contains a line feed\n") < 0 ? -ENOMEM : 1;
	switch (t->type) {
	case PVECONF_BOOLEAN:
		b = pt_propstr_parse_boolean(v, n);
		if (b < 0 || memchr(v, '\n', n))
			return type_failed(why, "boolean", v, n) < 0 ? -ENOMEM : 1;
		*effective = copy_n(b ? "1" : "0", 1);
		break;
	case PVECONF_INTEGER:
		if (!all_digits(v, n))
			return type_failed(why, "integer", v, n) < 0 ? -ENOMEM : 1;
		*effective = perl_int(v, n);
		break;
	case PVECONF_NUMBER:
		if (!plain_number(v, n))
			return type_failed(why, "number", v, n) < 0 ? -ENOMEM : 1;
		*effective = copy_n(v, n);
		break;
	case PVECONF_STRING:
		/* $value =~ s/^\"(.*)\"$/$1/ */
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
			*effective = copy_n(v + 1, n - 2);
		else
			*effective = copy_n(v, n);
		break;
	case PVECONF_SCHEMA:
		r = pt_propstr_parse(t->schema, v, n, &ps, why);
		if (r == -EINVAL)
			return 1;
		if (r < 0)
			return r;
		pt_propstr_done(&ps);
		*effective = copy_n(v, n);
		break;
	case PVECONF_FORMAT:
		*effective = copy_n(v, n);
		break;
	}
	return *effective ? 0 : -ENOMEM;
}

static int not_in_enum(struct parser *p, size_t line, const struct pt_pveconf_line *l,
		       const char *const *e)
{
	struct pt_strbuf m = {0};
	int r = 0;

	for (const char *const *i = e; *i; i++)
		if (streq(*i, l->effective))
			return 0;
	r = pt_strbuf_puts(&m, "value '");
	if (r >= 0)
		r = pveconf_append_printable(&m, l->effective, strlen(l->effective), 80);
	if (r >= 0)
		r = pt_strbuf_printf(&m, "' of '%s' is not one Proxmox knows (", l->key);
	for (const char *const *i = e; r >= 0 && *i; i++)
		r = pt_strbuf_printf(&m, "%s%s", i == e ? "" : ", ", *i);
	if (r >= 0)
		r = pt_strbuf_puts(&m, "): qemu-server reads it without a warning and compares it "
				       "as written; its API refuses it");
	if (r >= 0)
		r = add_problem(p, PT_PVECONF_NOT_IN_ENUM, line, l->key, NULL, &m);
	pt_strbuf_done(&m);
	return r;
}

/* "vm N - unable to parse value of 'K' - <why>" */
static int bad_value(struct parser *p, size_t line, enum pt_pveconf_problem_kind kind,
		     const char *key, const struct pt_strbuf *why)
{
	struct pt_strbuf px = {0};
	int r = proxmox_start(p, &px);

	if (r >= 0)
		r = pt_strbuf_printf(&px, "unable to parse value of '%s' - ", key);
	if (r >= 0)
		r = pt_strbuf_append(&px, why->buf, why->len);
	if (r >= 0)
		r = add_problem(p, kind, line, key, &px, NULL);
	pt_strbuf_done(&px);
	return r;
}

/* A "key: value" line that no special case took: check_type() against the section's schema. */
static int generic_key(struct parser *p, size_t line)
{
	struct pt_pveconf_line *l = &p->doc->lines[line];
	enum schema schema = section_schema(&p->doc->sections[p->conf]);
	struct pveconf_keytype t = {.type = PVECONF_FORMAT};
	struct pt_strbuf why = {0};
	enum pt_pveconf_problem_kind kind = PT_PVECONF_BAD_VALUE;
	int r = 0;

	if (schema == SCHEMA_NONE) {
		l->effective = copy_n(l->value, l->value_len);
		return l->effective ? 0 : -ENOMEM;
	}
	if (schema == SCHEMA_UNDEF) {
		r = pt_strbuf_puts(&why, "check_type: no schema defined\n");
	} else if ((schema == SCHEMA_FLEECING && !streq(l->key, "fleecing-images")) ||
		   (schema == SCHEMA_CONFDESC && !pveconf_confdesc(l->key, &t))) {
		kind = PT_PVECONF_UNKNOWN_KEY;
		r = pt_strbuf_printf(&why, "unknown setting '%s'\n", l->key);
	} else {
		r = check_known(&t, l->value, l->value_len, &l->effective, &why);
		if (r == 0 && t.enumeration)
			r = not_in_enum(p, line, l, t.enumeration);
		if (r == 0 && streq(l->key, "description")) {
			struct pt_pveconf_section *sec = &p->doc->sections[p->conf];

			free(sec->description);
			sec->description = copy_n(l->effective, strlen(l->effective));
			sec->description_len = strlen(l->effective);
			r = sec->description ? 0 : -ENOMEM;
		}
	}
	if (r == 1 || (r == 0 && why.len > 0)) {
		l->dropped = true;
		r = bad_value(p, line, kind, l->key, &why);
	}
	pt_strbuf_done(&why);
	return r;
}

static int unparsable(struct parser *p, size_t line, const char *s, size_t len)
{
	struct pt_strbuf px = {0};
	int r = proxmox_start(p, &px);

	p->doc->lines[line].kind = PT_PVECONF_LINE_INVALID;
	p->doc->lines[line].dropped = true;
	if (r >= 0)
		r = pt_strbuf_puts(&px, "unable to parse config: ");
	if (r >= 0)
		r = pt_strbuf_append(&px, s, len);
	if (r >= 0)
		r = pt_strbuf_putc(&px, '\n');
	if (r >= 0)
		r = add_problem(p, PT_PVECONF_UNPARSABLE, line, NULL, &px, NULL);
	pt_strbuf_done(&px);
	return r;
}

static int delete_line(struct parser *p, size_t line)
{
	struct pt_pveconf_line *l = &p->doc->lines[line];
	struct pt_strbuf px = {0};
	int r;

	if (p->doc->sections[p->conf].kind == PT_PVECONF_PENDING) {
		l->effective = copy_n(l->value, l->value_len);
		return l->effective ? 0 : -ENOMEM;
	}
	l->dropped = true;
	r = proxmox_start(p, &px);
	if (r >= 0)
		r = pt_strbuf_puts(&px, "property 'delete' is only allowed in [PENDING]\n");
	if (r >= 0)
		r = add_problem(p, PT_PVECONF_DELETE_OUTSIDE_PENDING, line, "delete", &px, NULL);
	pt_strbuf_done(&px);
	return r;
}

/* A line with text, "key:" prefix: s[0..len) starts with word ':' and has text after it */
static bool special_key(const char *s, size_t len, const char *word, size_t *start, size_t *vlen)
{
	size_t n = strlen(word);

	if (len <= n || memcmp(s, word, n) != 0 || s[n] != ':')
		return false;
	if (!capture_value(s + n + 1, len - n - 1, true, start, vlen))
		return false;
	*start += n + 1;
	return true;
}

/* Everything after blank lines, headers, unknown sections and description lines. */
static int key_line(struct parser *p, size_t line, const char *s, size_t len)
{
	struct pt_pveconf_line *l = &p->doc->lines[line];
	size_t start, vlen, klen;
	int r;

	if (special_key(s, len, "description", &start, &vlen)) {
		r = set_key(l, s, 11, s + start, vlen);
		if (r >= 0)
			r = add_description(p, line, s + start, vlen, false);
		if (r >= 0)
			l->effective = copy_n(l->value, vlen);
		return r < 0 || l->effective ? r : -ENOMEM;
	}
	if (snapstate(s, len, &start, &vlen)) {
		r = set_key(l, "snapstate", 9, s + start, vlen);
		if (r >= 0)
			l->effective = copy_n(l->value, vlen);
		return r < 0 || l->effective ? r : -ENOMEM;
	}
	if (special_key(s, len, "args", &start, &vlen)) {
		r = set_key(l, s, 4, s + start, vlen);
		if (r >= 0)
			l->effective = copy_n(l->value, vlen);
		return r < 0 || l->effective ? r : -ENOMEM;
	}
	if (special_key(s, len, "delete", &start, &vlen)) {
		r = set_key(l, s, 6, s + start, vlen);
		return r < 0 ? r : delete_line(p, line);
	}
	klen = key_length(s, len);
	if (klen && capture_value(s + klen + 1, len - klen - 1, false, &start, &vlen)) {
		r = set_key(l, s, klen, s + klen + 1 + start, vlen);
		return r < 0 ? r : generic_key(p, line);
	}
	return unparsable(p, line, s, len);
}

/* ---- lines ---- */

static int byte_problem(struct parser *p, size_t line, enum pt_pveconf_problem_kind kind,
			const char *text)
{
	struct pt_strbuf m = {0};
	int r = pt_strbuf_puts(&m, text);

	if (r >= 0)
		r = add_problem(p, kind, line, NULL, NULL, &m);
	pt_strbuf_done(&m);
	return r;
}

/* What Proxmox does not care about but a file it wrote never has. */
static int check_bytes(struct parser *p, size_t line, const char *s, size_t len)
{
	int r = 0;

	if (!p->seen_cr && memchr(s, '\r', len)) {
		p->seen_cr = true;
		r = byte_problem(
			p, line, PT_PVECONF_CR,
			"carriage return (a CRLF file?): Proxmox ignores it at the end of a "
			"value, but never writes one");
	}
	if (r >= 0 && !p->seen_nul && memchr(s, '\0', len)) {
		p->seen_nul = true;
		r = byte_problem(p, line, PT_PVECONF_NUL, "NUL byte in the line");
	}
	if (r >= 0 && !p->seen_bad_utf8 && pveconf_utf8_valid_prefix(s, len) != len) {
		p->seen_bad_utf8 = true;
		r = byte_problem(p, line, PT_PVECONF_INVALID_UTF8,
				 "bytes that are not UTF-8 (Proxmox writes UTF-8 only)");
	}
	if (r >= 0 && len > PT_PVECONF_MAX_LINE) {
		struct pt_strbuf m = {0};

		r = pt_strbuf_printf(&m, "line of %zu bytes, longer than any Proxmox writes (%d)",
				     len, PT_PVECONF_MAX_LINE);
		if (r >= 0)
			r = add_problem(p, PT_PVECONF_LINE_TOO_LONG, line, NULL, NULL, &m);
		pt_strbuf_done(&m);
	}
	return r;
}

static int decode_comment(struct pt_pveconf_line *l, const char *s, size_t len)
{
	struct pt_strbuf t = {0};
	int r = uri_unescape(&t, s, len);

	if (r < 0) {
		pt_strbuf_done(&t);
		return r;
	}
	l->text_len = t.len;
	l->text = pt_strbuf_steal(&t);
	return l->text ? 0 : -ENOMEM;
}

static int classify(struct parser *p, size_t line)
{
	struct pt_pveconf_line *l = &p->doc->lines[line];
	const char *s = p->doc->text + l->offset, *inner;
	size_t len = l->len, inner_len;
	int r;

	if (pveconf_blank(s, len))
		return 0;
	if (header(s, len, &inner, &inner_len)) {
		l->kind = PT_PVECONF_LINE_HEADER;
		return open_section(p, line, inner, inner_len);
	}
	if (p->skipping) {
		l->kind = PT_PVECONF_LINE_SKIPPED;
		l->dropped = true;
		return 0;
	}
	if (s[0] == '#') {
		l->kind = PT_PVECONF_LINE_COMMENT;
		r = decode_comment(l, s + 1, len - 1);
		return r < 0 ? r : add_description(p, line, s + 1, len - 1, true);
	}
	return key_line(p, line, s, len);
}

static int add_line(struct parser *p, const struct pt_lines *it, const char *s, size_t len)
{
	struct pt_pveconf_doc *doc = p->doc;

	if (!PT_GROW(doc->lines, p->cap_lines, doc->n_lines))
		return -ENOMEM;
	doc->lines[doc->n_lines++] = (struct pt_pveconf_line){
		.kind = PT_PVECONF_LINE_BLANK,
		.no = it->no,
		.offset = (size_t)(s - doc->text),
		.len = len,
		.has_nl = it->has_nl,
		.section = doc->n_sections - 1,
	};
	return 0;
}

/* ---- whole-document checks ---- */

struct ref {
	const char *name;
	size_t index;
	int kind;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int c = x->kind - y->kind;

	if (c == 0)
		c = strcmp(x->name, y->name);
	if (c == 0)
		c = x->index < y->index ? -1 : x->index > y->index;
	return c;
}

static int duplicate_section(struct parser *p, const struct pt_pveconf_section *sec)
{
	static const char *const what[] = {
		[PT_PVECONF_PENDING] = "section",
		[PT_PVECONF_SPECIAL] = "special section",
		[PT_PVECONF_SNAPSHOT] = "snapshot section",
	};
	struct pt_strbuf px = {0};
	int r = proxmox_start(p, &px);

	if (r >= 0)
		r = pt_strbuf_printf(&px, "duplicate %s: %s\n", what[sec->kind], sec->name);
	if (r >= 0)
		r = add_problem(p, PT_PVECONF_DUPLICATE_SECTION, sec->header, NULL, &px, NULL);
	pt_strbuf_done(&px);
	return r;
}

/* Proxmox keeps the last of sections with the same kind and name and complains at the others. */
static int duplicate_sections(struct parser *p)
{
	struct pt_pveconf_doc *doc = p->doc;
	struct ref *refs = calloc(doc->n_sections ? doc->n_sections : 1, sizeof(*refs));
	size_t n = 0;
	int r = 0;

	if (!refs)
		return -ENOMEM;
	for (size_t i = 1; i < doc->n_sections; i++)
		if (doc->sections[i].kind != PT_PVECONF_UNKNOWN)
			refs[n++] = (struct ref){doc->sections[i].name, i, doc->sections[i].kind};
	qsort(refs, n, sizeof(*refs), cmp_ref);
	for (size_t i = 1; i < n && r >= 0; i++) {
		if (refs[i].kind != refs[i - 1].kind || !streq(refs[i].name, refs[i - 1].name))
			continue;
		doc->sections[refs[i - 1].index].superseded = true;
		r = duplicate_section(p, &doc->sections[refs[i].index]);
	}
	free(refs);
	return r;
}

static int duplicate_key(struct parser *p, const struct ref *first, const struct ref *again)
{
	struct pt_strbuf m = {0};
	int r = pt_strbuf_printf(&m, "'%s' is set again (first on line %u); Proxmox uses the last",
				 again->name, p->doc->lines[first->index].no);

	if (r >= 0)
		r = add_problem(p, PT_PVECONF_DUPLICATE_KEY, again->index, again->name, NULL, &m);
	pt_strbuf_done(&m);
	return r;
}

/* A key set twice in one section: Proxmox silently keeps the last one it accepts. */
static int duplicate_keys(struct parser *p)
{
	struct pt_pveconf_doc *doc = p->doc;
	struct ref *refs = calloc(doc->n_lines ? doc->n_lines : 1, sizeof(*refs));
	size_t n = 0;
	int r = 0;

	if (!refs)
		return -ENOMEM;
	for (size_t i = 0; i < doc->n_lines; i++) {
		const struct pt_pveconf_line *l = &doc->lines[i];

		if (l->kind == PT_PVECONF_LINE_KEY && !streq(l->key, "description"))
			refs[n++] = (struct ref){l->name, i, (int)l->section};
	}
	qsort(refs, n, sizeof(*refs), cmp_ref);
	for (size_t i = 1, first = 0; i < n && r >= 0; i++) {
		if (refs[i].kind != refs[first].kind || !streq(refs[i].name, refs[first].name))
			first = i;
		else
			r = duplicate_key(p, &refs[first], &refs[i]);
	}
	free(refs);
	return r;
}

struct problem_ref {
	size_t line, seq;
	struct pt_pveconf_problem problem;
};

static int cmp_problem(const void *a, const void *b)
{
	const struct problem_ref *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Problems in line order; on one line, in the order they were found. */
static int sort_problems(struct pt_pveconf_doc *doc)
{
	struct problem_ref *v;

	if (doc->n_problems < 2)
		return 0;
	v = calloc(doc->n_problems, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < doc->n_problems; i++)
		v[i] = (struct problem_ref){doc->problems[i].line, i, doc->problems[i]};
	qsort(v, doc->n_problems, sizeof(*v), cmp_problem);
	for (size_t i = 0; i < doc->n_problems; i++)
		doc->problems[i] = v[i].problem;
	free(v);
	return 0;
}

static int parse_lines(struct parser *p)
{
	struct pt_pveconf_doc *doc = p->doc;
	struct pt_lines it = PT_LINES_INIT(doc->text, doc->len);
	const char *s;
	size_t len;
	int r = 0;

	while (r >= 0 && pt_lines_next(&it, &s, &len)) {
		r = add_line(p, &it, s, len);
		if (r >= 0)
			r = classify(p, doc->n_lines - 1);
		if (r >= 0)
			r = check_bytes(p, doc->n_lines - 1, s, len);
	}
	if (r >= 0)
		r = finish_description(p);
	doc->sections[doc->n_sections - 1].end = doc->n_lines;
	if (r >= 0)
		r = duplicate_sections(p);
	if (r >= 0)
		r = duplicate_keys(p);
	if (r >= 0)
		r = sort_problems(doc);
	return r;
}

int pt_pveconf_parse(const char *buf, size_t len, const char *label, unsigned long vmid,
		     struct pt_pveconf_doc *ret)
{
	struct pt_pveconf_doc doc = {.vmid = vmid, .len = len};
	struct parser p = {.doc = &doc};
	int r;

	*ret = (struct pt_pveconf_doc){0};
	if (len > PT_PVECONF_MAX_FILE)
		return -EFBIG;
	if (!buf && len > 0)
		return -EINVAL;
	doc.label = strdup(label ? label : "");
	doc.text = copy_n(buf ? buf : "", len);
	doc.sections = calloc(1, sizeof(*doc.sections));
	if (!doc.label || !doc.text || !doc.sections) {
		pt_pveconf_done(&doc);
		return -ENOMEM;
	}
	p.cap_sections = 1;
	doc.n_sections = 1;
	doc.sections[0] = (struct pt_pveconf_section){
		.kind = PT_PVECONF_MAIN,
		.name = strdup(""),
		.header = PT_PVECONF_NO_LINE,
	};
	r = doc.sections[0].name ? parse_lines(&p) : -ENOMEM;
	pt_strbuf_done(&p.descr);
	if (r < 0) {
		pt_pveconf_done(&doc);
		return r;
	}
	*ret = doc;
	return 0;
}

void pt_pveconf_done(struct pt_pveconf_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->n_lines; i++) {
		free(doc->lines[i].key);
		free(doc->lines[i].value);
		free(doc->lines[i].effective);
		free(doc->lines[i].text);
	}
	for (size_t i = 0; i < doc->n_sections; i++) {
		free(doc->sections[i].name);
		free(doc->sections[i].description);
	}
	for (size_t i = 0; i < doc->n_problems; i++) {
		free(doc->problems[i].key);
		free(doc->problems[i].message);
		free(doc->problems[i].proxmox);
	}
	free(doc->lines);
	free(doc->sections);
	free(doc->problems);
	free(doc->label);
	free(doc->text);
	*doc = (struct pt_pveconf_doc){0};
}

/* ---- queries ---- */

int pt_pveconf_vmid_from_path(const char *path, unsigned long *ret)
{
	static const char dir[] = "/qemu-server/";
	size_t len = strlen(path), end, start;
	unsigned long v = 0;

	if (len < 5 || !streq(path + len - 5, ".conf"))
		return -EINVAL;
	end = start = len - 5;
	while (start > 0 && digit(path[start - 1]))
		start--;
	if (start == end || start < sizeof(dir) - 1 ||
	    memcmp(path + start - (sizeof(dir) - 1), dir, sizeof(dir) - 1) != 0)
		return -EINVAL;
	for (size_t i = start; i < end; i++) {
		if (v > (ULONG_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned long)(path[i] - '0');
	}
	*ret = v;
	return 0;
}

int pt_pveconf_format(const struct pt_pveconf_doc *doc, char **ret, size_t *ret_len)
{
	struct pt_strbuf sb = {0};
	int r = pt_strbuf_append(&sb, "", 0);

	for (size_t i = 0; i < doc->n_lines && r >= 0; i++) {
		const struct pt_pveconf_line *l = &doc->lines[i];

		r = pt_strbuf_append(&sb, doc->text + l->offset, l->len);
		if (r >= 0 && l->has_nl)
			r = pt_strbuf_putc(&sb, '\n');
	}
	if (r < 0) {
		pt_strbuf_done(&sb);
		return r;
	}
	*ret_len = sb.len;
	*ret = pt_strbuf_steal(&sb);
	return 0;
}

const struct pt_pveconf_problem *pt_pveconf_strict_error(const struct pt_pveconf_doc *doc)
{
	for (size_t i = 0; i < doc->n_problems; i++)
		if (doc->problems[i].proxmox)
			return &doc->problems[i];
	return NULL;
}

const struct pt_pveconf_problem *pt_pveconf_edit_blocker(const struct pt_pveconf_doc *doc)
{
	for (size_t i = 0; i < doc->n_problems; i++)
		if (doc->problems[i].blocks_edit)
			return &doc->problems[i];
	return NULL;
}

const struct pt_pveconf_section *pt_pveconf_main(const struct pt_pveconf_doc *doc)
{
	return &doc->sections[0];
}

const struct pt_pveconf_section *pt_pveconf_section(const struct pt_pveconf_doc *doc,
						    enum pt_pveconf_section_kind kind,
						    const char *name)
{
	for (size_t i = doc->n_sections; i-- > 0;) {
		const struct pt_pveconf_section *s = &doc->sections[i];

		if (s->kind == kind && (kind == PT_PVECONF_MAIN || kind == PT_PVECONF_PENDING ||
					(name && streq(s->name, name))))
			return s;
	}
	return NULL;
}

const struct pt_pveconf_line *pt_pveconf_get(const struct pt_pveconf_doc *doc,
					     const struct pt_pveconf_section *sec, const char *name)
{
	for (size_t i = sec->end; i-- > sec->first;) {
		const struct pt_pveconf_line *l = &doc->lines[i];

		if (l->kind == PT_PVECONF_LINE_KEY && !l->dropped && streq(l->name, name))
			return l;
	}
	return NULL;
}

const struct pt_propstr_schema *pt_pveconf_key_schema(const char *name)
{
	struct pveconf_keytype t;

	return pveconf_confdesc(name, &t) && t.type == PVECONF_SCHEMA ? t.schema : NULL;
}

bool pt_pveconf_known_key(const char *name)
{
	struct pveconf_keytype t;

	return pveconf_confdesc(name, &t);
}

const char *pt_pveconf_problem_kind_to_string(enum pt_pveconf_problem_kind kind)
{
	static const char *const names[] = {
		[PT_PVECONF_DUPLICATE_SECTION] = "duplicate-section",
		[PT_PVECONF_UNKNOWN_SECTION] = "unknown-section",
		[PT_PVECONF_DELETE_OUTSIDE_PENDING] = "delete-outside-pending",
		[PT_PVECONF_UNKNOWN_KEY] = "unknown-key",
		[PT_PVECONF_BAD_VALUE] = "bad-value",
		[PT_PVECONF_UNPARSABLE] = "unparsable",
		[PT_PVECONF_DUPLICATE_KEY] = "duplicate-key",
		[PT_PVECONF_NOT_IN_ENUM] = "not-in-enum",
		[PT_PVECONF_CR] = "cr",
		[PT_PVECONF_NUL] = "nul",
		[PT_PVECONF_INVALID_UTF8] = "invalid-utf8",
		[PT_PVECONF_LINE_TOO_LONG] = "line-too-long",
		[PT_PVECONF_DESCRIPTION_TOO_LONG] = "description-too-long",
	};

	return (size_t)kind < ELEMENTSOF(names) && names[kind] ? names[kind] : "?";
}
