// Diagnostics: the one type every stage (lexer, parser, type checker, loader, command line) uses
// to report bad input. Stages *return* diagnostics in a Diagnostics list and never print; one
// formatter renders them compiler-style:
//   specs/x.tcp:12:7: error: unknown state 'FIN_WAIT2'; did you mean 'FIN_WAIT_2'?
//      12 |   goto FIN_WAIT2
//         |        ^~~~~~~~~
// followed by notes ("previously declared here") with their own locations.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "source.hpp"

namespace tcpmc {

enum class Severity { Error, Warning, Note };

struct DiagnosticNote {
  SourceRange range;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceRange range;       // may be invalid (no location), then `path` names the input
  std::string path;        // for diagnostics without a range (unreadable file, -D option)
  std::string message;
  std::vector<DiagnosticNote> notes;
};

class Diagnostics {
 public:
  Diagnostic& error(SourceRange r, std::string message);
  Diagnostic& warning(SourceRange r, std::string message);
  Diagnostic& error_at_path(std::string path, std::string message);
  bool has_errors() const { return errors_ > 0; }
  size_t error_count() const { return errors_; }
  const std::vector<Diagnostic>& all() const { return list_; }
  void append(const Diagnostics& other);
  // Keeps a source file alive as long as these diagnostics, whose ranges point into it.
  void retain(std::shared_ptr<const SourceFile> file) { files_.push_back(std::move(file)); }

 private:
  std::vector<std::shared_ptr<const SourceFile>> files_;
  std::vector<Diagnostic> list_;
  size_t errors_ = 0;
};

std::string format_diagnostic(const Diagnostic& d);
std::string format_diagnostics(const Diagnostics& ds);

// "did you mean" support: the candidate closest to `name` by edit distance, or "" if none is close.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);
// Appends "; did you mean 'X'?" when a close candidate exists.
std::string with_suggestion(std::string message, const std::string& name,
                            const std::vector<std::string>& candidates);

}  // namespace tcpmc
