// Tests of the --cacert check (src/tls/pem_file): the shape of a PEM file,
// found before connecting.
#include "tls/pem_file.hpp"

#include <doctest/doctest.h>

#include "temp_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct TempDir : test_support::TempDir {
    TempDir() : test_support::TempDir("pem-test") {}
};

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("ca_file_problem: a file with a PEM certificate passes") {
    TempDir d;
    std::string p = d.write("ca.pem", "# comment\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    CHECK(rawhttp::tls::ca_file_problem(p).empty());
}

TEST_CASE("ca_file_problem: a file without one is refused, naming it") {
    TempDir d;
    std::string p = d.write("notes.txt", "hello, not a certificate\n");
    std::string why = rawhttp::tls::ca_file_problem(p);
    CHECK(contains(why, "'" + p + "': no PEM certificate in it"));
    CHECK(contains(rawhttp::tls::ca_file_problem(d.write("empty", "")), "no PEM certificate"));
    // A private key alone is PEM, but not a certificate.
    CHECK(contains(rawhttp::tls::ca_file_problem(d.write("key.pem", "-----BEGIN PRIVATE KEY-----\n")),
                   "no PEM certificate"));
}

TEST_CASE("ca_file_problem: missing, folders, devices and FIFOs are refused without blocking") {
    TempDir d;
    CHECK(contains(rawhttp::tls::ca_file_problem((d.path / "no.pem").string()), "cannot read"));
    CHECK(contains(rawhttp::tls::ca_file_problem((d.path / "no.pem").string()), "No such file"));
    CHECK(contains(rawhttp::tls::ca_file_problem(d.path.string()), "is a folder"));
    CHECK(contains(rawhttp::tls::ca_file_problem("/dev/zero"), "character device"));
    REQUIRE(::mkfifo((d.path / "fifo").c_str(), 0600) == 0);
    CHECK(contains(rawhttp::tls::ca_file_problem((d.path / "fifo").string()), "FIFO"));
}
