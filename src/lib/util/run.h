/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a program: always an argv, never a shell (no string built from input is parsed). */
#pragma once

/*
 * Runs argv[0] (looked up in PATH) with argv, inheriting stdin/stdout/stderr, and waits.
 * Returns its exit status (0..255), 128 + signal when killed, or -errno when it could not
 * be started.
 */
int pt_run(char *const *argv);
