/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolens' cache of built artefacts (initramfs images, decompressed
 * kernels): $ISOLENS_CACHE_DIR, else /var/cache/isolens for root, else
 * $XDG_CACHE_HOME/isolens or ~/.cache/isolens.
 */
#ifndef ISOLENS_CACHE_H
#define ISOLENS_CACHE_H

#include <stdio.h>

#include "errbuf.h"

const char *cache_dir(void);
int cache_mkdir(struct errbuf *eb);

/*
 * Create the cache entry @path by calling @write on a temporary file, then
 * renaming it into place, so an entry appears whole or not at all.  @write
 * returns 0 or -errno (with eb filled).
 */
int cache_publish(const char *path, int (*write)(FILE *out, void *ctx),
		  void *ctx, struct errbuf *eb);

#endif
