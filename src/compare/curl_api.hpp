// libcurl, loaded with dlopen() the first time `send --via curl` or `compare`
// needs it, so the other commands never map libcurl and the libraries it
// pulls in (see README "Start-up cost"). Only the handful of entry points the
// curl exchange uses are resolved. curl.h is included for its types and
// constants only; every call goes through the pointers below.
#pragma once

#include <curl/curl.h>

#include <string>

#include "core/error.hpp"

namespace rawhttp::compare {

struct CurlApi {
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL*);
    void (*easy_reset)(CURL*);
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    CURLcode (*easy_perform)(CURL*);
    const char* (*easy_strerror)(CURLcode);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
    curl_version_info_data* (*version_info)(CURLversion);
    std::string library;  // what was loaded ("libcurl.so.4")
    std::string version;  // "7.88.1"
};

// Loads libcurl once (thread-safe) and returns its entry points. The library
// is $RAWHTTP_LIBCURL when set (for tests), else libcurl.so.4.
// Errors (usage, exit 2): the library or one of its functions is missing.
Result<const CurlApi*> load_curl();

}  // namespace rawhttp::compare
