/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a "tp/" (BPF_PROG_TYPE_TRACEPOINT) program returns.
 *
 * The kernel runs every BPF program attached to a tracepoint, ANDs their
 * return values, and hands the hit to the tracepoint's perf events only if
 * the result is non-zero (perf_trace_run_bpf_submit()).  A program that
 * returns 0 therefore hides the tracepoint from `perf stat -e kvm:kvm_exit`,
 * `perf record` and everyone else on the machine while it is attached.
 * isolens filters for itself only: each of its tp programs ends with
 * TP_PASS.  (tp_btf, fentry and kprobe programs are not concerned: their
 * return value is ignored, or they have a perf event of their own.)
 */
#ifndef ISOLENS_TP_BPF_H
#define ISOLENS_TP_BPF_H

#define TP_PASS 1

#endif
