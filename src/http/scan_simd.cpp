// The head parser's scanners, scalar / SSE2 / AVX2 (see scan_simd.hpp for
// which are used and why). The AVX2 code is compiled for that target function
// by function, so the rest of rawhttp keeps running on any x86-64.
#include "http/scan_simd.hpp"

#include "http/chars.hpp"

#if defined(__x86_64__) || defined(__i386__)
#define RAWHTTP_X86 1
#include <immintrin.h>
// glibc 2.33+: the loader's own CPU survey. Its header uses C's _Bool, which
// clang refuses in C++ (the fuzz builds): those ask the compiler's runtime.
#if __has_include(<sys/platform/x86.h>) && !defined(__clang__)
#include <sys/platform/x86.h>
#endif
#endif

namespace rawhttp::http::detail {

const char* scan_field_value_scalar(const char* p, const char* end) { return scan_class(p, end, kFieldValue); }

const char* find_empty_line_scalar(const char* p, const char* end) {
    for (; p < end; ++p) {
        if (*p != '\n') continue;
        if (end - p >= 2 && p[1] == '\n') return p;
        if (end - p >= 3 && p[1] == '\r' && p[2] == '\n') return p;
    }
    return end;
}

#if RAWHTTP_X86

const char* scan_field_value_sse2(const char* p, const char* end) {
    const __m128i k1f = _mm_set1_epi8(0x1f);
    const __m128i ktab = _mm_set1_epi8('\t');
    const __m128i kdel = _mm_set1_epi8(0x7f);
    while (end - p >= 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        // x <= 0x1f (unsigned) <=> max(x, 0x1f) == 0x1f
        const __m128i ctl = _mm_cmpeq_epi8(_mm_max_epu8(x, k1f), k1f);
        const __m128i bad = _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(x, ktab), ctl), _mm_cmpeq_epi8(x, kdel));
        if (const int mask = _mm_movemask_epi8(bad)) return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
    return scan_field_value_scalar(p, end);
}

__attribute__((target("avx2"))) const char* scan_field_value_avx2(const char* p, const char* end) {
    const __m256i k1f = _mm256_set1_epi8(0x1f);
    const __m256i ktab = _mm256_set1_epi8('\t');
    const __m256i kdel = _mm256_set1_epi8(0x7f);
    while (end - p >= 32) {
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        const __m256i ctl = _mm256_cmpeq_epi8(_mm256_max_epu8(x, k1f), k1f);
        const __m256i bad =
            _mm256_or_si256(_mm256_andnot_si256(_mm256_cmpeq_epi8(x, ktab), ctl), _mm256_cmpeq_epi8(x, kdel));
        if (const unsigned mask = static_cast<unsigned>(_mm256_movemask_epi8(bad))) return p + __builtin_ctz(mask);
        p += 32;
    }
    return scan_field_value_sse2(p, end);
}

// Each position's LF, and the LF or CR LF after it, tested for a block at
// once: three overlapping loads, so a block needs two bytes past it.
const char* find_empty_line_sse2(const char* p, const char* end) {
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    while (end - p >= 18) {
        const __m128i x0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i x1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
        const __m128i x2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2));
        const __m128i next = _mm_or_si128(_mm_cmpeq_epi8(x1, lf),
                                          _mm_and_si128(_mm_cmpeq_epi8(x1, cr), _mm_cmpeq_epi8(x2, lf)));
        if (const int mask = _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x0, lf), next)))
            return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
    return find_empty_line_scalar(p, end);
}

bool avx2_supported() {
#ifdef CPU_FEATURE_ACTIVE
    // Asks what glibc's loader found at start-up. __builtin_cpu_supports would
    // link libgcc's survey, a constructor that runs CPUID about a dozen times
    // in every process; in a virtual machine each one traps (about 7 us here).
    return CPU_FEATURE_ACTIVE(AVX2);
#else
    __builtin_cpu_init();  // may run before the runtime's own initialisation (static constructors)
    return __builtin_cpu_supports("avx2");
#endif
}

#else

const char* scan_field_value_sse2(const char* p, const char* end) { return scan_field_value_scalar(p, end); }
const char* scan_field_value_avx2(const char* p, const char* end) { return scan_field_value_scalar(p, end); }
const char* find_empty_line_sse2(const char* p, const char* end) { return find_empty_line_scalar(p, end); }
bool avx2_supported() { return false; }

#endif

namespace {

// The first call lands here, picks, and is never made again: no guard on the
// hot path, and safe from any static constructor.
const char* choose_scan_field_value(const char* p, const char* end) {
    const ScanFn f = avx2_supported() ? scan_field_value_avx2 : scan_field_value_sse2;
    scan_field_value_best.store(f, std::memory_order_relaxed);
    return f(p, end);
}

}  // namespace

std::atomic<ScanFn> scan_field_value_best{choose_scan_field_value};

const char* scan_level() {
#if RAWHTTP_X86
    return avx2_supported() ? "avx2" : "sse2";
#else
    return "scalar";
#endif
}

}  // namespace rawhttp::http::detail
