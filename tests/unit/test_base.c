// SPDX-License-Identifier: GPL-2.0
/*
 * tools/lib/base: value parsers (whole strings or errors, never a guess),
 * error buffers, cpio archives, shell quoting, JSON strings, small file I/O,
 * /proc readers, KVM_EXIT_* names.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <json.h>
#include <linux/kvm.h>

#include "base/errbuf.h"
#include "base/exit.h"
#include "base/cpio.h"
#include "base/fileio.h"
#include "base/json.h"
#include "base/kvm_exit.h"
#include "base/parse.h"
#include "base/procfs.h"
#include "base/shquote.h"
#include "base/util.h"
#include "unit.h"

static void test_size(void)
{
	uint64_t v;

	CHECK_EQ(parse_size("512", &v), 0);
	CHECK_EQ(v, 512);
	CHECK_EQ(parse_size("64K", &v), 0);
	CHECK_EQ(v, 64 << 10);
	CHECK_EQ(parse_size("256m", &v), 0);
	CHECK_EQ(v, 256 << 20);
	CHECK_EQ(parse_size("2G", &v), 0);
	CHECK_EQ(v, 2ULL << 30);
	CHECK_EQ(parse_size("2GiB", &v), 0);
	CHECK_EQ(parse_size("32MB", &v), 0);
	CHECK_EQ(v, 32 << 20);
	CHECK(parse_size("", &v) < 0);
	CHECK(parse_size("-1M", &v) < 0);
	CHECK(parse_size("12Q", &v) < 0);
	CHECK(parse_size("1.5G", &v) < 0);
	CHECK(parse_size("M", &v) < 0);
	CHECK(parse_size("99999999999999T", &v) < 0);
}

static void test_uint(void)
{
	uint64_t v;

	CHECK_EQ(parse_uint("4", 1, 64, &v), 0);
	CHECK_EQ(v, 4);
	CHECK(parse_uint("0", 1, 64, &v) < 0);
	CHECK(parse_uint("65", 1, 64, &v) < 0);
	CHECK(parse_uint("4x", 1, 64, &v) < 0);
	CHECK(parse_uint(" 4", 1, 64, &v) < 0);
}

static void test_duration(void)
{
	uint64_t ms;

	CHECK_EQ(parse_duration_ms("30", &ms), 0);
	CHECK_EQ(ms, 30000);
	CHECK_EQ(parse_duration_ms("1.5s", &ms), 0);
	CHECK_EQ(ms, 1500);
	CHECK_EQ(parse_duration_ms("250ms", &ms), 0);
	CHECK_EQ(ms, 250);
	CHECK_EQ(parse_duration_ms("2m", &ms), 0);
	CHECK_EQ(ms, 120000);
	CHECK(parse_duration_ms("soon", &ms) < 0);
	CHECK(parse_duration_ms("5 s", &ms) < 0);
	CHECK(parse_duration_ms("-3", &ms) < 0);
}

/* each item's first letter, in order; "x" is an error */
static int list_item(char *tok, void *arg)
{
	char *seen = arg;
	size_t n = strlen(seen);

	if (!strcmp(tok, "x"))
		return -ENOENT;
	seen[n] = tok[0];
	seen[n + 1] = '\0';
	return 0;
}

static void test_list(void)
{
	char buf[8], seen[8];

	seen[0] = '\0';
	CHECK_EQ(parse_list("a,,bc,d", buf, sizeof(buf), list_item, seen), 0);
	CHECK_STR(seen, "abd");
	seen[0] = '\0';
	CHECK_EQ(parse_list(",,", buf, sizeof(buf), list_item, seen), 0);
	CHECK_STR(seen, "");
	CHECK_EQ(parse_list("a,x,b", buf, sizeof(buf), list_item, seen),
		 -ENOENT);
	CHECK_STR(seen, "a");
	CHECK_EQ(parse_list("", buf, sizeof(buf), list_item, seen), -EINVAL);
	CHECK_EQ(parse_list(NULL, buf, sizeof(buf), list_item, seen), -EINVAL);
	/* 8 characters and the NUL do not fit in 8 bytes */
	CHECK_EQ(parse_list("a,b,c,de", buf, sizeof(buf), list_item, seen),
		 -EINVAL);
}

static void test_errbuf(void)
{
	struct errbuf eb = {};

	CHECK_EQ(errbuf_set(&eb, ENOENT, "no %s", "kernel"), -ENOENT);
	CHECK_STR(eb.msg, "no kernel");
	CHECK_EQ(eb.err, ENOENT);
	CHECK_EQ(errbuf_errno(&eb, -EACCES, "open %s", "x"), -EACCES);
	CHECK_STR(eb.msg, "open x: Permission denied");
	CHECK_EQ(errbuf_set(NULL, EIO, "ignored"), -EIO);
}

static void test_cpio_layout(void)
{
	struct cpio_writer w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cpio_init(&w, f);
	CHECK_EQ(cpio_add_dir(&w, "bin", 0755), 0);
	CHECK_EQ(cpio_add_file(&w, "init", 0755, "abc", 3), 0);
	CHECK_EQ(cpio_add_chardev(&w, "dev/console", 0600, 5, 1), 0);
	CHECK_EQ(cpio_finish(&w), 0);
	fclose(f);

	/* header: magic, ino 1, mode 040755 */
	CHECK(!strncmp(buf,
		       "070701"
		       "00000001"
		       "000041ED",
		       22));
	/* every entry starts 4-aligned: the second header follows "bin\0" padded */
	CHECK(!strncmp(buf + 112 + 2, "070701", 6) ||
	      !strncmp(buf + 116, "070701", 6));
	CHECK(memmem(buf, len, "init\0", 5) != NULL);
	CHECK(memmem(buf, len, "abc", 3) != NULL);
	/* char device 5:1 as rdevmajor/rdevminor */
	CHECK(memmem(buf, len, "0000000500000001", 16) != NULL);
	CHECK(memmem(buf, len, "TRAILER!!!", 10) != NULL);
	CHECK_EQ(len % 4, 0);
	free(buf);
}

static void test_cpio_file_data_aligned(void)
{
	struct cpio_writer w;
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cpio_init(&w, f);
	cpio_add_file(&w, "ab", 0644, "XYZ", 3);
	cpio_finish(&w);
	fclose(f);
	/* 110-byte header + "ab\0" = 113, padded to 116 where the data starts */
	p = memmem(buf, len, "XYZ", 3);
	CHECK(p && (p - buf) == 116);
	free(buf);
}

static void test_shell_quote(void)
{
	static const char *const cases[][2] = {
		{ "plain", "'plain'" },
		{ "it's", "'it'\\''s'" },
		{ "", "''" },
		{ "$HOME `x` \"q\"", "'$HOME `x` \"q\"'" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		shell_quote_fput(f, cases[i][0]);
		fclose(f);
		CHECK_STR(buf, cases[i][1]);
		free(buf);
	}
}

/* json_escape()'s output for @in, as a string to free. */
static char *escaped(const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_escape(f, in);
	fclose(f);
	return buf;
}

static void test_json_escape(void)
{
	static const char *const cases[][2] = {
		{ "plain /path", "plain /path" },
		{ "", "" },
		{ "a\"b\\c", "a\\\"b\\\\c" },
		{ "\n\t\r\x01\x1f\x7f",
		  "\\u000a\\u0009\\u000d\\u0001\\u001f\\u007f" },
		/* UTF-8 passes through: é, €, an emoji */
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		/* bytes that are not UTF-8 are escaped, one by one */
		{ "\xff", "\\u00ff" },
		{ "x\xc3", "x\\u00c3" }, /* cut mid-character */
		{ "\xc3(", "\\u00c3(" },
		{ "\xc0\xaf", "\\u00c0\\u00af" }, /* overlong '/' */
		{ "\xed\xa0\x80", "\\u00ed\\u00a0\\u0080" }, /* a surrogate */
		{ "\xf4\x90\x80\x80", "\\u00f4\\u0090\\u0080\\u0080" },
	};
	unsigned int i;
	char *out;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		out = escaped(cases[i][0]);
		CHECK_STR(out, cases[i][1]);
		free(out);
	}
}

/* What json_quote() writes, json-c reads back as the same string. */
static void test_json_quote_round_trip(void)
{
	static const char *const cases[] = {
		"a\"b\\c\nd\te\x01",
		"caf\xc3\xa9 \xf0\x9f\x98\x80",
		"\x7f/",
	};
	struct json_object *o;
	unsigned int i;
	char *buf;
	size_t len;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		buf = NULL;
		f = open_memstream(&buf, &len);
		json_quote(f, cases[i]);
		fclose(f);
		CHECK(buf[0] == '"' && buf[len - 1] == '"');
		o = json_tokener_parse(buf);
		CHECK(o && json_object_is_type(o, json_type_string));
		if (o)
			CHECK_STR(json_object_get_string(o), cases[i]);
		json_object_put(o);
		free(buf);
	}
}

static void test_json_escape_buf(void)
{
	char buf[16];

	CHECK_EQ(json_escape_buf(buf, sizeof(buf), "a\"\n", SIZE_MAX), 9);
	CHECK_STR(buf, "a\\\"\\u000a");
	/* @max bounds a field without a NUL; a cut character is escaped */
	CHECK_EQ(json_escape_buf(buf, sizeof(buf), "abc", 2), 2);
	CHECK_STR(buf, "ab");
	CHECK_EQ(json_escape_buf(buf, sizeof(buf), "\xc3\xa9", 1), 6);
	CHECK_STR(buf, "\\u00c3");
	/* truncated, never overrun, the whole length returned */
	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(json_escape_buf(buf, 5, "\x01\x02", SIZE_MAX), 12);
	CHECK_STR(buf, "\\u00");
	CHECK(buf[5] == 'X');
	CHECK_EQ(json_escape_buf(buf, 0, "abc", SIZE_MAX), 3);
	CHECK(buf[0] == '\\');
	CHECK_EQ(json_escape_buf(NULL, 0, "abc", SIZE_MAX), 3);
}

/* This process's own /proc entries, read through each reader. */
static void test_procfs(void)
{
	struct procfs_stat ps;
	uint64_t ino, self;
	struct stat st;
	char comm[16];

	CHECK_EQ(stat("/proc/self/ns/pid", &st), 0);
	CHECK_EQ(procfs_ns_inode(0, "pid", &self), 0);
	CHECK_EQ(self, st.st_ino);
	CHECK_EQ(procfs_ns_inode(getpid(), "pid", &ino), 0);
	CHECK_EQ(ino, self);
	CHECK(procfs_ns_inode(-5, "pid", &ino) < 0);
	CHECK(procfs_ns_inode(0, "nonesuch", &ino) < 0);

	/* a comm with spaces and parentheses, as /proc/PID/stat quotes it */
	CHECK_EQ(prctl(PR_SET_NAME, "a (b) c"), 0);
	CHECK_EQ(procfs_comm(getpid(), getpid(), comm, sizeof(comm)), 0);
	CHECK_STR(comm, "a (b) c");
	CHECK_EQ(procfs_comm(getpid(), getpid(), comm, 3), 0);
	CHECK_STR(comm, "a ");
	CHECK(procfs_comm(getpid(), -5, comm, sizeof(comm)) < 0);
	CHECK_STR(comm, "");
	CHECK_EQ(procfs_stat(0, &ps), 0);
	CHECK_STR(ps.comm, "a (b) c");
	CHECK_EQ(ps.state, 'R'); /* reading its own stat, it runs */
	CHECK_EQ(ps.ppid, getppid());
	CHECK(!(ps.flags & 0x00200000)); /* not a kernel thread */
	CHECK(ps.start_time > 0);
	CHECK_EQ(procfs_start_time(getpid()), ps.start_time);
	CHECK_EQ(procfs_start_time(-5), 0);
}

static void test_kvm_exit_name(void)
{
	CHECK_STR(kvm_run_exit_name(2), "IO");
	CHECK_STR(kvm_run_exit_name(5), "HLT");
	CHECK_STR(kvm_run_exit_name(6), "MMIO");
	CHECK(kvm_run_exit_name(1000) == NULL);
	CHECK_STR(kvm_run_exit_name(KVM_EXIT_UNKNOWN), "UNKNOWN");
	CHECK_STR(kvm_run_exit_name(KVM_EXIT_SHUTDOWN), "SHUTDOWN");
	CHECK_STR(kvm_run_exit_name(KVM_EXIT_X86_WRMSR), "X86_WRMSR");
	CHECK_STR(kvm_run_exit_name(KVM_EXIT_NOTIFY), "NOTIFY");
}

static void test_exit_code(void)
{
	CHECK_EQ(exit_code_from_wait(7 << 8), 7);
	CHECK_EQ(exit_code_from_wait(SIGKILL), 137);
	CHECK_EQ(exit_code_from_wait(0), 0);
	CHECK_EQ(exit_code_from_signal(SIGTERM), 143);
}

static void test_fileio(void)
{
	char dir[] = "/tmp/isolens-unit.XXXXXX", buf[16], path[64];

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	CHECK_EQ(mkdir_p(path, 0755), 0);
	CHECK_EQ(mkdir_p(path, 0755), 0);
	CHECK_EQ(file_write_str(path, "missing", "x"), -ENOENT);
	CHECK_EQ(file_create_str(path, "f", "hello\n"), 0);
	CHECK_EQ(file_write_str(path, "f", "HI"), 0);
	CHECK_EQ(file_read_str(path, "f", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "HIllo\n");
	CHECK_EQ(file_read_str(path, "f", buf, 3), 0);
	CHECK_STR(buf, "HI");
	snprintf(path, sizeof(path), "%s/a/b/c/f", dir);
	CHECK_EQ(file_read_str(NULL, path, buf, sizeof(buf)), 0);
	unlink(path);
	snprintf(path, sizeof(path), "rm -r %s", dir);
	CHECK_EQ(system(path), 0);
}

int main(void)
{
	RUN(test_cpio_layout);
	RUN(test_cpio_file_data_aligned);
	RUN(test_shell_quote);
	RUN(test_json_escape);
	RUN(test_json_quote_round_trip);
	RUN(test_json_escape_buf);
	RUN(test_fileio);
	RUN(test_procfs);
	RUN(test_kvm_exit_name);
	RUN(test_size);
	RUN(test_uint);
	RUN(test_duration);
	RUN(test_list);
	RUN(test_errbuf);
	RUN(test_exit_code);
	UNIT_DONE();
}
