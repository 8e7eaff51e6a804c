/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NICs that carry the default route (docs/facts.md, "What Proxmox does with a shared
 * group"): the IPv4 default route of lowest metric in /proc/net/route, its interface in
 * /sys/class/net, and below a bridge (brif/, Proxmox 's vmbr0), a bond (bonding/slaves) or a
 * VLAN (lower_*) the ports under it; each port resolved to the PCI device it hangs off: the last
 * PCI address in its /sys/devices path (a USB NIC resolves to its USB controller).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "parse/route.h"
#include "util/macro.h"
#include "util/path.h"

#define CLASS_NET pt_src_path(PT_SRC_CLASS_NET)
#define MAX_DEPTH 8

struct walk {
	struct pt_root *r;
	struct pt_host *h;
	const char *route_iface;
	int err;
};

static bool is_name(const char *s)
{
	return s[0] && !strchr(s, '/') && !streq(s, ".") && !streq(s, "..") &&
	       strlen(s) <= NAME_MAX;
}

static void add(struct walk *w, const char *iface, char *sys_path, const char *unknown)
{
	struct pt_uplink *v = realloc(w->h->uplinks, (w->h->nuplinks + 1) * sizeof(*v));
	struct pt_uplink *u;

	if (!v) {
		free(sys_path);
		w->err = -ENOMEM;
		return;
	}
	w->h->uplinks = v;
	u = &v[w->h->nuplinks++];
	*u = (struct pt_uplink){.route_iface = strdup(w->route_iface),
				.iface = strdup(iface),
				.sys_path = sys_path};
	if (unknown && asprintf(&u->unknown, "%s: %s", iface, unknown) < 0)
		u->unknown = NULL, w->err = -ENOMEM;
	if (!u->route_iface || !u->iface)
		w->err = -ENOMEM;
	if (sys_path && pt_bdf_last_in_path(sys_path, &u->dev) == 0)
		u->has_dev = true;
}

/* The interfaces under a bridge, bond or VLAN: the entries of brif/, bonding/slaves, lower_ links.
 */
static int lowers(struct walk *w, const char *name, struct pt_strv *ret)
{
	struct pt_strv entries = {0};
	char path[PATH_MAX], *slaves = NULL;
	int e = 0;

	snprintf(path, sizeof(path), "%s/%s/brif", CLASS_NET, name);
	if (pt_root_list(w->r, path, ret) == -ENOMEM)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/%s", CLASS_NET, name);
	if (pt_root_list(w->r, path, &entries) == 0)
		for (size_t i = 0; i < entries.n && e >= 0; i++)
			if (strncmp(entries.v[i], "lower_", 6) == 0 && entries.v[i][6])
				e = pt_strv_push(ret, entries.v[i] + 6);
	pt_strv_done(&entries);
	snprintf(path, sizeof(path), "%s/%s/bonding/slaves", CLASS_NET, name);
	if (e >= 0 && pt_facts_attr(w->r, w->h, path, &slaves) == 0) {
		for (char *p = slaves; *p && e >= 0;) {
			size_t n = strcspn(p, " \t\n");

			if (n)
				e = pt_strv_pushn(ret, p, n);
			p += n;
			p += strspn(p, " \t\n");
		}
	}
	free(slaves);
	if (e >= 0)
		pt_strv_uniq(ret);
	return e;
}

static void walk_net(struct walk *w, const char *name, unsigned depth)
{
	struct pt_strv low = {0};
	char path[PATH_MAX], *target = NULL, *sys_path;
	struct pt_bdf b;

	if (!is_name(name)) {
		add(w, "?", NULL, "not an interface name");
		return;
	}
	if (pt_strv_contains(&w->h->nets_read, name))
		return; /* seen: a loop in a corrupt root, or two routes over one port */
	if (depth > MAX_DEPTH) {
		add(w, name, NULL, "interfaces stacked too deep");
		return;
	}
	if (pt_strv_push(&w->h->nets_read, name) < 0) {
		w->err = -ENOMEM;
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", CLASS_NET, name);
	if (pt_root_readlink(w->r, path, &target) < 0) {
		add(w, name, NULL, "not in /sys/class/net");
		return;
	}
	sys_path = pt_path_resolve_link(path, target);
	free(target);
	if (!sys_path) {
		w->err = -ENOMEM;
		return;
	}
	if (pt_bdf_last_in_path(sys_path, &b) == 0) {
		add(w, name, sys_path, NULL);
		return;
	}
	if ((w->err = lowers(w, name, &low)) < 0) {
		free(sys_path);
		return;
	}
	if (!low.n) {
		/* Virtual with nothing below (a tunnel, a VM's tap): not a PCI device. */
		if (streq(name, w->route_iface))
			add(w, name, sys_path, NULL);
		else
			free(sys_path);
	} else {
		free(sys_path);
		for (size_t i = 0; i < low.n && w->err >= 0; i++)
			walk_net(w, low.v[i], depth + 1);
	}
	pt_strv_done(&low);
}

int pt_facts_uplinks(struct pt_root *r, struct pt_host *h)
{
	struct pt_routes routes;
	struct walk w = {.r = r, .h = h};
	char *buf = NULL;
	size_t len;
	int e = pt_facts_read(r, h, pt_src_path(PT_SRC_ROUTES), pt_src_max(PT_SRC_ROUTES), &buf,
			      &len);

	if (e < 0)
		return 0;
	e = pt_routes_parse(buf, len, &routes);
	free(buf);
	if (e < 0)
		return e;
	h->routes_known = true;
	for (size_t i = 0; i < routes.n && w.err >= 0; i++) {
		if (!pt_routes_is_default(&routes, i))
			continue;
		h->routes_have_default = true;
		w.route_iface = routes.v[i].iface;
		walk_net(&w, routes.v[i].iface, 0);
	}
	pt_routes_done(&routes);
	pt_strv_uniq(&h->nets_read);
	return w.err;
}
