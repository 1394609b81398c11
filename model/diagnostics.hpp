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

// A list of diagnostics with a cap: once kMaxErrors errors are recorded, later diagnostics
// (errors and warnings) are counted but not kept, so that a binary file or a megabyte of garbage
// costs neither memory nor a million lines of output. error_count() is always the true number of
// errors, kept or not; all() holds the kept ones, and omitted_errors() says how many errors were
// dropped. format_diagnostics() ends with one note saying so ("N more errors not shown").
class Diagnostics {
 public:
  static constexpr size_t kMaxErrors = 20;

  // The returned reference may be used to add notes; for a diagnostic beyond the cap it refers
  // to a scratch entry that is discarded.
  Diagnostic& error(SourceRange r, std::string message);
  Diagnostic& warning(SourceRange r, std::string message);
  Diagnostic& error_at_path(std::string path, std::string message);
  bool has_errors() const { return errors_ > 0; }
  size_t error_count() const { return errors_; }  // all errors, including omitted ones
  size_t omitted_errors() const { return omitted_errors_; }
  size_t omitted_warnings() const { return omitted_warnings_; }
  const std::vector<Diagnostic>& all() const { return list_; }  // the kept diagnostics, in order
  // Adds `other`'s diagnostics (subject to this list's cap) and counts.
  void append(const Diagnostics& other);
  // Keeps a source file alive as long as these diagnostics, whose ranges point into it.
  void retain(std::shared_ptr<const SourceFile> file) { files_.push_back(std::move(file)); }

 private:
  Diagnostic& add(Diagnostic d);
  std::vector<std::shared_ptr<const SourceFile>> files_;
  std::vector<Diagnostic> list_;
  size_t errors_ = 0;
  size_t kept_errors_ = 0;
  size_t omitted_errors_ = 0, omitted_warnings_ = 0;
  Diagnostic discarded_;
};

std::string format_diagnostic(const Diagnostic& d);
// All kept diagnostics, then, if some were omitted, "PATH: note: N more errors not shown".
std::string format_diagnostics(const Diagnostics& ds);

// "did you mean" support: the candidate closest to `name` by edit distance, or "" if none is close.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);
// Appends "; did you mean 'X'?" when a close candidate exists.
std::string with_suggestion(std::string message, const std::string& name,
                            const std::vector<std::string>& candidates);

}  // namespace tcpmc
