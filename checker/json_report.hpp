// The machine-readable result of checking one spec (the `--json` object; the schema is listed in
// README.md). Stable key order, so that reports diff cleanly.
#pragma once
#include <string>

#include "json_writer.hpp"
#include "verifier.hpp"

namespace tcpmc {

// `timing`: include the run time (left out of committed reports, so that they change only
// when results do).
void write_spec_json(JsonWriter& w, const SpecResult& r, bool timing = true);
void write_trace_json(JsonWriter& w, const CompiledSystem& sys, const Trace& t);

}  // namespace tcpmc
