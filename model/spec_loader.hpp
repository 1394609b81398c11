// Loading a spec: read the file, lex, parse, resolve `include` (spec_include.hpp), type-check. The one entry point the command line and
// the tests use. Unreadable files, bad syntax and type errors all come back as diagnostics; the
// returned spec is usable only when no error was reported. A spec or an included file must be a
// regular file (or a character device) of at most 16 MiB: a directory, FIFO, socket or block
// device is refused without being read, and nothing blocks.
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
