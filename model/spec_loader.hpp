// Loading a spec: read the file, lex, parse, resolve `include` (spec_include.hpp), type-check. The one entry point the command line and
// the tests use. Unreadable files, bad syntax and type errors all come back as diagnostics; the
// returned spec is usable only when no error was reported.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diagnostics.hpp"
#include "ir.hpp"
#include "typecheck.hpp"

namespace tcpmc {

struct LoadedSpec {
  std::vector<std::shared_ptr<const SourceFile>> sources;  // the spec and what it includes; they keep
                                                           // the text alive for the model's source ranges
  ir::Model model;
};

std::optional<LoadedSpec> load_spec_file(const std::string& path, const ConstOverrides& overrides, Diagnostics& diags);
std::optional<LoadedSpec> load_spec_text(const std::string& path, std::string text, const ConstOverrides& overrides,
                                         Diagnostics& diags);

}  // namespace tcpmc
