// The one main() of the doctest unit-test binary; the tests live in
// tests/<module>/*_test.cpp beside the module they test.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
