// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cache.h"
#include "fileio.h"

const char *cache_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("ISOLENS_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else if (geteuid() == 0)
		snprintf(dir, sizeof(dir), "/var/cache/isolens");
	else if (xdg && *xdg)
		snprintf(dir, sizeof(dir), "%s/isolens", xdg);
	else
		snprintf(dir, sizeof(dir), "%s/.cache/isolens",
			 home ? home : "/tmp");
	return dir;
}

int cache_mkdir(struct errbuf *eb)
{
	int ret = mkdir_p(cache_dir(), 0755);

	if (ret)
		return errbuf_errno(eb, -ret,
				    "cannot create cache directory %s",
				    cache_dir());
	return 0;
}

int cache_publish(const char *path, int (*write)(FILE *out, void *ctx),
		  void *ctx, struct errbuf *eb)
{
	char tmp[PATH_MAX + 32];
	FILE *out;
	int ret;

	ret = cache_mkdir(eb);
	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	out = fopen(tmp, "w+e");
	if (!out)
		return errbuf_errno(eb, errno, "cannot create %s", tmp);
	ret = write(out, ctx);
	if (fclose(out) && !ret)
		ret = errbuf_errno(eb, errno, "writing %s", tmp);
	if (!ret && rename(tmp, path))
		ret = errbuf_errno(eb, errno, "cannot create %s", path);
	if (ret)
		unlink(tmp);
	return ret;
}
