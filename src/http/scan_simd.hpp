// The byte scanners of the head parser's hot loops, in a scalar, an SSE2 and
// an AVX2 version; the best one the CPU has is chosen once, at the first
// call (internal to src/http/). Every version gives the same answer on every
// input; tests/http/scan_simd_test.cpp holds them to that.
#pragma once

#include <atomic>

namespace rawhttp::http::detail {

// First byte in [p, end) that is not a field-value byte (HTAB / SP / VCHAR /
// obs-text, RFC 9110 §5.5), so CR, LF, NUL, the other CTLs and DEL stop it;
// end when there is none.
using ScanFn = const char* (*)(const char* p, const char* end);

const char* scan_field_value_scalar(const char* p, const char* end);
const char* scan_field_value_sse2(const char* p, const char* end);  // x86-64 only (scalar elsewhere)
const char* scan_field_value_avx2(const char* p, const char* end);  // needs avx2_supported()

// First byte in [p, end) that is not a token character (RFC 9110 §5.6.2
// tchar: a field name's or a method's bytes), or end. (No SSE2 version:
// classifying bytes by table needs PSHUFB, which SSE2 lacks.)
const char* scan_tchars_scalar(const char* p, const char* end);
const char* scan_tchars_avx2(const char* p, const char* end);

// First LF in [p, end), or end (memchr's answer, without its call overhead
// on short lines).
const char* find_lf_scalar(const char* p, const char* end);
const char* find_lf_sse2(const char* p, const char* end);
const char* find_lf_avx2(const char* p, const char* end);

// First LF in [p, end) that the bytes after it make the end of a head: LF
// LF, or LF CR LF (lines end at LF; the empty line is LF or CR LF); end when
// there is none.
const char* find_empty_line_scalar(const char* p, const char* end);
const char* find_empty_line_sse2(const char* p, const char* end);
const char* find_empty_line_avx2(const char* p, const char* end);

bool avx2_supported();

// The versions in use: AVX2 when the CPU has it, else SSE2 (x86-64), else scalar.
// (Atomic so that two threads making the first call at once do not race;
// a relaxed load is a plain load.)
extern std::atomic<ScanFn> scan_field_value_best;
extern std::atomic<ScanFn> scan_tchars_best;
extern std::atomic<ScanFn> find_lf_best;
extern std::atomic<ScanFn> find_empty_line_best;
// Which one that is: "avx2", "sse2" or "scalar".
const char* scan_level();

}  // namespace rawhttp::http::detail
