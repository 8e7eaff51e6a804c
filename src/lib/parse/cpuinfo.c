/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/cpuinfo; see cpuinfo.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/cpuinfo.h"
#include "util/lines.h"
#include "util/macro.h"
#include "util/parse-num.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool key_is(const char *k, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(k, lit, n) == 0;
}

enum pt_cpu_vendor pt_cpu_vendor_from_id(const char *vendor_id)
{
	static const struct {
		const char *id;
		enum pt_cpu_vendor vendor;
	} table[] = {
		/* linux arch/x86/kernel/cpu/{intel,amd,hygon,centaur,zhaoxin}.c c_ident */
		{"GenuineIntel", PT_CPU_VENDOR_INTEL},	 {"AuthenticAMD", PT_CPU_VENDOR_AMD},
		{"HygonGenuine", PT_CPU_VENDOR_HYGON},	 {"CentaurHauls", PT_CPU_VENDOR_ZHAOXIN},
		{"  Shanghai  ", PT_CPU_VENDOR_ZHAOXIN}, {"Shanghai", PT_CPU_VENDOR_ZHAOXIN},
	};

	if (!vendor_id)
		return PT_CPU_VENDOR_UNKNOWN;
	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		if (streq(vendor_id, table[i].id))
			return table[i].vendor;
	return PT_CPU_VENDOR_OTHER;
}

const char *pt_cpu_vendor_to_string(enum pt_cpu_vendor vendor)
{
	switch (vendor) {
	case PT_CPU_VENDOR_UNKNOWN:
		return "unknown";
	case PT_CPU_VENDOR_INTEL:
		return "intel";
	case PT_CPU_VENDOR_AMD:
		return "amd";
	case PT_CPU_VENDOR_HYGON:
		return "hygon";
	case PT_CPU_VENDOR_ZHAOXIN:
		return "zhaoxin";
	case PT_CPU_VENDOR_OTHER:
		return "other";
	}
	return NULL;
}

/* Space-separated words into a sorted, duplicate-free vector. NUL counts as a separator. */
static int split_flags(const char *v, size_t n, struct pt_strv *sv)
{
	size_t i = 0;

	while (i < n) {
		size_t j;

		while (i < n && (blank(v[i]) || v[i] == '\0'))
			i++;
		for (j = i; j < n && !blank(v[j]) && v[j] != '\0'; j++)
			;
		if (j > i && pt_strv_pushn(sv, v + i, j - i) < 0)
			return -ENOMEM;
		i = j;
	}
	pt_strv_uniq(sv);
	return 0;
}

/* The first processor's raw values, to compare the other blocks with. */
struct first {
	const char *v[5];
	size_t n[5];
	bool set[5];
};

enum { F_VENDOR, F_FAMILY, F_MODEL, F_NAME, F_FLAGS };

static void compare(struct pt_cpuinfo *info, struct first *f, int which, const char *v, size_t n,
		    unsigned line)
{
	bool same = f->set[which] && f->n[which] == n && memcmp(f->v[which], v, n) == 0;

	if (!f->set[which] || same)
		return;
	if (which == F_FLAGS && !info->flags_differ) {
		info->flags_differ = true;
		info->flags_differ_line = line;
	} else if (which != F_FLAGS && !info->identity_differs) {
		info->identity_differs = true;
		info->identity_differs_line = line;
	}
}

static int set_field(struct pt_cpuinfo *info, struct first *f, const char *k, size_t kn,
		     const char *v, size_t vn)
{
	uint32_t num;
	int which = -1;

	if (key_is(k, kn, "vendor_id")) {
		which = F_VENDOR;
		if (!(info->vendor_id = strndup(v, vn)))
			return -ENOMEM;
		info->vendor = pt_cpu_vendor_from_id(info->vendor_id);
	} else if (key_is(k, kn, "model name")) {
		which = F_NAME;
		if (!(info->model_name = strndup(v, vn)))
			return -ENOMEM;
	} else if (key_is(k, kn, "cpu family")) {
		which = F_FAMILY;
		if (pt_parse_u32(v, vn, 10, &num) == 0) {
			info->family = num;
			info->have |= PT_CPUINFO_HAVE_FAMILY;
		}
	} else if (key_is(k, kn, "model")) {
		which = F_MODEL;
		if (pt_parse_u32(v, vn, 10, &num) == 0) {
			info->model = num;
			info->have |= PT_CPUINFO_HAVE_MODEL;
		}
	} else if (key_is(k, kn, "stepping")) {
		if (!(info->have & PT_CPUINFO_HAVE_STEPPING) &&
		    pt_parse_u32(v, vn, 10, &num) == 0) {
			info->stepping = num;
			info->have |= PT_CPUINFO_HAVE_STEPPING;
		}
	} else if (key_is(k, kn, "flags")) {
		which = F_FLAGS;
		info->have |= PT_CPUINFO_HAVE_FLAGS;
		if (split_flags(v, vn, &info->flags) < 0)
			return -ENOMEM;
	} else if (key_is(k, kn, "vmx flags")) {
		if (!(info->have & PT_CPUINFO_HAVE_VMX_FLAGS)) {
			info->have |= PT_CPUINFO_HAVE_VMX_FLAGS;
			if (split_flags(v, vn, &info->vmx_flags) < 0)
				return -ENOMEM;
		}
	}
	if (which >= 0) {
		f->v[which] = v;
		f->n[which] = vn;
		f->set[which] = true;
	}
	return 0;
}

int pt_cpuinfo_parse(const char *buf, size_t len, struct pt_cpuinfo *ret)
{
	struct pt_cpuinfo info = {0};
	struct first f = {0};
	struct pt_lines it = PT_LINES_INIT(buf, len);
	const char *s;
	size_t n;
	int r = 0;

	if (!buf && len)
		return -EINVAL;
	while (r == 0 && pt_lines_next(&it, &s, &n)) {
		const char *colon, *v;
		size_t kn, vn;

		colon = memchr(s, ':', n);
		if (!colon)
			continue;
		kn = (size_t)(colon - s);
		while (kn && blank(s[kn - 1]))
			kn--;
		v = colon + 1;
		vn = n - (size_t)(v - s);
		while (vn && blank(*v)) {
			v++;
			vn--;
		}
		while (vn && blank(v[vn - 1]))
			vn--;

		if (key_is(s, kn, "processor")) {
			info.n_processors++;
			continue;
		}
		/* Fields before the first "processor" line belong to the first block too. */
		if (info.n_processors <= 1) {
			bool seen = (key_is(s, kn, "vendor_id") && info.vendor_id) ||
				    (key_is(s, kn, "model name") && info.model_name) ||
				    (key_is(s, kn, "cpu family") && f.set[F_FAMILY]) ||
				    (key_is(s, kn, "model") && f.set[F_MODEL]) ||
				    (key_is(s, kn, "flags") && f.set[F_FLAGS]);

			if (!seen) {
				r = set_field(&info, &f, s, kn, v, vn);
				continue;
			}
		}
		if (key_is(s, kn, "vendor_id"))
			compare(&info, &f, F_VENDOR, v, vn, it.no);
		else if (key_is(s, kn, "cpu family"))
			compare(&info, &f, F_FAMILY, v, vn, it.no);
		else if (key_is(s, kn, "model"))
			compare(&info, &f, F_MODEL, v, vn, it.no);
		else if (key_is(s, kn, "model name"))
			compare(&info, &f, F_NAME, v, vn, it.no);
		else if (key_is(s, kn, "flags"))
			compare(&info, &f, F_FLAGS, v, vn, it.no);
	}
	if (r < 0) {
		pt_cpuinfo_done(&info);
		return r;
	}
	*ret = info;
	return 0;
}

void pt_cpuinfo_done(struct pt_cpuinfo *info)
{
	if (!info)
		return;
	free(info->vendor_id);
	free(info->model_name);
	pt_strv_done(&info->flags);
	pt_strv_done(&info->vmx_flags);
	memset(info, 0, sizeof(*info));
}

static int cmp_str(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

static bool strv_bsearch(const struct pt_strv *sv, const char *s)
{
	return sv->n && bsearch(s, sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

bool pt_cpuinfo_has_flag(const struct pt_cpuinfo *info, const char *flag)
{
	return info && strv_bsearch(&info->flags, flag);
}

bool pt_cpuinfo_has_vmx_flag(const struct pt_cpuinfo *info, const char *flag)
{
	return info && strv_bsearch(&info->vmx_flags, flag);
}
