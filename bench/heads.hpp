// The heads the parser benchmark times (bench/parser_bench.cpp): realistic
// responses a client reads and requests serve and listen read.
#pragma once

#include <string>

namespace bench_heads {

// ---------------------------------------------------------------- responses

// A small JSON API response (what an API gateway sends back).
const std::string kApiHead =
    "HTTP/1.1 200 OK\r\n"
    "Date: Sat, 22 Nov 2025 18:46:10 GMT\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Content-Length: 87\r\n"
    "Connection: keep-alive\r\n"
    "Cache-Control: no-store\r\n"
    "X-Request-Id: 7f3c9a2e-4b1d-4e8a-9c55-0a7d21b6e913\r\n"
    "\r\n";

// nginx serving a static file.
const std::string kNginxHead =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Sat, 22 Nov 2025 18:46:10 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 10671\r\n"
    "Last-Modified: Tue, 04 Nov 2025 09:12:44 GMT\r\n"
    "Connection: keep-alive\r\n"
    "ETag: \"6909c36c-29af\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "\r\n";

// A big CDN response: ~25 fields, cookies, security headers, long values.
const std::string kCdnHead =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "Content-Length: 184213\r\n"
    "Connection: keep-alive\r\n"
    "Date: Sat, 22 Nov 2025 18:46:10 GMT\r\n"
    "Server: ECAcc (lhd/35B8)\r\n"
    "Cache-Control: public, max-age=0, s-maxage=300, stale-while-revalidate=60\r\n"
    "Age: 117\r\n"
    "Vary: Accept-Encoding, Accept-Language, Cookie\r\n"
    "ETag: W/\"2cf95-19a4e1c2b8d\"\r\n"
    "Last-Modified: Sat, 22 Nov 2025 18:40:03 GMT\r\n"
    "Strict-Transport-Security: max-age=63072000; includeSubDomains; preload\r\n"
    "Content-Security-Policy: default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.example-static.net "
    "https://www.googletagmanager.com; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: strict-origin-when-cross-origin\r\n"
    "Permissions-Policy: geolocation=(), microphone=(), camera=()\r\n"
    "Set-Cookie: session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNzMyMjk5OTcwfQ.kD3vU7; "
    "Path=/; Domain=.example.com; Expires=Sun, 23 Nov 2025 18:46:10 GMT; Secure; HttpOnly; SameSite=Lax\r\n"
    "Set-Cookie: __cf_bm=Zm9vYmFyYmF6cXV4LTE3MzIyOTk5NzAtMC1BVGd5; path=/; expires=Sat, 22-Nov-25 19:16:10 GMT; "
    "domain=.example.com; HttpOnly; Secure; SameSite=None\r\n"
    "Set-Cookie: locale=en-GB; Path=/; Max-Age=31536000; SameSite=Lax\r\n"
    "X-Cache: HIT\r\n"
    "X-Cache-Hits: 14\r\n"
    "X-Served-By: cache-lhr7321-LHR, cache-fra-etou8220090-FRA\r\n"
    "X-Timer: S1732301170.812304,VS0,VE1\r\n"
    "CF-Ray: 8e6a2f4b7c1d9e03-LHR\r\n"
    "Alt-Svc: h3=\":443\"; ma=86400\r\n"
    "Via: 1.1 varnish, 1.1 varnish\r\n"
    "\r\n";

// A chunked response (a streamed API / server-rendered page).
const std::string kChunkedHead =
    "HTTP/1.1 200 OK\r\n"
    "Date: Sat, 22 Nov 2025 18:46:10 GMT\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Connection: keep-alive\r\n"
    "Vary: Accept-Encoding\r\n"
    "Cache-Control: private, no-cache\r\n"
    "X-Powered-By: Express\r\n"
    "\r\n";

// ---------------------------------------------------------------- requests

// Chromium navigating to a page: ~16 fields, client hints, a cookie.
const std::string kBrowserGet =
    "GET /products/search?q=mechanical+keyboard&page=2 HTTP/1.1\r\n"
    "Host: shop.example.com\r\n"
    "Connection: keep-alive\r\n"
    "sec-ch-ua: \"Chromium\";v=\"120\", \"Not?A_Brand\";v=\"8\"\r\n"
    "sec-ch-ua-mobile: ?0\r\n"
    "sec-ch-ua-platform: \"Linux\"\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
    "Safari/537.36\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "Sec-Fetch-Mode: navigate\r\n"
    "Sec-Fetch-User: ?1\r\n"
    "Sec-Fetch-Dest: document\r\n"
    "Referer: https://shop.example.com/products\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-GB,en;q=0.9,de;q=0.8\r\n"
    "Cookie: session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.kD3vU7; locale=en-GB; _ga=GA1.2.1387561.1732299970\r\n"
    "\r\n";

// curl's GET, as curl 7.88 sends it.
const std::string kCurlGet =
    "GET /index.html HTTP/1.1\r\n"
    "Host: 127.0.0.1:8080\r\n"
    "User-Agent: curl/7.88.1\r\n"
    "Accept: */*\r\n"
    "\r\n";

// A JSON API call from a script, with its body's length.
const std::string kApiPost =
    "POST /api/v1/orders HTTP/1.1\r\n"
    "Host: api.example.com\r\n"
    "User-Agent: python-requests/2.31.0\r\n"
    "Accept-Encoding: gzip, deflate\r\n"
    "Accept: application/json\r\n"
    "Connection: keep-alive\r\n"
    "Content-Type: application/json\r\n"
    "Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvcmRlci1ib3QifQ.c2lnbmF0dXJl\r\n"
    "X-Request-Id: 3b0f6a52-9d1e-4c47-8f0a-6e2d5c8b7a19\r\n"
    "Content-Length: 142\r\n"
    "\r\n";

// A streamed upload of unknown length.
const std::string kChunkedUpload =
    "PUT /uploads/2025/11/recording.webm HTTP/1.1\r\n"
    "Host: media.example.com\r\n"
    "User-Agent: rclone/v1.60.1\r\n"
    "Content-Type: video/webm\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Authorization: Basic dXBsb2FkZXI6czNjcjN0LXBhc3N3b3Jk\r\n"
    "X-Upload-Session: 8c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f\r\n"
    "\r\n";

}  // namespace bench_heads
