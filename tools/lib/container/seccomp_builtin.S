/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The default seccomp profile, compiled to classic BPF at build time by
 * gen/seccomp-gen with this machine's libseccomp (seccomp.c says what it
 * holds), so a container start only hands it to seccomp(2).
 */
	.section .rodata
	.balign 8
	.global ctr_seccomp_builtin_default
	.global ctr_seccomp_builtin_default_end
ctr_seccomp_builtin_default:
	.incbin "gen/seccomp-default.bin"
ctr_seccomp_builtin_default_end:
	.balign 8
	.global ctr_seccomp_builtin_userns
	.global ctr_seccomp_builtin_userns_end
ctr_seccomp_builtin_userns:
	.incbin "gen/seccomp-userns.bin"
ctr_seccomp_builtin_userns_end:
	.section .note.GNU-stack, "", @progbits
