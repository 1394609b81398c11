// Loading a spec: read the file, lex, parse, resolve `include` (spec_include.hpp), type-check. The one entry point the command line and
// the tests use. Unreadable files, bad syntax and type errors all come back as diagnostics; the
// returned spec is usable only when no error was reported. A spec or an included file must be a
// regular file (or a character device) of at most 16 MiB: a directory, FIFO, socket or block
// device is refused without being read, and nothing blocks.
#pragma once
#include <functional>
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

// Supplies the text of an included spec without the file system. `path` is the include's path
// joined to the including spec's directory and lexically normalized ("dir/../base.tcp" is
// "base.tcp"). Returns the text, or nullopt after reporting at `where` why there is none.
using IncludeReader =
    std::function<std::optional<std::string>(const std::string& path, SourceRange where, Diagnostics& diags)>;

// Like load_spec_text, but never touches the file system (for the fuzzer, and for callers that
// hold every spec in memory): `include` asks `read_include` for the text, and is an error when
// no reader is given. Include cycles are found on the lexically normalized paths.
std::optional<LoadedSpec> load_spec_text_in_memory(const std::string& path, std::string text,
                                                   const ConstOverrides& overrides, Diagnostics& diags,
                                                   const IncludeReader& read_include = {});

}  // namespace tcpmc
