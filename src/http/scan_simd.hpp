// The byte scanners of the head parser's hot loops, scalar and SIMD
// (internal to src/http/). Every version gives the same answer on every
// input; tests/http/scan_simd_test.cpp and fuzz/fuzz_head_paths.cpp hold
// them to that.
//
// Which ones pay was measured on heads (user CPU time of the parser benchmark's
// --repeat loop, on the 2-core Xeon build machine): the field-value scan in
// AVX2 is 2-7% faster than in SSE2 on heads with long values (a browser's GET,
// a CDN response) and even on short ones, so it is chosen at run time when the
// CPU has AVX2. The head-end search and a field name's token check were slower
// in AVX2 than in SSE2 and than the scalar table (the whole head parse 1.9x
// slower on curl's GET with all four in AVX2): lines of a head are short, and
// a 256-bit pass per line costs more than it saves. So those stay SSE2 (part
// of every x86-64) and scalar. A 16-byte token check by PSHUFB nibble tables
// (SSSE3, and VEX-encoded) was slower again than the table scan on every head
// (2026-12-03: api_json 87 -> 103 ns, cdn_25_headers 280 -> 383), and so was
// the same test kept as a 64-byte mask beside the value mask of the AVX2
// reading in head_parser.cpp (2026-12-04: curl_get 51 -> 55 ns, api_post
// 113 -> 119), though it ran fewer instructions.
#pragma once

#include <atomic>

namespace rawhttp::http::detail {

using ScanFn = const char* (*)(const char* p, const char* end);

// First byte in [p, end) that is not a field-value byte (HTAB / SP / VCHAR /
// obs-text, RFC 9110 §5.5), so CR, LF, NUL, the other CTLs and DEL stop it;
// end when there is none.
const char* scan_field_value_scalar(const char* p, const char* end);
const char* scan_field_value_sse2(const char* p, const char* end);  // x86-64 (the scalar one elsewhere)
const char* scan_field_value_avx2(const char* p, const char* end);  // only when avx2_supported()

// First LF in [p, end) that the bytes after it make the end of a head: LF
// LF, or LF CR LF (lines end at LF; the empty line is LF or CR LF); end when
// there is none.
const char* find_empty_line_scalar(const char* p, const char* end);
const char* find_empty_line_sse2(const char* p, const char* end);  // x86-64 (the scalar one elsewhere)

bool avx2_supported();

// The field-value scan in use: AVX2 when the CPU has it, else SSE2 (x86-64),
// else scalar; picked at the first call. (Atomic so that two threads making
// the first call at once do not race; a relaxed load is a plain load.)
extern std::atomic<ScanFn> scan_field_value_best;
// Which one that is: "avx2", "sse2" or "scalar".
const char* scan_level();

}  // namespace rawhttp::http::detail
