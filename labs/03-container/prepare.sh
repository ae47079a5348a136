#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make lab N=03: a busybox rootfs for minictr at /tmp/rootfs (the lab VM's
# /tmp is a fresh tmpfs each boot), reachable by uid 100000.
set -e
[ -d /tmp/rootfs/bin ] || ../../tools/isolens/isolens container rootfs /tmp/rootfs
chmod 755 /tmp/rootfs
echo "lab 03: rootfs in /tmp/rootfs; build with: cc -Wall -Wextra -o minictr minictr.c"
