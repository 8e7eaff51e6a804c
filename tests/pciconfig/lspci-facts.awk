# SPDX-License-Identifier: GPL-2.0-or-later
#
# Oracle test, lspci's side: extracts normalised facts from `lspci -F <dump> -vvvnn` output
# (pciutils 3.9.0) in the shape pciconfig-facts prints them. POSIX awk only (mawk on
# Debian 12): no interval expressions, no gawk extensions.
#
# Lines: one tab = a device-level item, two tabs = details of the current capability,
# three tabs = continuation of the previous detail line.

# The flag character after NAME in s ("FLReset+" -> "+"), or "?" when absent.
function flag(s, name,    i) {
	i = index(s, name)
	if (!i)
		return "?"
	return substr(s, i + length(name), 1)
}

# The last "[xxxx:xxxx]" id pair in s, without brackets.
function last_id(s,    rest, id) {
	id = ""
	rest = s
	while (match(rest, /\[[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f][0-9a-f][0-9a-f]\]/)) {
		id = substr(rest, RSTART + 1, 9)
		rest = substr(rest, RSTART + RLENGTH)
	}
	return id
}

function strip_detail(s) {
	sub(/^\t\t[A-Za-z0-9]*:[ \t]*/, "", s)
	return s
}

# Device header: [DDDD:]BB:DD.F <class name> [cccc]: <names> [vvvv:dddd] (rev rr) (prog-if pp ...)
/^([0-9a-f]+:)?[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\.[0-7] / {
	bdf = $1
	if (split(bdf, parts, ":") == 2)
		bdf = "0000:" bdf
	cls = "????"
	if (match($0, / \[[0-9a-f][0-9a-f][0-9a-f][0-9a-f]\]: /))
		cls = substr($0, RSTART + 2, 4)
	rev = "00"
	if (match($0, / \(rev [0-9a-f][0-9a-f]\)/))
		rev = substr($0, RSTART + 6, 2)
	progif = "00"
	if (match($0, / \(prog-if [0-9a-f][0-9a-f]/))
		progif = substr($0, RSTART + 10, 2)
	print "dev " bdf
	print "id " last_id($0) " class " cls " rev " rev " progif " progif
	cap = ""
	sub_ = ""
	next
}

/^\t!!! Unknown header type / {
	print "htype unknown " $NF
	next
}

/^\tSubsystem: / {
	print "subsys " last_id($0)
	next
}

/^\tBus: primary=/ {
	split($0, kv, /[=,]/)
	print "bus " kv[2] " " kv[4] " " kv[6]
	next
}

/^\tCapabilities: <access denied>/ {
	print "cap denied"
	next
}

# Standard capability: "[xx] <text>".
/^\tCapabilities: \[[0-9a-f][0-9a-f]\] / {
	off = substr($0, 17, 2)
	rest = substr($0, 21)
	sub_ = ""
	if (rest ~ /^<chain looped>/) {
		print "cap " off " looped"
		cap = ""
		next
	}
	if (rest ~ /^<chain broken>/) {
		print "cap " off " broken"
		cap = ""
		next
	}
	print "cap " off
	cap = "other"
	if (rest ~ /^Express /) {
		cap = "exp"
		# "Express (v2) Root Port (Slot+), MSI 00"
		ver = rest
		sub(/^Express \(v/, "", ver)
		sub(/\).*/, "", ver)
		type = rest
		sub(/^Express \(v[0-9]+\) /, "", type)
		sub(/, MSI [0-9a-f]+$/, "", type)
		slot = ""
		if (match(type, / \(Slot[-+]\)$/)) {
			slot = " slot" substr(type, RSTART + 6, 1)
			type = substr(type, 1, RSTART - 1)
		}
		print "exp v" ver " " type slot
	} else if (rest ~ /^Power Management version /) {
		cap = "pm"
	} else if (rest ~ /^PCI Advanced Features/) {
		cap = "af"
	}
	next
}

# Extended capability: "[xxx vN] <text>".
/^\tCapabilities: \[[0-9a-f][0-9a-f][0-9a-f] v[0-9]+\] / {
	off = substr($0, 17, 3)
	i = index($0, "] ")
	ver = substr($0, 21, i - 21)
	rest = substr($0, i + 2)
	sub_ = ""
	if (rest ~ /^<chain looped>/) {
		print "ecap " off " looped"
		cap = ""
		next
	}
	print "ecap " off " " ver
	cap = "other"
	if (rest ~ /^Access Control Services/)
		cap = "acs"
	else if (rest ~ /^Physical Resizable BAR/)
		cap = "rebar"
	else if (rest ~ /^Single Root I\/O Virtualization/)
		cap = "sriov"
	else if (rest ~ /^Alternative Routing-ID Interpretation/)
		cap = "ari"
	next
}

# Any other device-level line ends the capability context.
/^\t[^\t]/ {
	cap = ""
	sub_ = ""
	next
}

cap == "exp" && /^\t\tDevCap:/ { sub_ = "devcap"; next }
cap == "exp" && /^\t\t\t/ && sub_ == "devcap" {
	f = flag($0, "FLReset")
	if (f != "?")
		print "flr " f
	next
}
cap == "exp" && /^\t\tLnkCap:/ {
	match($0, /Speed [^ ,]+/)
	sp = substr($0, RSTART + 6, RLENGTH - 6)
	match($0, /Width x[0-9]+/)
	print "lnkcap " sp " " substr($0, RSTART + 6, RLENGTH - 6)
	sub_ = "lnkcap"
	next
}
cap == "exp" && /^\t\tLnkSta:/ {
	match($0, /Speed [^ ,]+/)
	sp = substr($0, RSTART + 6, RLENGTH - 6)
	match($0, /Width x[0-9]+/)
	print "lnksta " sp " " substr($0, RSTART + 6, RLENGTH - 6)
	sub_ = "lnksta"
	next
}
cap == "exp" && /^\t\t[^\t]/ { sub_ = ""; next }

cap == "pm" && /^\t\tStatus: / {
	print "nosoftrst " flag($0, "NoSoftRst")
	next
}

cap == "af" && /^\t\tAFCap: / {
	print "af tp" flag($0, "TP") " flr" flag($0, "FLR")
	next
}

cap == "acs" && /^\t\tACSCap:/ { print "acscap " strip_detail($0); next }
cap == "acs" && /^\t\tACSCtl:/ { print "acsctl " strip_detail($0); next }

cap == "ari" && /^\t\tARICap:/ { print "aricap " strip_detail($0); next }

cap == "rebar" && /^\t\tBAR [0-9]+: / {
	s = $0
	sub(/^\t\t/, "", s)
	print "rebar " s
	next
}
cap == "rebar" && /^\t\t<error in resizable BAR/ { print "rebar invalid"; next }

cap == "sriov" && /^\t\tIOVCtl:/ { print "sriov enable" flag($0, "Enable"); next }
cap == "sriov" && /^\t\tInitial VFs: / {
	split($0, w, /[:,] */)
	# "Initial VFs", n, "Total VFs", n, "Number of VFs", n, ...
	print "sriov initial " w[2] " total " w[4] " num " w[6]
	next
}
cap == "sriov" && /^\t\tVF offset: / {
	split($0, w, /[:,] */)
	print "sriov offset " w[2] " stride " w[4] " did " w[6]
	next
}
