// Helpers shared by the command implementations (not part of the commands' interface).
#pragma once
#include <iosfwd>
#include <memory>
#include <string>

#include "verifier.hpp"

namespace tcpmc {

// Checks one spec, printing its diagnostics to err; nullptr if it cannot be loaded.
std::unique_ptr<SpecResult> check_reporting(const std::string& path, const CheckOptions& opts, std::ostream& err);

}  // namespace tcpmc
