#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Oracle test for one lspci dump: the facts pciconfig-facts decodes from the raw bytes must
# equal the facts lspci-facts.awk reads from lspci 3.9.0's -vvvnn output of the same dump.
# usage: check-dump.sh PCICONFIG-FACTS LSPCI-FACTS.AWK DUMP VVVNN
set -eu

facts=$1
awk_script=$2
dump=$3
vvvnn=$4

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

"$facts" "$dump" >"$tmp/decoded"
LC_ALL=C awk -f "$awk_script" "$vvvnn" >"$tmp/lspci"

if ! diff -u "$tmp/lspci" "$tmp/decoded"; then
	echo "FAIL: decoder (+) and lspci 3.9.0 (-) disagree on $(basename "$dump")" >&2
	exit 1
fi
echo "ok $(basename "$dump"): $(grep -c '^dev ' "$tmp/decoded") devices," \
	"$(grep -vc '^dev ' "$tmp/decoded") facts agree"
