/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_CRYPTO_KAT_H
#define GW_CRYPTO_KAT_H

/*
 * Known-answer vectors for drivers/crypto, as hex strings. Sources are
 * named per vector. The AEAD "key" is key || salt and the "iv" is the 8-byte
 * wire IV, so nonce = salt || iv (RFC 4106 section 4, RFC 7634 section 2):
 * the published 12-byte IVs split as 4 + 8.
 *
 * icv == NULL: the vector only covers the cipher; the ICV (HMAC over the
 * ciphertext, auth key 0x0b..) is cross-checked between engines instead.
 */

struct crypto_kat {
	const char *name;
	const char *cipher;	/* configuration names */
	const char *auth;
	const char *key;
	const char *auth_key;
	const char *iv;
	const char *aad;
	const char *pt;
	const char *ct;
	const char *icv;
};

#define KAT_GCM_K "feffe9928665731c6d6a8f9467308308"
#define KAT_GCM_P \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define KAT_GCM_P60 \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define KAT_GCM_A "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define KAT_SHA1_KEY "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
#define KAT_HI_THERE "4869205468657265"

static const struct crypto_kat crypto_kats[] = {
	/* McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 2-4. */
	{ "gcm128-tc2", "aes-128-gcm", "none",
	  "00000000000000000000000000000000" "00000000", NULL,
	  "0000000000000000", "",
	  "00000000000000000000000000000000",
	  "0388dace60b6a392f328c2b971b2fe78",
	  "ab6e47d42cec13bdf53a67b21257bddf" },
	{ "gcm128-tc3", "aes-128-gcm", "none",
	  KAT_GCM_K "cafebabe", NULL, "facedbaddecaf888", "", KAT_GCM_P,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ "gcm128-tc4", "aes-128-gcm", "none",
	  KAT_GCM_K "cafebabe", NULL, "facedbaddecaf888", KAT_GCM_A, KAT_GCM_P60,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	/* Same document, test cases 14-16 (256-bit key). */
	{ "gcm256-tc14", "aes-256-gcm", "none",
	  "00000000000000000000000000000000" "00000000000000000000000000000000" "00000000",
	  NULL, "0000000000000000", "",
	  "00000000000000000000000000000000",
	  "cea7403d4d606b6e074ec5d3baf39d18",
	  "d0d1c8a799996bf0265b98b5d48ab919" },
	{ "gcm256-tc15", "aes-256-gcm", "none",
	  KAT_GCM_K KAT_GCM_K "cafebabe", NULL, "facedbaddecaf888", "", KAT_GCM_P,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c" },
	{ "gcm256-tc16", "aes-256-gcm", "none",
	  KAT_GCM_K KAT_GCM_K "cafebabe", NULL, "facedbaddecaf888", KAT_GCM_A, KAT_GCM_P60,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
	/* RFC 8439 section 2.8.2 (AEAD_CHACHA20_POLY1305); nonce 07000000 || 4041..47. */
	{ "chacha20-poly1305-rfc8439", "chacha20-poly1305", "none",
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" "07000000",
	  NULL, "4041424344454647", "50515253c0c1c2c3c4c5c6c7",
	  "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
	  "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
	  "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
	  "637265656e20776f756c642062652069742e",
	  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	  "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	  "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	  "3ff4def08e4b7a9de576d26586cec64b6116",
	  "1ae10b594f09e26a7e902ecbd0600691" },
	/* RFC 3602 section 4, cases 1 and 2 (AES-128-CBC). */
	{ "aes128cbc-rfc3602-1", "aes-128-cbc", "hmac-sha1-96",
	  "06a9214036b8a15b512e03d534120006", KAT_SHA1_KEY,
	  "3dafba429d9eb430b422da802c9fac41", "",
	  "53696e676c6520626c6f636b206d7367",	/* "Single block msg" */
	  "e353779c1079aeb82708942dbe77181a", NULL },
	{ "aes128cbc-rfc3602-2", "aes-128-cbc", "hmac-sha1-96",
	  "c286696d887c9aa0611bbb3e2025a45a", KAT_SHA1_KEY,
	  "562e17996d093d28ddb3ba695a2e6f58", "",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1", NULL },
	/* FIPS 81 appendix C, CBC example ("Now is the time for all "). */
	{ "des-cbc-fips81", "des-cbc", "hmac-sha1-96",
	  "0123456789abcdef", KAT_SHA1_KEY, "1234567890abcdef", "",
	  "4e6f77206973207468652074696d6520666f7220616c6c20",
	  "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6", NULL },
	/*
	 * NIST SP 800-67 keys and plaintext ("The qufck brown fox jump") with a
	 * zero IV: the first block equals the SP 800-67 ECB example (a826fd8c
	 * e53b855f); the rest was captured from `openssl enc -des-ede3-cbc -K
	 * 0123456789abcdef23456789abcdef01456789abcdef0123 -iv 0 -nopad`.
	 */
	{ "3des-cbc-sp800-67", "3des-cbc", "hmac-sha1-96",
	  "0123456789abcdef23456789abcdef01456789abcdef0123", KAT_SHA1_KEY,
	  "0000000000000000", "",
	  "54686520717566636b2062726f776e20666f78206a756d70",
	  "a826fd8ce53b855f854b649a0a3903c970d563820afe8b35", NULL },
	/* RFC 2202 (HMAC-MD5 / HMAC-SHA1) test cases 1 and 3, truncated to 96 bits. */
	{ "hmac-md5-rfc2202-1", "null", "hmac-md5-96", "",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", KAT_HI_THERE, KAT_HI_THERE,
	  "9294727a3638bb1c13f48ef8" },
	{ "hmac-md5-rfc2202-3", "null", "hmac-md5-96", "",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", "",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddddddd",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddddddd",
	  "56be34521d144c88dbb8c733" },
	{ "hmac-sha1-rfc2202-1", "null", "hmac-sha1-96", "", KAT_SHA1_KEY, "", "",
	  KAT_HI_THERE, KAT_HI_THERE, "b617318655057264e28bc0b6" },
	{ "hmac-sha1-rfc2202-3", "null", "hmac-sha1-96", "",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", "",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddddddd",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddddddd",
	  "125d7342b9ac11cd91a39af4" },
	/* RFC 4868 section 2.7.2, AUTH256-1 / AUTH384-1 / AUTH512-1, truncated. */
	{ "hmac-sha256-rfc4868-1", "null", "hmac-sha-256-128", "",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
	  KAT_HI_THERE, KAT_HI_THERE, "198a607eb44bfbc69903a0f1cf2bbdc5" },
	{ "hmac-sha384-rfc4868-1", "null", "hmac-sha-384-192", "",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
	  KAT_HI_THERE, KAT_HI_THERE, "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973" },
	{ "hmac-sha512-rfc4868-1", "null", "hmac-sha-512-256", "",
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
	  KAT_HI_THERE, KAT_HI_THERE,
	  "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8" },
};

#endif /* GW_CRYPTO_KAT_H */
