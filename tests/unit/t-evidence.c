// SPDX-License-Identifier: GPL-2.0-or-later
/* Evidence names and volume-encryption signatures. */
#include "triage/core/compat.h"
#include "leaktriage/image.h"
#include "tests/unit/check.h"

static const char *name(const char *path)
{
	static char out[256];

	lt_evidence_name(path, out, sizeof(out));
	return out;
}

int main(void)
{
	uint8_t vol[4096];

	CHECK_STR(name("saitama-pc01.E01"), "saitama-pc01");
	CHECK_STR(name("/cases/2015/saitama-pc01.E01"), "saitama-pc01");
	CHECK_STR(name("disk.001"), "disk");
	CHECK_STR(name("image.raw.000"), "image");
	CHECK_STR(name("usb.img"), "usb");
	CHECK_STR(name("noext"), "noext");
	CHECK_STR(name(".hidden"), ".hidden");
	CHECK_STR(name("my.disk.vmdk"), "my.disk");
	/* A directory: its last component, trailing slashes ignored. */
	CHECK_STR(name("/tmp/"), "tmp");
	CHECK_STR(name("tests/unit/"), "unit");

	memset(vol, 0, sizeof(vol));
	CHECK(lt_volume_encryption(vol, sizeof(vol)) == NULL);
	memcpy(vol + 3, "-FVE-FS-", 8);
	CHECK_STR(lt_volume_encryption(vol, sizeof(vol)), "bitlocker");
	memset(vol, 0, sizeof(vol));
	memcpy(vol, "LUKS\xba\xbe\x00\x02", 8);
	CHECK_STR(lt_volume_encryption(vol, sizeof(vol)), "luks");
	memset(vol, 0, sizeof(vol));
	memcpy(vol + 3, "NTFS    ", 8);
	CHECK(lt_volume_encryption(vol, sizeof(vol)) == NULL);
	memset(vol, 0, sizeof(vol));
	vol[88] = 'C';
	vol[89] = 'S';
	vol[90] = 1;
	CHECK_STR(lt_volume_encryption(vol, sizeof(vol)), "filevault");
	/* Too short to tell: nothing. */
	memcpy(vol + 3, "-FVE-FS-", 8);
	CHECK(lt_volume_encryption(vol, 8) == NULL);
	CHECK_DONE();
}
