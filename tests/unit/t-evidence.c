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
	/* BitLocker To Go: a FAT32 discovery volume, the GUID at 424; the
	 * GUID alone in a FAT32 volume of another OEM name is not enough. */
	{
		static const uint8_t guid[16] = { 0x3b, 0xd6, 0x67, 0x49,
						  0x29, 0x2e, 0xd8, 0x4a,
						  0x83, 0x99, 0xf6, 0xa3,
						  0x39, 0xe3, 0xd0, 0x01 };

		memset(vol, 0, sizeof(vol));
		memcpy(vol + 3, "MSWIN4.1", 8);
		memcpy(vol + 82, "FAT32   ", 8);
		CHECK(lt_volume_encryption(vol, sizeof(vol)) == NULL);
		memcpy(vol + 424, guid, 16);
		CHECK_STR(lt_volume_encryption(vol, sizeof(vol)), "bitlocker");
		CHECK(lt_volume_encryption(vol, 439) == NULL);
		memcpy(vol + 3, "mkfs.fat", 8);
		CHECK(lt_volume_encryption(vol, sizeof(vol)) == NULL);
	}
	/* Too short to tell: nothing. */
	memcpy(vol + 3, "-FVE-FS-", 8);
	CHECK(lt_volume_encryption(vol, 8) == NULL);
	CHECK_DONE();
}
