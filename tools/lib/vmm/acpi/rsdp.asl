/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RSDP, ACPI 2.0+ (revision 2): only the XSDT, no RSDT.  The guest
 * finds it through boot_params.acpi_rsdp_addr or by scanning
 * 0xe0000-0xfffff for "RSD PTR " on a 16-byte boundary.  acpi.c redoes
 * both checksums (the first 20 bytes, and all 36).
 */
#include "platform.h"

[0008]                          Signature : "RSD PTR "
[0001]                           Checksum : 00
[0006]                             Oem ID : "ISOLNS"
[0001]                           Revision : 02
[0004]                       RSDT Address : 00000000
[0004]                             Length : 00000024
[0008]                       XSDT Address : ACPI_XSDT_ADDR
[0001]                  Extended Checksum : 00
[0003]                           Reserved : 000000
