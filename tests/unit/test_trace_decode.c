// SPDX-License-Identifier: GPL-2.0
/* Decoding records into text and JSON: names, flags, errors, escaping. */
#include <errno.h>
#include <string.h>

#include "trace/decode.h"
#include "unit.h"

static struct isolens_event ev(unsigned int kind)
{
	struct isolens_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.size = sizeof(e);
	e.hdr.kind = kind;
	e.hdr.pid = 42;
	e.hdr.tid = 42;
	strcpy(e.hdr.comm, "unshare");
	return e;
}

static void test_classes_parse(void)
{
	unsigned int c = 0;
	struct errbuf eb;

	CHECK_EQ(event_classes_parse("ns,cgroup", &c, &eb), 0);
	CHECK_EQ(c, ISOLENS_CLASS_NS | ISOLENS_CLASS_CGROUP);
	CHECK_EQ(event_classes_parse("all", &c, &eb), 0);
	CHECK_EQ(c, ISOLENS_CLASS_ALL);
	CHECK_EQ(event_classes_parse("ns,bogus", &c, &eb), -EINVAL);
	CHECK(strstr(eb.msg, "'bogus'") != NULL);
	CHECK_EQ(event_classes_parse("", &c, &eb), -EINVAL);
	CHECK_EQ(event_classes_parse("nsx", &c, &eb), -EINVAL);
}

static void test_clone_flags(void)
{
	char buf[128];

	clone_flags_format(0x20000000 | 0x40000000, buf, sizeof(buf));
	CHECK_STR(buf, "NEWPID|NEWNET");
	/* clone()'s low byte is the exit signal, not flags */
	clone_flags_format(0x04000000 | 17, buf, sizeof(buf));
	CHECK_STR(buf, "NEWUTS");
	clone_flags_format(0x80, buf, sizeof(buf));
	CHECK_STR(buf, "NEWTIME");
	clone_flags_format(0, buf, sizeof(buf));
	CHECK_STR(buf, "0");
	clone_flags_format(1ULL << 40, buf, sizeof(buf));
	CHECK_STR(buf, "0x10000000000");
	/* truncation is safe */
	clone_flags_format(0xfe020080, buf, 8);
	CHECK_EQ(strlen(buf), 7);
}

static void test_describe(void)
{
	struct isolens_event e = ev(ISOLENS_EV_UNSHARE);
	char buf[256];

	e.ns_op.flags = 0x20000000 | 0x40000000;
	event_describe(&e, buf, sizeof(buf));
	CHECK_STR(buf, "unshare(NEWPID|NEWNET) = 0");
	e.ns_op.ret = -EPERM;
	event_describe(&e, buf, sizeof(buf));
	CHECK_STR(buf, "unshare(NEWPID|NEWNET) = -1 EPERM");

	e = ev(ISOLENS_EV_SETNS);
	e.ns_op.fd = 3;
	e.ns_op.flags = 0x04000000;
	event_describe(&e, buf, sizeof(buf));
	CHECK_STR(buf, "setns(fd 3, NEWUTS) = 0");

	e = ev(ISOLENS_EV_EXIT);
	e.proc.exit_code = 3 << 8;
	event_describe(&e, buf, sizeof(buf));
	CHECK_STR(buf, "exit status 3");
	e.proc.exit_code = 9;
	event_describe(&e, buf, sizeof(buf));
	CHECK_STR(buf, "exit signal 9");

	e = ev(ISOLENS_EV_KVM_PIO);
	e.kvm.vcpu_id = 0;
	e.kvm.dir = 1;
	e.kvm.info1 = 0x3f8;
	e.kvm.info2 = 'K';
	e.kvm.len = 1;
	e.kvm.count = 1;
	event_describe(&e, buf, sizeof(buf));
	CHECK_STR(buf, "vcpu0 pio out 0x3f8 len 1 val 0x4b");

	e = ev(ISOLENS_EV_KVM_EXIT);
	e.kvm.vcpu_id = 1;
	e.kvm.isa = 2;
	e.kvm.exit_reason = 0x7b;
	event_describe(&e, buf, sizeof(buf));
	CHECK_STR(buf, "vcpu1 exit SVM io info 0x0 0x0");

	e = ev(ISOLENS_EV_CAP_CHECK);
	e.cap.cap = 21;
	e.cap.target_userns = 4026531837U;
	e.cap.ret = -EPERM;
	event_describe(&e, buf, sizeof(buf));
	CHECK_STR(buf, "capable(CAP_SYS_ADMIN) in userns 4026531837 = denied");

	e = ev(ISOLENS_EV_CGROUP_MKDIR);
	strcpy(e.cgroup.path, "/web");
	e.cgroup.level = 1;
	event_describe(&e, buf, sizeof(buf));
	CHECK_STR(buf, "cgroup mkdir /web (v2, level 1)");
}

static void test_validate(void)
{
	struct isolens_event e = ev(ISOLENS_EV_FORK);

	CHECK_EQ(event_validate(&e, sizeof(e)), 0);
	CHECK_EQ(event_validate(&e, sizeof(e) - 1), -EINVAL);
	e.hdr.kind = 999;
	CHECK_EQ(event_validate(&e, sizeof(e)), -EPROTO);
	e.hdr.kind = ISOLENS_EV_FORK;
	e.hdr.flags = ISOLENS_F_STACK; /* claims a stack it does not have */
	CHECK_EQ(event_validate(&e, sizeof(e)), -EINVAL);
	CHECK(event_stack(&e, sizeof(e)) == NULL);
}

static void test_json_escapes(void)
{
	struct isolens_event e = ev(ISOLENS_EV_EXEC);
	struct trace_context ctx = { .type = TRACE_CTX_CONTAINER, .vcpu = -1 };
	char buf[4096];

	strcpy(e.hdr.comm, "a\"b\\c\n");
	strcpy(e.proc.filename, "/bin/\x01x");
	strcpy(ctx.name, "web");
	strcpy(ctx.runtime, "isolens");
	event_format_json(&e, &ctx, buf, sizeof(buf));
	CHECK(strstr(buf, "\"comm\":\"a\\\"b\\\\c\\u000a\"") != NULL);
	CHECK(strstr(buf, "\"filename\":\"/bin/\\u0001x\"") != NULL);
	CHECK(strstr(buf, "\"ctx\":{\"type\":\"container\",\"name\":\"web\"") !=
	      NULL);
	CHECK(buf[0] == '{' && buf[strlen(buf) - 1] == '}');
	/* a small buffer truncates without overrunning */
	buf[10] = 'X';
	event_format_json(&e, &ctx, buf, 10);
	CHECK_EQ(strlen(buf), 9);
	CHECK(buf[10] == 'X');
}

static void test_labels(void)
{
	struct trace_context c = { .type = TRACE_CTX_VM, .vcpu = 0 };
	char buf[128];

	strcpy(c.name, "demo");
	trace_context_label(&c, buf, sizeof(buf));
	CHECK_STR(buf, "[vm demo/vcpu0]");
	c.vcpu = -1;
	trace_context_label(&c, buf, sizeof(buf));
	CHECK_STR(buf, "[vm demo]");
	c.type = TRACE_CTX_CONTAINER;
	strcpy(c.name, "web");
	trace_context_label(&c, buf, sizeof(buf));
	CHECK_STR(buf, "[ctr web]");
	c.type = TRACE_CTX_HOST;
	trace_context_label(&c, buf, sizeof(buf));
	CHECK_STR(buf, "[host]");
}

static void test_kind_tables(void)
{
	unsigned int k;

	/* every kind the uapi defines has a name and a class */
	for (k = 1; k < ISOLENS_EV_MAX; k++) {
		if (!isolens_kind_class(k))
			continue;
		CHECK(event_kind_name(k) != NULL);
	}
	CHECK_EQ(isolens_kind_class(ISOLENS_EV_OOM_KILL), ISOLENS_CLASS_CGROUP);
	CHECK_EQ(isolens_kind_class(ISOLENS_EV_KVM_HYPERCALL),
		 ISOLENS_CLASS_KVM);
	CHECK_EQ(isolens_kind_class(ISOLENS_EV_NS_SWITCH), ISOLENS_CLASS_NS);
	CHECK_STR(event_kind_name(ISOLENS_EV_CGROUP_ATTACH), "cgroup_attach");
	CHECK_STR(cap_name(21), "CAP_SYS_ADMIN");
	CHECK_STR(cap_name(400), "CAP_?");
}

int main(void)
{
	RUN(test_classes_parse);
	RUN(test_clone_flags);
	RUN(test_describe);
	RUN(test_validate);
	RUN(test_json_escapes);
	RUN(test_labels);
	RUN(test_kind_tables);
	UNIT_DONE();
}
