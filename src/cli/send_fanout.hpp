// send --to A --to B ...: the same composed bytes to each server in turn,
// then one grid (or --json) of what each answered.
#pragma once

#include <string>
#include <vector>

#include "cli/common.hpp"
#include "client/session.hpp"

namespace rawhttp::cli {

// Runs the requests against every target of `target.fan_out`, one session
// each (the session options' deadlines apply per target). Returns the exit
// code: the first failed exchange's, as send's, else 0.
int run_fan_out(const std::vector<ComposedRequest>& requests, const TargetOptions& target,
                const client::SessionOptions& options, bool json);

}  // namespace rawhttp::cli
