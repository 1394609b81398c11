// Limits of the spec language that the type checker enforces and the engines rely on (the
// explicit engine sizes fixed arrays by them). Kept apart from the engine headers so that the
// front end can include them.
#pragma once
#include <cstdint>

namespace tcpmc {

// Rule parameters: at most kMaxParams per rule. An application call fires once per combination
// of its parameters' values, in every state: an integer or enum parameter ranges over at most
// kMaxParamValues values, and the combinations are bounded per rule and over all rules. The type
// checker enforces these bounds except for seq parameters, which only the explicit engines
// enumerate (explicit_enumeration_problem, compiled_system.hpp, applies them to every rule).
constexpr int kMaxParams = 4;
constexpr int64_t kMaxParamValues = 256;
constexpr uint64_t kMaxParamCombinations = uint64_t{1} << 20;
constexpr uint64_t kMaxTotalParamCombinations = uint64_t{1} << 22;

// The most `send` statements one rule firing may execute, on any path through its body (an `if`
// counts its larger branch). The type checker refuses a rule that could send more; a firing
// records every segment it sends (ExecContext::sent, Label::sent) for traces, send monitors and
// the capacity/loss accounting.
constexpr int kMaxSends = 4;

}  // namespace tcpmc
