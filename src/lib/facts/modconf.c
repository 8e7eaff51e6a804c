/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Module configuration: modprobe.d merged as kmod does it (docs/facts.md, "modprobe.d
 * precedence"), the module lists read at boot (/etc/modules, modules-load.d,
 * /etc/initramfs-tools/modules: docs/facts.md, "The initramfs and the order modules load in"),
 * and modules.builtin for the root's kernel.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"

/* modules.builtin: one line per module built into the kernel. */
#define BUILTIN_MAX (16u << 20)

static int read_text(struct pt_root *r, struct pt_host *h, const char *path, size_t max, char **buf,
		     size_t *len)
{
	int e = pt_root_read_file(r, path, max, buf, len);

	if (e < 0 && e != -ENOENT && e != -ENOTDIR && e != -EINVAL)
		pt_facts_problem(h, path, strerror(-e));
	return e;
}

/* The listing of one configuration directory, for pt_modprobe_files_resolve. */
struct listing {
	struct pt_strv names;
	struct pt_modprobe_dirent *entries;
};

static int list_dir(struct pt_root *r, const char *dir, struct listing *l)
{
	char path[PATH_MAX];

	if (pt_root_list(r, dir, &l->names) < 0)
		return 0;
	l->entries = calloc(l->names.n ? l->names.n : 1, sizeof(*l->entries));
	if (!l->entries)
		return -ENOMEM;
	for (size_t i = 0; i < l->names.n; i++) {
		enum pt_ftype t;

		snprintf(path, sizeof(path), "%s/%s", dir, l->names.v[i]);
		l->entries[i].name = l->names.v[i];
		l->entries[i].is_dir = pt_root_stat(r, path, true, &t) == 0 && t == PT_FTYPE_DIR;
	}
	return 0;
}

static int read_modprobe(struct pt_root *r, struct pt_host *h)
{
	/*
	 * Debian 12's kmod 30 reads the four directories it was built with (kmod 30
	 * libkmod/libkmod.c default_config_paths).
	 */
	const char *const *paths = pt_modprobe_dirs_kmod30;
	struct listing lists[8] = {0};
	struct pt_modprobe_dir dirs[8] = {0};
	size_t n = 0;
	int e = 0;

	for (; paths[n] && n < 8 && e >= 0; n++) {
		e = list_dir(r, paths[n], &lists[n]);
		dirs[n] = (struct pt_modprobe_dir){.path = paths[n],
						   .entries = lists[n].entries,
						   .n_entries = lists[n].names.n};
	}
	if (e >= 0)
		e = pt_modprobe_files_resolve(dirs, n, &h->modprobe_files);
	for (size_t i = 0; e >= 0 && i < h->modprobe_files.n_files; i++) {
		const struct pt_modprobe_path *f = &h->modprobe_files.files[i];
		char path[PATH_MAX], *buf = NULL;
		size_t len = 0;

		snprintf(path, sizeof(path), "%s/%s", paths[f->dir], f->name);
		/* A link to /dev/null hides a lower file and contributes nothing. */
		if (read_text(r, h, path, pt_src_max(PT_SRC_MODPROBE_DIRS), &buf, &len) < 0)
			continue;
		e = pt_modprobe_set_add(&h->modprobe, buf, len, path);
		free(buf);
	}
	for (size_t i = 0; i < n; i++) {
		pt_strv_done(&lists[i].names);
		free(lists[i].entries);
	}
	return e;
}

static int add_list(struct pt_root *r, struct pt_host *h, const char *path, size_t max,
		    enum pt_modlist_dialect dialect)
{
	struct pt_modlist_file *files;
	char *buf = NULL;
	size_t len;
	int e;

	if (read_text(r, h, path, max, &buf, &len) < 0)
		return 0;
	files = realloc(h->module_lists, (h->nmodule_lists + 1) * sizeof(*files));
	if (!files) {
		free(buf);
		return -ENOMEM;
	}
	h->module_lists = files;
	files = &files[h->nmodule_lists];
	*files = (struct pt_modlist_file){.path = strdup(path)};
	e = files->path ? pt_modlist_parse(buf, len, dialect, &files->list) : -ENOMEM;
	free(buf);
	if (e < 0) {
		free(files->path);
		return e == -ENOMEM ? e : 0;
	}
	h->nmodule_lists++;
	return 0;
}

/*
 * Debian 12 reads /etc/modules through systemd-modules-load (the link
 * /etc/modules-load.d/modules.conf -> ../modules), so it is listed once, as itself.
 */
static bool is_etc_modules_link(struct pt_root *r, const char *path)
{
	char *target = NULL;
	bool yes = pt_root_readlink(r, path, &target) == 0 &&
		   (streq(target, "../modules") || streq(target, pt_src_path(PT_SRC_ETC_MODULES)));

	free(target);
	return yes;
}

static int read_module_lists(struct pt_root *r, struct pt_host *h)
{
	struct pt_strv seen = {0};
	const char *const *load_dirs = pt_sources[PT_SRC_MODULES_LOAD_DIRS].list;
	int e = add_list(r, h, pt_src_path(PT_SRC_ETC_MODULES), pt_src_max(PT_SRC_ETC_MODULES),
			 PT_MODLIST_SYSTEMD);

	for (size_t d = 0; load_dirs[d] && e >= 0; d++) {
		struct pt_strv names = {0};

		if (pt_root_list(r, load_dirs[d], &names) < 0)
			continue;
		for (size_t i = 0; i < names.n && e >= 0; i++) {
			char path[PATH_MAX];
			size_t nl = strlen(names.v[i]);

			/* Only *.conf, and a name in a higher directory hides the same below. */
			if (nl < 6 || strcmp(names.v[i] + nl - 5, ".conf") != 0 ||
			    pt_strv_contains(&seen, names.v[i]))
				continue;
			e = pt_strv_push(&seen, names.v[i]);
			snprintf(path, sizeof(path), "%s/%s", load_dirs[d], names.v[i]);
			if (e >= 0 && !is_etc_modules_link(r, path))
				e = add_list(r, h, path, pt_src_max(PT_SRC_MODULES_LOAD_DIRS),
					     PT_MODLIST_SYSTEMD);
		}
		pt_strv_done(&names);
	}
	pt_strv_done(&seen);
	if (e >= 0)
		e = add_list(r, h, pt_src_path(PT_SRC_INITRAMFS_MODULES),
			     pt_src_max(PT_SRC_INITRAMFS_MODULES), PT_MODLIST_SHELL);
	return e;
}

static int read_builtin(struct pt_root *r, struct pt_host *h)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len;
	int e;

	if (!h->kernel_release)
		return 0;
	snprintf(path, sizeof(path), "%s/%s/%s", pt_src_path(PT_SRC_MODULES), h->kernel_release,
		 pt_src_module_other[0]);
	if (pt_root_read_file(r, path, BUILTIN_MAX, &buf, &len) < 0)
		return 0;
	e = pt_modbuiltin_parse(buf, len, &h->builtin);
	free(buf);
	if (e == 0)
		h->builtin_known = true;
	return e == -ENOMEM ? e : 0;
}

int pt_facts_modconf(struct pt_root *r, struct pt_host *h)
{
	int e = read_modprobe(r, h);

	if (e >= 0)
		e = read_module_lists(r, h);
	if (e >= 0)
		e = read_builtin(r, h);
	return e;
}

int pt_facts_cpu(struct pt_root *r, struct pt_host *h)
{
	char *buf = NULL;
	size_t len;
	int e = read_text(r, h, pt_src_path(PT_SRC_PROC_CPUINFO), pt_src_max(PT_SRC_PROC_CPUINFO),
			  &buf, &len);

	if (e < 0)
		return 0;
	e = pt_cpuinfo_parse(buf, len, &h->cpu);
	free(buf);
	if (e == 0)
		h->cpu_known = true;
	return e == -ENOMEM ? e : 0;
}
