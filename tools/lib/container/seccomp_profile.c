// SPDX-License-Identifier: GPL-2.0
/*
 * Seccomp profile files: the OCI runtime-spec linux.seccomp object, or a
 * Docker profile (archMap, includes/excludes), parsed with json-c.  Every
 * error names the file and the field.  docs/containers.md ("Profile
 * files") says which fields are honoured, refused or skipped.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <json.h>

#include "base/util.h"
#include "seccomp_internal.h"

#define PROFILE_MAX (4u << 20)
#define ERRNO_MAX 4095 /* the kernel caps the errno at MAX_ERRNO */
#define ARGS_MAX 6

#if defined(__x86_64__)
#define GO_ARCH "amd64" /* Docker's includes.arches names */
#elif defined(__aarch64__)
#define GO_ARCH "arm64"
#else
#error "isolens seccomp: add this architecture's Go name"
#endif

struct profile {
	const char *path;
	struct errbuf *eb;
	struct container_seccomp *f;
	unsigned int kmajor, kminor; /* the running kernel */
};

static int perr(struct profile *p, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct profile *p, const char *field, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return errbuf_set(p->eb, EINVAL, "seccomp profile %s: %s: %s", p->path,
			  field, msg);
}

struct named {
	const char *name;
	uint32_t value;
};

/* ERRNO and TRACE take errnoRet */
static const struct named actions[] = {
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
};

static const struct named ops[] = {
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static int want(struct profile *p, const char *field, json_object *o,
		json_type type)
{
	if (json_object_is_type(o, type))
		return 0;
	return perr(p, field, "expected %s, not %s",
		    type == json_type_int ? "an integer" :
					    json_type_to_name(type),
		    json_type_to_name(json_object_get_type(o)));
}

static int get_u64(struct profile *p, const char *field, json_object *o,
		   uint64_t max, uint64_t *out)
{
	int err = want(p, field, o, json_type_int);

	if (err)
		return err;
	if (json_object_get_int64(o) < 0)
		return perr(p, field, "expected a non-negative integer");
	*out = json_object_get_uint64(o);
	if (*out > max)
		return perr(p, field, "%llu is out of range (at most %llu)",
			    (unsigned long long)*out, (unsigned long long)max);
	return 0;
}

/* The member key of object o, which must exist (f names it). */
static int member(struct profile *p, const char *f, json_object *o,
		  const char *key, json_object **v)
{
	if (!json_object_object_get_ex(o, key, v))
		return perr(p, f, "missing");
	return 0;
}

/* The string member key of o, looked up in a table of n names. */
static int named(struct profile *p, const char *f, json_object *o,
		 const char *key, const struct named *t, size_t n,
		 const char *what, uint32_t *value)
{
	json_object *v;
	const char *s;
	size_t i;
	int err = member(p, f, o, key, &v);

	if (!err)
		err = want(p, f, v, json_type_string);
	if (err)
		return err;
	s = json_object_get_string(v);
	for (i = 0; i < n; i++) {
		if (!strcmp(s, t[i].name)) {
			*value = t[i].value;
			return 0;
		}
	}
	return perr(p, f, "unknown %s \"%s\"", what, s);
}

/* Every key of object o must be one of the NULL-terminated keys. */
static int known_keys(struct profile *p, const char *field, json_object *o,
		      const char *const *keys)
{
	size_t i;

	json_object_object_foreach(o, key, val)
	{
		(void)val;
		for (i = 0; keys[i]; i++)
			if (!strcmp(key, keys[i]))
				break;
		if (!keys[i])
			return perr(p, field, "unknown field \"%s\"", key);
	}
	return 0;
}

/* action and errnoRet of the object o (the profile, or one rule) */
static int parse_action(struct profile *p, const char *field, json_object *o,
			const char *akey, const char *ekey, uint32_t *out)
{
	json_object *e = NULL;
	uint64_t ret = EPERM;
	char f[96];
	int err;

	snprintf(f, sizeof(f), "%s%s", field, akey);
	err = named(p, f, o, akey, actions, ARRAY_SIZE(actions), "action", out);
	if (err)
		return err;
	json_object_object_get_ex(o, ekey, &e);
	if (e && !json_object_is_type(e, json_type_null)) {
		snprintf(f, sizeof(f), "%s%s", field, ekey);
		if (*out != SCMP_ACT_ERRNO(0) && *out != SCMP_ACT_TRACE(0))
			return perr(
				p, f,
				"only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one");
		err = get_u64(p, f, e, ERRNO_MAX, &ret);
		if (err)
			return err;
	}
	if (*out == SCMP_ACT_ERRNO(0))
		*out = SCMP_ACT_ERRNO((uint16_t)ret);
	else if (*out == SCMP_ACT_TRACE(0))
		*out = SCMP_ACT_TRACE((uint16_t)ret);
	return 0;
}

static int arch_token(struct profile *p, const char *field, json_object *o,
		      uint32_t *token)
{
	char name[32];
	const char *s;
	size_t i;
	int err = want(p, field, o, json_type_string);

	if (err)
		return err;
	s = json_object_get_string(o);
	if (!strncmp(s, "SCMP_ARCH_", 10))
		s += 10;
	for (i = 0; s[i] && i < sizeof(name) - 1; i++)
		name[i] = (char)tolower((unsigned char)s[i]);
	name[i] = '\0';
	*token = s[i] ? 0 : seccomp_arch_resolve_name(name);
	if (!*token)
		return perr(p, field, "unknown architecture \"%s\"",
			    json_object_get_string(o));
	return 0;
}

static int add_arch(struct profile *p, const char *field, json_object *o)
{
	uint32_t token;
	int err = arch_token(p, field, o, &token);

	if (!err && ctr_seccomp_arch_add(p->f, token))
		err = perr(p, field, "cannot add architecture \"%s\"",
			   json_object_get_string(o));
	return err;
}

/* OCI "architectures", and Docker's "archMap" for the native arch */
static int parse_arches(struct profile *p, json_object *root)
{
	json_object *a, *e, *arch, *subs;
	char f[96];
	uint32_t token;
	size_t i, j;
	int err;

	if (json_object_object_get_ex(root, "architectures", &a) &&
	    !json_object_is_type(a, json_type_null)) {
		err = want(p, "architectures", a, json_type_array);
		for (i = 0; !err && i < json_object_array_length(a); i++) {
			snprintf(f, sizeof(f), "architectures[%zu]", i);
			err = add_arch(p, f, json_object_array_get_idx(a, i));
		}
		if (err)
			return err;
	}
	if (!json_object_object_get_ex(root, "archMap", &a) ||
	    json_object_is_type(a, json_type_null))
		return 0;
	err = want(p, "archMap", a, json_type_array);
	for (i = 0; !err && i < json_object_array_length(a); i++) {
		static const char *const keys[] = { "architecture",
						    "subArchitectures", NULL };

		e = json_object_array_get_idx(a, i);
		snprintf(f, sizeof(f), "archMap[%zu]", i);
		err = want(p, f, e, json_type_object);
		if (!err)
			err = known_keys(p, f, e, keys);
		if (err)
			break;
		snprintf(f, sizeof(f), "archMap[%zu].architecture", i);
		err = member(p, f, e, "architecture", &arch);
		if (!err)
			err = arch_token(p, f, arch, &token);
		if (err || token != seccomp_arch_native())
			continue;
		if (!json_object_object_get_ex(e, "subArchitectures", &subs) ||
		    json_object_is_type(subs, json_type_null))
			continue;
		snprintf(f, sizeof(f), "archMap[%zu].subArchitectures", i);
		err = want(p, f, subs, json_type_array);
		for (j = 0; !err && j < json_object_array_length(subs); j++) {
			snprintf(f, sizeof(f),
				 "archMap[%zu].subArchitectures[%zu]", i, j);
			err = add_arch(p, f,
				       json_object_array_get_idx(subs, j));
		}
	}
	return err;
}

/* "4.8" etc.: 1 if the running kernel is at least that */
static int kernel_at_least(struct profile *p, const char *field, json_object *o,
			   bool *yes)
{
	unsigned int major, minor;
	char end;
	int err = want(p, field, o, json_type_string);

	if (err)
		return err;
	if (sscanf(json_object_get_string(o), "%u.%u%c", &major, &minor,
		   &end) != 2)
		return perr(p, field, "expected a kernel version like \"4.8\"");
	*yes = p->kmajor > major || (p->kmajor == major && p->kminor >= minor);
	return 0;
}

/*
 * Docker's includes/excludes.  caps are evaluated against isolens'
 * default capability set, never --cap-add: the seccomp layer stays fixed.
 */
static int condition(struct profile *p, const char *field, json_object *o,
		     bool include, bool *applies)
{
	static const char *const keys[] = { "caps", "arches", "minKernel",
					    NULL };
	json_object *v, *e;
	char f[128];
	bool hit = false;
	uint64_t cap;
	size_t i;
	int err;

	if (json_object_is_type(o, json_type_null))
		return 0;
	err = want(p, field, o, json_type_object);
	if (!err)
		err = known_keys(p, field, o, keys);
	if (err)
		return err;
	if (json_object_object_get_ex(o, "caps", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		snprintf(f, sizeof(f), "%s.caps", field);
		err = want(p, f, v, json_type_array);
		for (i = 0; !err && i < json_object_array_length(v); i++) {
			e = json_object_array_get_idx(v, i);
			snprintf(f, sizeof(f), "%s.caps[%zu]", field, i);
			err = want(p, f, e, json_type_string);
			if (!err && container_caps_parse(
					    json_object_get_string(e), &cap))
				err = perr(p, f, "unknown capability \"%s\"",
					   json_object_get_string(e));
			if (err)
				break;
			hit = cap & CONTAINER_CAPS_DEFAULT;
			/* includes: all of them; excludes: none of them */
			if (include != hit)
				*applies = false;
		}
		if (err)
			return err;
	}
	if (json_object_object_get_ex(o, "arches", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		snprintf(f, sizeof(f), "%s.arches", field);
		err = want(p, f, v, json_type_array);
		for (i = 0, hit = false;
		     !err && i < json_object_array_length(v); i++) {
			e = json_object_array_get_idx(v, i);
			snprintf(f, sizeof(f), "%s.arches[%zu]", field, i);
			err = want(p, f, e, json_type_string);
			if (!err && !strcmp(json_object_get_string(e), GO_ARCH))
				hit = true;
		}
		if (err)
			return err;
		if (include != hit && json_object_array_length(v))
			*applies = false;
	}
	if (json_object_object_get_ex(o, "minKernel", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		snprintf(f, sizeof(f), "%s.minKernel", field);
		err = kernel_at_least(p, f, v, &hit);
		if (err)
			return err;
		if (include != hit)
			*applies = false;
	}
	return 0;
}

static int parse_args(struct profile *p, const char *field, json_object *a,
		      struct scmp_arg_cmp *cmp, unsigned int *ncmp)
{
	static const char *const keys[] = { "index", "value", "valueTwo", "op",
					    NULL };
	json_object *e, *v;
	unsigned int seen = 0;
	uint64_t idx, value, two;
	char f[128];
	uint32_t op;
	size_t i;
	int err;

	*ncmp = 0;
	if (json_object_is_type(a, json_type_null))
		return 0;
	err = want(p, field, a, json_type_array);
	if (err)
		return err;
	if (json_object_array_length(a) > ARGS_MAX)
		return perr(p, field, "more than %d comparisons", ARGS_MAX);
	for (i = 0; i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		err = want(p, f, e, json_type_object);
		if (!err)
			err = known_keys(p, f, e, keys);
		if (err)
			return err;
		snprintf(f, sizeof(f), "%s[%zu].index", field, i);
		err = member(p, f, e, "index", &v);
		if (!err)
			err = get_u64(p, f, v, ARGS_MAX - 1, &idx);
		if (err)
			return err;
		if (seen & (1u << idx))
			return perr(
				p, f,
				"argument %llu is compared twice (libseccomp allows one comparison per argument and rule)",
				(unsigned long long)idx);
		seen |= 1u << idx;
		snprintf(f, sizeof(f), "%s[%zu].value", field, i);
		err = member(p, f, e, "value", &v);
		if (!err)
			err = get_u64(p, f, v, UINT64_MAX, &value);
		if (err)
			return err;
		two = 0;
		snprintf(f, sizeof(f), "%s[%zu].valueTwo", field, i);
		if (json_object_object_get_ex(e, "valueTwo", &v)) {
			err = get_u64(p, f, v, UINT64_MAX, &two);
			if (err)
				return err;
		}
		snprintf(f, sizeof(f), "%s[%zu].op", field, i);
		err = named(p, f, e, "op", ops, ARRAY_SIZE(ops), "operator",
			    &op);
		if (err)
			return err;
		/* MASKED_EQ: value is the mask, valueTwo the value */
		cmp[*ncmp] = (struct scmp_arg_cmp){
			.arg = (unsigned int)idx,
			.op = (enum scmp_compare)op,
			.datum_a = value,
			.datum_b = two,
		};
		(*ncmp)++;
	}
	return 0;
}

static int add_name(struct profile *p, const char *field, json_object *n,
		    uint32_t action, unsigned int ncmp,
		    const struct scmp_arg_cmp *cmp)
{
	const char *name;
	int nr, err = want(p, field, n, json_type_string);

	if (err)
		return err;
	name = json_object_get_string(n);
	nr = ctr_seccomp_resolve(p->f, name);
	if (nr == CTR_SECCOMP_SKIP)
		return 0;
	err = ctr_seccomp_rule(p->f, action, nr, ncmp, cmp);
	if (err)
		return perr(p, field, "libseccomp refused the rule for %s: %s",
			    name, strerror(-err));
	return 0;
}

static int parse_rule(struct profile *p, size_t i, json_object *r)
{
	static const char *const keys[] = { "names",	"name",	    "action",
					    "errnoRet", "args",	    "comment",
					    "includes", "excludes", NULL };
	struct scmp_arg_cmp cmp[ARGS_MAX];
	json_object *v, *names = NULL, *name = NULL;
	char field[64], f[96];
	unsigned int ncmp = 0;
	bool applies = true;
	uint32_t action;
	size_t j;
	int err;

	snprintf(field, sizeof(field), "syscalls[%zu]", i);
	err = want(p, field, r, json_type_object);
	if (!err)
		err = known_keys(p, field, r, keys);
	if (err)
		return err;
	snprintf(f, sizeof(f), "%s.", field);
	err = parse_action(p, f, r, "action", "errnoRet", &action);
	if (err)
		return err;
	if (json_object_object_get_ex(r, "args", &v)) {
		snprintf(f, sizeof(f), "%s.args", field);
		err = parse_args(p, f, v, cmp, &ncmp);
		if (err)
			return err;
	}
	if (json_object_object_get_ex(r, "includes", &v)) {
		snprintf(f, sizeof(f), "%s.includes", field);
		err = condition(p, f, v, true, &applies);
	}
	if (!err && json_object_object_get_ex(r, "excludes", &v)) {
		snprintf(f, sizeof(f), "%s.excludes", field);
		err = condition(p, f, v, false, &applies);
	}
	if (err)
		return err;
	json_object_object_get_ex(r, "names", &names);
	json_object_object_get_ex(r, "name", &name);
	if (!names && !name)
		return perr(p, field, "no \"names\" (or \"name\")");
	if (names) {
		snprintf(f, sizeof(f), "%s.names", field);
		err = want(p, f, names, json_type_array);
		for (j = 0; !err && j < json_object_array_length(names); j++) {
			snprintf(f, sizeof(f), "%s.names[%zu]", field, j);
			if (applies)
				err = add_name(p, f,
					       json_object_array_get_idx(names,
									 j),
					       action, ncmp, cmp);
			else
				err = want(p, f,
					   json_object_array_get_idx(names, j),
					   json_type_string);
		}
	}
	if (!err && name) {
		snprintf(f, sizeof(f), "%s.name", field);
		err = applies ? add_name(p, f, name, action, ncmp, cmp) :
				want(p, f, name, json_type_string);
	}
	return err;
}

static int parse_profile(struct profile *p, json_object *root)
{
	static const char *const keys[] = {
		"defaultAction", "defaultErrnoRet",  "architectures",
		"archMap",	 "syscalls",	     "flags",
		"listenerPath",	 "listenerMetadata", NULL,
	};
	json_object *v;
	uint32_t def;
	size_t i;
	int err;

	err = want(p, "(top level)", root, json_type_object);
	if (!err)
		err = known_keys(p, "(top level)", root, keys);
	if (!err)
		err = parse_action(p, "", root, "defaultAction",
				   "defaultErrnoRet", &def);
	if (err)
		return err;
	if (json_object_object_get_ex(root, "flags", &v) &&
	    !json_object_is_type(v, json_type_null) &&
	    (!json_object_is_type(v, json_type_array) ||
	     json_object_array_length(v)))
		return perr(p, "flags", "filter flags are not supported");
	if (json_object_object_get_ex(root, "listenerPath", &v) &&
	    !json_object_is_type(v, json_type_null) &&
	    (!json_object_is_type(v, json_type_string) ||
	     *json_object_get_string(v)))
		return perr(p, "listenerPath",
			    "seccomp user notification is not supported");
	err = ctr_seccomp_alloc(def, &p->f, p->eb);
	if (err)
		return err;
	err = parse_arches(p, root);
	if (err || !json_object_object_get_ex(root, "syscalls", &v) ||
	    json_object_is_type(v, json_type_null))
		return err;
	err = want(p, "syscalls", v, json_type_array);
	for (i = 0; !err && i < json_object_array_length(v); i++)
		err = parse_rule(p, i, json_object_array_get_idx(v, i));
	return err;
}

static int read_profile(struct profile *p, char **buf, size_t *len)
{
	struct stat sb;
	size_t n = 0;
	ssize_t r;
	char *b;
	int fd, err = 0;

	fd = open(p->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errbuf_errno(p->eb, errno, "seccomp profile %s",
				    p->path);
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return errbuf_set(p->eb, EINVAL,
				  "seccomp profile %s: not a regular file",
				  p->path);
	}
	b = malloc(PROFILE_MAX + 1);
	if (!b) {
		close(fd);
		return errbuf_set(p->eb, ENOMEM, "seccomp profile %s", p->path);
	}
	/* read one byte past the cap, to tell "too large" from "full" */
	while (n <= PROFILE_MAX) {
		r = read(fd, b + n, PROFILE_MAX + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errbuf_errno(p->eb, errno, "seccomp profile %s",
					   p->path);
			break;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!err && n > PROFILE_MAX)
		err = errbuf_set(p->eb, EINVAL,
				 "seccomp profile %s: larger than %u MiB",
				 p->path, PROFILE_MAX >> 20);
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	*len = n;
	return 0;
}

int container_seccomp_from_file(const char *path,
				struct container_seccomp **out,
				struct errbuf *eb)
{
	struct profile p = { .path = path, .eb = eb };
	enum json_tokener_error jerr;
	json_tokener *tok;
	json_object *root;
	struct utsname u;
	size_t len = 0, end;
	char *buf = NULL;
	int err;

	if (uname(&u) || sscanf(u.release, "%u.%u", &p.kmajor, &p.kminor) != 2)
		p.kmajor = p.kminor = 0;
	err = read_profile(&p, &buf, &len);
	if (err)
		return err;
	tok = json_tokener_new();
	if (!tok) {
		free(buf);
		return errbuf_set(eb, ENOMEM, "seccomp profile %s", path);
	}
	root = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	while (end < len && isspace((unsigned char)buf[end]))
		end++;
	if (jerr != json_tokener_success)
		err = errbuf_set(
			eb, EINVAL,
			"seccomp profile %s: not JSON: %s (at byte %zu)", path,
			jerr == json_tokener_continue ?
				"unexpected end of file" :
				json_tokener_error_desc(jerr),
			end);
	else if (end < len)
		err = errbuf_set(
			eb, EINVAL,
			"seccomp profile %s: not JSON: data after the top-level value (at byte %zu)",
			path, end);
	else
		err = parse_profile(&p, root);
	json_object_put(root);
	json_tokener_free(tok);
	free(buf);
	if (err) {
		container_seccomp_free(p.f);
		return err;
	}
	*out = p.f;
	return 0;
}
