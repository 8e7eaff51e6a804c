/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <spawn.h>
#include <sys/wait.h>

#include "run.h"

extern char **environ;

int pt_run(char *const *argv)
{
	pid_t pid;
	int status, e = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);

	if (e != 0)
		return -e;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
