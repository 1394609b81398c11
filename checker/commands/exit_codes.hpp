// Exit codes of `tcpmc`: an interface that scripts and CI rely on. Documented in README.md.
#pragma once

namespace tcpmc::exit_code {

constexpr int kAllAsExpected = 0;    // every verdict as the spec expects
constexpr int kUsage = 1;            // bad command line (unknown option, unknown -D constant, ...)
constexpr int kBadInput = 2;         // a spec that does not parse or type-check, an unreadable file,
                                     // or a model error found while exploring (value out of range)
constexpr int kInconclusive = 5;     // some property is inconclusive within the bounds given
constexpr int kInternal = 6;         // a bug in tcpmc (for example a counterexample that fails replay)
constexpr int kUnexpectedVerdict = 10;  // some verdict differs from the spec's expectation

}  // namespace tcpmc::exit_code
