// The machine-readable result of checking one spec (the `--json` object; the schema is listed in
// README.md), built with nlohmann_json. Keys keep their insertion order (ordered_json), so that
// reports diff cleanly. A run (trace_json) is {"length", "initial", "steps"}, and a lasso's has
// "loop_start" after "length": the index in "steps" where the loop that repeats forever begins
// (equal to "length" when the run stays in its last state).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "verifier.hpp"

namespace tcpmc {

using Json = nlohmann::ordered_json;

// `timing`: include the run time (left out of committed reports, so that they change only
// when results do).
Json spec_json(const SpecResult& r, bool timing = true);
Json trace_json(const CompiledSystem& sys, const Trace& t);

// Serialises: compact with indent < 0, else pretty-printed; invalid UTF-8 in strings is replaced
// by U+FFFD instead of failing.
std::string json_text(const Json& j, int indent = -1);

}  // namespace tcpmc
