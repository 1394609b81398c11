// The machine-readable result of checking one spec (the `--json` object; the schema is listed in
// README.md). Stable key order, so that reports diff cleanly.
#pragma once
#include <string>

#include "json_writer.hpp"
#include "verifier.hpp"

namespace tcpmc {

void write_spec_json(JsonWriter& w, const SpecResult& r);
void write_trace_json(JsonWriter& w, const CompiledSystem& sys, const Trace& t);

}  // namespace tcpmc
