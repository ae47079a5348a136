// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include <linux/isolens.h>

#include "builtin.h"

int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		cli_error("version", "takes no arguments");
		return EXIT_USAGE;
	}
	printf("isolens %s (event ABI %d)\n", isolens_version,
	       ISOLENS_ABI_VERSION);
	return EXIT_OK;
}
