/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

int pt_cmd_snapshot(struct pt_cli *cli, int argc, char **argv)
{
	return pt_cli_usage_error(cli, "snapshot ", "not yet");
}
