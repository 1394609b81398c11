// Limits of the spec language that the type checker enforces and the engines rely on (the
// explicit engine sizes fixed arrays by them). Kept apart from the engine headers so that the
// front end can include them.
#pragma once

namespace tcpmc {

// The most `send` statements one rule firing may execute, on any path through its body (an `if`
// counts its larger branch). The type checker refuses a rule that could send more; a firing
// records every segment it sends (ExecContext::sent, Label::sent) for traces, send monitors and
// the capacity/loss accounting.
constexpr int kMaxSends = 4;

}  // namespace tcpmc
