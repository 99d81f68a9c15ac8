/*
 * sha256.h - SHA-256 (FIPS 180-4), for content hashes.
 *
 * A run's journal is bound to the plan it carries out by the SHA-256 of
 * the plan's lowered form: a reader can recompute it with any tool, and no
 * edit of the plan, deliberate or not, keeps it.
 */
#ifndef BFPLAN_SHA256_H
#define BFPLAN_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t state[8];
	uint64_t length;          /* bytes hashed so far */
	unsigned char block[64];  /* the part of a block not yet compressed */
};

/* 64 hexadecimal digits and a NUL. */
enum { SHA256_HEX_SIZE = 65 };

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
void sha256_final(struct sha256 *h, unsigned char digest[32]);

/* The digest of `data` in lower-case hexadecimal. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_SIZE]);

#endif
