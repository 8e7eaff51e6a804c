/* SPDX-License-Identifier: GPL-2.0-or-later */
/* placeholder until the CLI lands */
int main(void)
{
	return 0;
}
