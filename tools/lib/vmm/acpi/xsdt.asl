/* SPDX-License-Identifier: GPL-2.0 */
/* The XSDT: the FADT (which points at the DSDT) and the MADT. */
#include "platform.h"

[0004]                          Signature : "XSDT"
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "ISOLNS"
[0008]                       Oem Table ID : "MICROVM "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 00000000

[0008]             ACPI Table Address   0 : ACPI_FADT_ADDR
[0008]             ACPI Table Address   1 : ACPI_MADT_ADDR
