#include "diagnostics.hpp"

#include <algorithm>

namespace tcpmc {

Diagnostic& Diagnostics::add(Diagnostic d) {
  const bool is_error = d.severity == Severity::Error;
  if (is_error) ++errors_;
  if (kept_errors_ >= kMaxErrors) {
    ++(is_error ? omitted_errors_ : omitted_warnings_);
    discarded_ = std::move(d);
    return discarded_;
  }
  if (is_error) ++kept_errors_;
  list_.push_back(std::move(d));
  return list_.back();
}

Diagnostic& Diagnostics::error(SourceRange r, std::string message) {
  return add(Diagnostic{Severity::Error, r, r.valid() ? r.file->path() : "", std::move(message), {}});
}

Diagnostic& Diagnostics::warning(SourceRange r, std::string message) {
  return add(Diagnostic{Severity::Warning, r, r.valid() ? r.file->path() : "", std::move(message), {}});
}

Diagnostic& Diagnostics::error_at_path(std::string path, std::string message) {
  return add(Diagnostic{Severity::Error, {}, std::move(path), std::move(message), {}});
}

void Diagnostics::append(const Diagnostics& other) {
  for (const auto& d : other.list_) add(d);
  for (const auto& f : other.files_) files_.push_back(f);
  // What `other` already omitted stays omitted here.
  errors_ += other.omitted_errors_;
  omitted_errors_ += other.omitted_errors_;
  omitted_warnings_ += other.omitted_warnings_;
}

static const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

static void render(std::string& out, Severity sev, SourceRange r, const std::string& path, const std::string& msg) {
  if (r.valid()) {
    LineCol lc = r.file->position(r.begin);
    out += r.file->path() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": ";
    out += std::string(severity_name(sev)) + ": " + msg + "\n";
    std::string_view line = r.file->line_text(lc.line);
    std::string num = std::to_string(lc.line);
    out += " " + num + " | " + std::string(line) + "\n";
    out += " " + std::string(num.size(), ' ') + " | ";
    // Columns count bytes; the caret line counts characters, so that it lines up under UTF-8
    // text: a UTF-8 continuation byte takes no room of its own.
    auto continuation = [&](uint32_t i) { return (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80; };
    for (uint32_t i = 1; i < lc.col && i - 1 < line.size(); ++i)
      if (!continuation(i - 1)) out += line[i - 1] == '\t' ? '\t' : ' ';
    out += '^';
    uint32_t width = r.end > r.begin ? r.end - r.begin : 1;
    uint32_t room = line.size() >= lc.col ? static_cast<uint32_t>(line.size()) - lc.col + 1 : 1;
    width = std::min(width, room);
    for (uint32_t i = 1; i < width; ++i)
      if (!continuation(lc.col - 1 + i)) out += '~';
    out += "\n";
  } else {
    if (!path.empty()) out += path + ": ";
    out += std::string(severity_name(sev)) + ": " + msg + "\n";
  }
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string out;
  render(out, d.severity, d.range, d.path, d.message);
  for (const auto& n : d.notes) render(out, Severity::Note, n.range, d.path, n.message);
  return out;
}

std::string format_diagnostics(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds.all()) out += format_diagnostic(d);
  if (ds.omitted_errors() > 0 || ds.omitted_warnings() > 0) {
    std::string what;
    if (ds.omitted_errors() > 0)
      what = std::to_string(ds.omitted_errors()) + (ds.omitted_errors() == 1 ? " more error" : " more errors");
    if (ds.omitted_warnings() > 0)
      what += (what.empty() ? "" : " and ") + std::to_string(ds.omitted_warnings()) +
              (ds.omitted_warnings() == 1 ? " more warning" : " more warnings");
    std::string path = ds.all().empty() ? std::string() : ds.all().front().path;
    render(out, Severity::Note, {}, path, what + " not shown");
  }
  return out;
}

static size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = edit_distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string with_suggestion(std::string message, const std::string& name,
                            const std::vector<std::string>& candidates) {
  std::string c = closest_name(name, candidates);
  if (!c.empty()) message += "; did you mean '" + c + "'?";
  return message;
}

}  // namespace tcpmc
