/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One Proxmox VM config, /etc/pve/qemu-server/<vmid>.conf, as a line-preserving document: every
 * line kept with its exact bytes and number (CRLF, a missing final newline, NUL bytes, invalid
 * UTF-8 all survive), classified the way qemu-server's parse_vm_config() (src/PVE/QemuServer.pm)
 * reads it, plus the edits passthru makes to it, which touch only the lines of the keys they
 * change. pt_pveconf_format(pt_pveconf_parse(x)) == x for every input the parser accepts.
 *
 * What parse_vm_config() does, and so what this models (qemu-server, pve-common PVE::Tools and
 * PVE::JSONSchema; ParseUtils for the description codec):
 *  - the file is split at '\n'; a line of white space only (Perl \s: space \t \n \v \f \r) is
 *    skipped everywhere, so a '\r' before '\n' is white space too;
 *  - section headers: "[PENDING]" (any case), "[special:cloudinit]", "[special:fleecing]" (the
 *    name compared in any case, kept as written), a snapshot "[name]" with name
 *    [a-z][a-z0-9_-]+ (any case, at least two characters); any other "[...]" line is an
 *    unknown section: "skipping unknown section: '...'", and its lines are ignored up to the
 *    next header. Trailing white space after ']' is allowed, leading is not. A repeated
 *    [PENDING], special or snapshot section is "duplicate section: pending" / "duplicate special
 *    section: X" / "duplicate snapshot section: X", and the last one replaces the earlier;
 *  - "#text" lines form the section's description: %XX-decoded, joined with '\n', trailing
 *    white space trimmed; "description: text" appends too;
 *  - "key: value" with key [a-z][a-z_-]*\d* (case-sensitive); the value is what follows the ':'
 *    with white space cut on both sides. A line of nothing but "key:" and white space keeps one
 *    white space character as its value (that is what Proxmox's regex captures). "args" is kept
 *    raw; "delete" only in [PENDING]; a line ending in "snapstate: prepare|delete" anywhere is
 *    the snapshot state; "cdrom" is stored as "ide2";
 *  - every other key is checked against the schema of its section (main, [PENDING] and snapshots:
 *    the VM options; [special:fleecing]: fleecing-images only; [special:cloudinit]: nothing
 *    checked): an unknown key, a value with a '\r' inside, a bad boolean, integer or number, or
 *    a property string that does not parse makes "unable to parse value of 'K' - <why>" and the
 *    key is dropped; a line matching nothing is "unable to parse config: <line>";
 *  - non-strict mode warns about each of those and goes on (what `qm` does on every read); strict
 *    mode dies with the first: pt_pveconf_strict_error().
 * Keys are judged where passthru needs a verdict and the rule is confirmed: every boolean,
 * integer and number option (booleans 1|on|yes|true / 0|off|no|false in any case; integers
 * ^\d+$; numbers ^\d+(\.\d+)?$; no minimum or maximum at this stage), the property strings of
 * memory, vga, machine, runningmachine and hostpci0..hostpci15 (parse/hostpci.h's schema: "vm N
 * - unable to parse value of 'hostpci0' - format error\nhost: value does not match the regex
 * pattern\n", and the hostpci is dropped), and the key names (hostpci0..hostpci15, net0..net31,
 * numa0..numa7, ...; "hostpci16" is an unknown setting). Other formats (drives, cpu, net, numaN,
 * ...) are kept and not judged: their strict-mode errors are not modelled.
 * parse_vm_config() does not check enumerations or patterns of plain strings: "bios: OVMF" is
 * read without a word (and is not ovmf). passthru reports such values of bios, ostype and
 * hugepages (PT_PVECONF_NOT_IN_ENUM, with the text Proxmox's API would refuse them with).
 *
 * Limits: a file larger than pmxcfs accepts (pve-cluster src/pmxcfs/memdb.h MEMDB_MAX_FILE_SIZE,
 * 1 MiB) is refused (-EFBIG); a line longer than PT_PVECONF_MAX_LINE and a description longer
 * than the 8192 characters qemu-server's schema allows are problems. None of these is a limit
 * of parse_vm_config() itself, which would read them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "parse/propstr.h"

/* pmxcfs refuses files larger than this (pve-cluster src/pmxcfs/memdb.h MEMDB_MAX_FILE_SIZE). */
#define PT_PVECONF_MAX_FILE (1024 * 1024)
/*
 * Longest line we accept as something Proxmox could have written: a description line of 8192
 * characters, each %XX-escaped UTF-8 of up to 4 bytes (12 bytes), is 96 KiB; no other value
 * comes near.
 */
#define PT_PVECONF_MAX_LINE (128 * 1024)
/*
 * qemu-server $confdesc->{description}->{maxLength}: characters of the decoded text, not bytes
 * (we count each byte of an invalid UTF-8 sequence as one; Perl may count fewer).
 */
#define PT_PVECONF_MAX_DESCRIPTION 8192
/* qemu-server src/PVE/QemuServer/PCI.pm $MAX_HOSTPCI_DEVICES: hostpci0 .. hostpci15. */
#define PT_PVECONF_MAX_HOSTPCI 16

#define PT_PVECONF_NO_LINE ((size_t)-1)

enum pt_pveconf_line_kind {
	PT_PVECONF_LINE_BLANK,	 /* white space only */
	PT_PVECONF_LINE_HEADER,	 /* "[...]" of any section kind, unknown ones included */
	PT_PVECONF_LINE_COMMENT, /* "#text": a line of the section's description */
	PT_PVECONF_LINE_KEY,	 /* "key: value" (also description:, args:, delete:, snapstate) */
	PT_PVECONF_LINE_SKIPPED, /* a line of an unknown section: Proxmox ignores it */
	PT_PVECONF_LINE_INVALID, /* none of these: "unable to parse config: <line>" */
};

enum pt_pveconf_section_kind {
	PT_PVECONF_MAIN, /* the lines before the first header */
	PT_PVECONF_PENDING,
	PT_PVECONF_SPECIAL,  /* [special:cloudinit], [special:fleecing] */
	PT_PVECONF_SNAPSHOT, /* [name] */
	PT_PVECONF_UNKNOWN,  /* any other header: skipped */
};

struct pt_pveconf_line {
	enum pt_pveconf_line_kind kind;
	unsigned no;	/* 1-based */
	size_t offset;	/* of the line's first byte in doc->text */
	size_t len;	/* bytes, without the '\n' (a '\r' before it belongs to the line) */
	bool has_nl;	/* ends with '\n'; only the last line may not */
	size_t section; /* index in doc->sections */
	/* KEY */
	char *key;	  /* as written: "cdrom", "hostpci0", "snapstate" */
	const char *name; /* the key Proxmox stores the value under: "ide2" for "cdrom", else key */
	char *value;	  /* what Proxmox's regex captures (value_len bytes; may hold NUL bytes) */
	size_t value_len;
	char *effective; /* what Proxmox stores: booleans as 1/0, integers without leading
			    zeros, plain strings without surrounding "..."; NULL when dropped */
	/* COMMENT: the text after '#', %XX-decoded (text_len bytes, UTF-8 unless a problem says) */
	char *text;
	size_t text_len;
	/* Proxmox reads the line but keeps nothing of it: a bad value, an unknown key, an
	   unparsable line, a line of an unknown section, "delete" outside [PENDING] */
	bool dropped;
};

struct pt_pveconf_section {
	enum pt_pveconf_section_kind kind;
	char *name;    /* "" (main), "pending", "cloudinit", the snapshot name, the unknown text */
	size_t header; /* index of the header line; PT_PVECONF_NO_LINE for main */
	size_t first, end; /* its other lines: [first, end) */
	bool superseded;   /* a later section of the same kind and name replaced it */
	char *description; /* as Proxmox computes it (description_len bytes), NULL if none */
	size_t description_len;
};

enum pt_pveconf_problem_kind {
	/* parse_vm_config() warns about these (strict mode: dies); ->proxmox has its message */
	PT_PVECONF_DUPLICATE_SECTION,	   /* the earlier section is discarded */
	PT_PVECONF_UNKNOWN_SECTION,	   /* its lines are skipped */
	PT_PVECONF_DELETE_OUTSIDE_PENDING, /* "property 'delete' is only allowed in [PENDING]" */
	PT_PVECONF_UNKNOWN_KEY,		   /* "unknown setting 'K'": dropped (e.g. hostpci16) */
	PT_PVECONF_BAD_VALUE,		   /* "unable to parse value of 'K' - ...": dropped */
	PT_PVECONF_UNPARSABLE,		   /* "unable to parse config: <line>": dropped */
	/* read without a word by Proxmox; passthru reports them (->proxmox is NULL) */
	PT_PVECONF_DUPLICATE_KEY,	 /* a key set again in its section: the last one wins */
	PT_PVECONF_NOT_IN_ENUM,		 /* bios, ostype, hugepages: not a value Proxmox knows */
	PT_PVECONF_CR,			 /* a '\r': not a file Proxmox wrote (first one only) */
	PT_PVECONF_NUL,			 /* a NUL byte (first one only) */
	PT_PVECONF_INVALID_UTF8,	 /* bytes that are not UTF-8 (first line only) */
	PT_PVECONF_LINE_TOO_LONG,	 /* longer than PT_PVECONF_MAX_LINE */
	PT_PVECONF_DESCRIPTION_TOO_LONG, /* over PT_PVECONF_MAX_DESCRIPTION characters */
};

struct pt_pveconf_problem {
	enum pt_pveconf_problem_kind kind;
	size_t line;   /* index in doc->lines */
	unsigned no;   /* its line number */
	char *key;     /* the key concerned, or NULL */
	char *message; /* one printable line (controls and non-UTF-8 bytes as \xNN) */
	/* Proxmox's own message exactly as it warns or dies, "vm 8006 - ...\n" (proxmox_len
	   bytes, may span lines or hold any byte); NULL when Proxmox says nothing */
	char *proxmox;
	size_t proxmox_len;
	/* the document's meaning is unclear, or it is not a file Proxmox wrote: no edit */
	bool blocks_edit;
};

struct pt_pveconf_doc {
	char *label; /* the file name used in messages, e.g. "/etc/pve/qemu-server/105.conf" */
	unsigned long vmid; /* Proxmox's messages say "vm <vmid> - ..." */
	char *text;	    /* the file's bytes (NUL-terminated copy of len bytes) */
	size_t len;
	struct pt_pveconf_line *lines;
	size_t n_lines;
	struct pt_pveconf_section *sections; /* in file order; sections[0] is main */
	size_t n_sections;
	struct pt_pveconf_problem *problems; /* in line order */
	size_t n_problems;
};

/*
 * Parses buf[0..len) (any bytes). label names the file in messages. Returns 0; -EFBIG when len
 * exceeds PT_PVECONF_MAX_FILE; -ENOMEM. Problems never fail the parse. On failure *ret is empty.
 */
int pt_pveconf_parse(const char *buf, size_t len, const char *label, unsigned long vmid,
		     struct pt_pveconf_doc *ret);
void pt_pveconf_done(struct pt_pveconf_doc *doc);

/*
 * The VM id of a config path as parse_vm_config() takes it (m|/qemu-server/(\d+)\.conf$|):
 * 0, or -EINVAL (Proxmox: "got strange filename '<path>'"), or -ERANGE.
 */
int pt_pveconf_vmid_from_path(const char *path, unsigned long *ret);

/* The document's bytes, rebuilt from its lines: equal to what was parsed (or last edited). */
int pt_pveconf_format(const struct pt_pveconf_doc *doc, char **ret, size_t *ret_len);

/* The problem strict mode dies with (the first one Proxmox warns about), or NULL. */
const struct pt_pveconf_problem *pt_pveconf_strict_error(const struct pt_pveconf_doc *doc);
/* The first problem that blocks edits, or NULL. */
const struct pt_pveconf_problem *pt_pveconf_edit_blocker(const struct pt_pveconf_doc *doc);

/* The main section. */
const struct pt_pveconf_section *pt_pveconf_main(const struct pt_pveconf_doc *doc);
/* The section Proxmox keeps for kind and name (the last one; name ignored for MAIN/PENDING). */
const struct pt_pveconf_section *pt_pveconf_section(const struct pt_pveconf_doc *doc,
						    enum pt_pveconf_section_kind kind,
						    const char *name);
/*
 * The line whose value Proxmox keeps for key name ("ide2" finds "cdrom: ...") in section sec:
 * the last one not dropped. NULL when the section has none.
 */
const struct pt_pveconf_line *pt_pveconf_get(const struct pt_pveconf_doc *doc,
					     const struct pt_pveconf_section *sec,
					     const char *name);

/*
 * The schema passthru checks a key's property string with (memory, vga, machine,
 * runningmachine, hostpci0..hostpci15), or NULL for keys it does not judge.
 */
const struct pt_propstr_schema *pt_pveconf_key_schema(const char *name);
/* True for a key qemu-server knows in the main section ("hostpci15" yes, "hostpci16" no). */
bool pt_pveconf_known_key(const char *name);

/*
 * Edits of the main section. Each either succeeds completely or leaves doc untouched, and the
 * result is parsed again (doc then describes it). They refuse, with -EINVAL and *ret_reason (a
 * sentence naming file and line where one is concerned), when:
 *  - the document has a problem that blocks edits (pt_pveconf_edit_blocker());
 *  - the key is not one qemu-server knows, or is one passthru does not write (description,
 *    delete, snapstate, digest, cdrom);
 *  - the value is empty, has surrounding white space, control characters or non-UTF-8 bytes,
 *    or is one Proxmox would drop or change on reading (checked by parsing the result).
 * They do not look at [PENDING] or snapshots: whether to edit a VM with pending changes is the
 * caller's decision.
 */
/*
 * Sets key to value: replaces the key's line (one line, its line end kept), or inserts
 * "key: value" where Proxmox's writer puts it (main-section keys sorted by name) before any
 * section header. Returns 0, -EINVAL (refused), -ENOMEM.
 */
int pt_pveconf_set(struct pt_pveconf_doc *doc, const char *key, const char *value,
		   char **ret_reason);
/* Removes key's line. Returns 0, -ENOENT (no such key), -EINVAL (refused), -ENOMEM. */
int pt_pveconf_delete(struct pt_pveconf_doc *doc, const char *key, char **ret_reason);

const char *pt_pveconf_problem_kind_to_string(enum pt_pveconf_problem_kind kind);
