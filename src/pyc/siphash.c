/*
 * siphash.c: SipHash (Aumasson and Bernstein), written from the paper's
 * description.  CPython keys it with the .pyc magic number as k0 and 0 as k1,
 * and uses SipHash-1-3 from 3.11 on (SipHash-2-4 before); the result is
 * stored little-endian.  Runs on threadpool threads: no shared state.
 */
#include "pyc/siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t
load_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

uint64_t
pcb_siphash(unsigned c, unsigned d, uint64_t k0, uint64_t k1, const void *src,
    size_t len)
{
	const unsigned char *p = src;
	uint64_t v[4] = {
		k0 ^ 0x736f6d6570736575ULL,
		k1 ^ 0x646f72616e646f6dULL,
		k0 ^ 0x6c7967656e657261ULL,
		k1 ^ 0x7465646279746573ULL,
	};
	size_t left = len;
	uint64_t m, b;
	unsigned i;

	for (; left >= 8; left -= 8, p += 8) {
		m = load_le64(p);
		v[3] ^= m;
		for (i = 0; i < c; i++)
			sip_round(v);
		v[0] ^= m;
	}

	/* The last block holds the remaining bytes and the length's low byte. */
	b = (uint64_t)len << 56;
	for (i = 0; i < left; i++)
		b |= (uint64_t)p[i] << (8 * i);
	v[3] ^= b;
	for (i = 0; i < c; i++)
		sip_round(v);
	v[0] ^= b;

	v[2] ^= 0xff;
	for (i = 0; i < d; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

void
pcb_siphash_source(uint32_t magic, unsigned py_minor, const void *src,
    size_t len, uint8_t out[8])
{
	unsigned c = py_minor >= 11 ? 1 : 2;
	unsigned d = py_minor >= 11 ? 3 : 4;
	uint64_t h = pcb_siphash(c, d, magic, 0, src, len);

	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(h >> (8 * i));
}
