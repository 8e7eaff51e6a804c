/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modprobe.d parser, merged view and file precedence. Besides "no crash" it checks what callers
 * rely on: line numbers within the input and in order, normalised names without '-' outside
 * [...], words without separators, at most one effective occurrence of a parameter, and a
 * strictly sorted, suffix-filtered file list.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/modprobe.h"
#include "util/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_normalised(const char *s)
{
	assert(s && *s);
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '[') {
			i += strcspn(s + i, "]");
			if (!s[i])
				break;
		} else {
			assert(s[i] != '-');
		}
	}
}

static void check_word(const char *s)
{
	assert(s && *s);
	assert(!strpbrk(s, "\t \n"));
}

static void check_conf(const struct pt_modprobe_conf *c, unsigned max_line)
{
	unsigned prev = 0;

	for (size_t i = 0; i < c->n_cmds; i++) {
		const struct pt_modprobe_cmd *cmd = &c->cmds[i];

		assert(cmd->line >= 1 && cmd->line <= cmd->last_line && cmd->last_line <= max_line);
		assert(cmd->line > prev); /* one command per logical line */
		prev = cmd->line;
		assert(!strchr(cmd->raw, '\n'));
		check_word(cmd->module_raw);
		check_normalised(cmd->module);
		assert(pt_modprobe_name_eq(cmd->module, cmd->module_raw) ||
		       strchr(cmd->module, '['));
		switch (cmd->kind) {
		case PT_MODPROBE_ALIAS:
			check_word(cmd->alias_raw);
			check_normalised(cmd->alias);
			break;
		case PT_MODPROBE_OPTIONS:
			assert(cmd->text && *cmd->text && !strchr(cmd->text, '\t'));
			for (size_t j = 0; j < cmd->n_params; j++) {
				assert(cmd->params[j].raw[0] != '\0');
				assert(cmd->params[j].name);
			}
			break;
		case PT_MODPROBE_INSTALL:
		case PT_MODPROBE_REMOVE:
			assert(cmd->text && *cmd->text);
			break;
		case PT_MODPROBE_SOFTDEP:
			for (size_t j = 0; j < cmd->pre.n; j++)
				check_word(cmd->pre.v[j]);
			for (size_t j = 0; j < cmd->post.n; j++)
				check_word(cmd->post.v[j]);
			break;
		case PT_MODPROBE_WEAKDEP:
			for (size_t j = 0; j < cmd->weak.n; j++)
				check_word(cmd->weak.v[j]);
			break;
		case PT_MODPROBE_BLACKLIST:
			break;
		}
	}
	prev = 0;
	for (size_t i = 0; i < c->n_warnings; i++) {
		const struct pt_modprobe_warning *w = &c->warnings[i];

		assert(w->line >= 1 && w->line <= w->last_line && w->last_line <= max_line);
		assert(w->line >= prev);
		prev = w->line;
		assert(w->token && w->raw);
		assert(pt_modprobe_warn_kind_to_string(w->kind));
		if (w->kmod_logs) {
			struct pt_strbuf sb = {0};

			assert(pt_modprobe_kmod_message(c, w, &sb) == 0);
			pt_strbuf_done(&sb);
		}
	}
}

static void check_view(const struct pt_modprobe_set *set, const struct pt_modprobe_conf *c)
{
	for (size_t i = 0; i < c->n_cmds && i < 16; i++) {
		const char *mod = c->cmds[i].module;
		struct pt_modprobe_refs refs;
		struct pt_modprobe_values vals;
		char *opts;

		for (int k = PT_MODPROBE_ALIAS; k <= PT_MODPROBE_WEAKDEP; k++) {
			size_t eff = 0;

			assert(pt_modprobe_set_find(set, k, mod, &refs) == 0);
			for (size_t j = 0; j < refs.n; j++)
				eff += refs.v[j].effective;
			if (k == PT_MODPROBE_SOFTDEP || k == PT_MODPROBE_INSTALL ||
			    k == PT_MODPROBE_REMOVE || k == PT_MODPROBE_WEAKDEP)
				assert(refs.n == 0 || (eff == 1 && refs.v[0].effective));
			else
				assert(eff == refs.n);
			pt_modprobe_refs_done(&refs);
		}
		assert(pt_modprobe_set_options_string(set, mod, &opts) == 0);
		free(opts);
		if (c->cmds[i].kind == PT_MODPROBE_OPTIONS && c->cmds[i].n_params > 0) {
			size_t eff = 0;

			assert(pt_modprobe_set_param_values(set, mod, c->cmds[i].params[0].name,
							    &vals) == 0);
			assert(vals.n >= 1);
			for (size_t j = 0; j < vals.n; j++)
				eff += vals.v[j].effective;
			assert(eff <= 1);
			pt_modprobe_values_done(&vals);
		}
		if (c->cmds[i].kind == PT_MODPROBE_ALIAS) {
			assert(pt_modprobe_set_lookup_alias(set, c->cmds[i].alias, &refs) == 0);
			pt_modprobe_refs_done(&refs);
		}
		(void)pt_modprobe_set_blacklisted(set, mod, NULL);
	}
}

/* The input's lines as directory entries, spread over three directories by their first byte. */
static void check_files(const uint8_t *data, size_t size)
{
	struct pt_modprobe_dirent ents[3][32];
	size_t n[3] = {0};
	char *copy = malloc(size + 1), *save = NULL;
	struct pt_modprobe_dir dirs[3];
	struct pt_modprobe_files f;

	if (!copy)
		return;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *tok = strtok_r(copy, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		size_t d = (unsigned char)tok[0] % 3;

		if (n[d] < ELEMENTSOF(ents[d]))
			ents[d][n[d]++] = (struct pt_modprobe_dirent){tok, tok[0] == 'D'};
	}
	for (size_t d = 0; d < 3; d++)
		dirs[d] = (struct pt_modprobe_dir){
			.path = d == 0	 ? "/etc/modprobe.d"
				: d == 1 ? "/run/modprobe.d"
					 : "/lib/modprobe.d",
			.entries = ents[d],
			.n_entries = n[d],
		};
	assert(pt_modprobe_files_resolve(dirs, 3, &f) == 0);
	for (size_t i = 0; i < f.n_files; i++) {
		const char *name = f.files[i].name;
		size_t len = strlen(name);

		assert(name[0] != '.');
		assert((len >= 5 && streq(name + len - 5, ".conf")) ||
		       (len >= 6 && streq(name + len - 6, ".alias")));
		assert(f.files[i].dir < 3);
		if (i > 0)
			assert(strcmp(f.files[i - 1].name, name) < 0);
	}
	for (size_t i = 0; i < f.n_skipped; i++)
		if (f.skipped[i].why == PT_MODPROBE_SKIP_SHADOWED)
			assert(f.skipped[i].by_dir < f.skipped[i].dir);
	pt_modprobe_files_done(&f);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_modprobe_set set = {0};
	unsigned max_line = 1;

	for (size_t i = 0; i < size; i++)
		max_line += data[i] == '\n';
	if (pt_modprobe_set_add(&set, (const char *)data, size, "/etc/modprobe.d/fuzz.conf") == 0) {
		assert(set.n_confs == 1);
		check_conf(&set.confs[0], max_line);
		check_view(&set, &set.confs[0]);
	}
	pt_modprobe_set_done(&set);
	if (size < 4096)
		check_files(data, size);
	return 0;
}
