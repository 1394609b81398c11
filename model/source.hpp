// A spec's source text and positions in it.
// Contract: SourceFile owns the text; a SourceRange is a byte range into one SourceFile and stays
// valid as long as that file lives. Line and column are 1-based; columns count bytes.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tcpmc {

struct LineCol {
  uint32_t line = 0;
  uint32_t col = 0;
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  LineCol position(uint32_t offset) const;
  std::string_view line_text(uint32_t line) const;  // without the newline

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

struct SourceRange {
  const SourceFile* file = nullptr;
  uint32_t begin = 0;
  uint32_t end = 0;
  bool valid() const { return file != nullptr; }
};

inline SourceRange join(SourceRange a, SourceRange b) {
  if (!a.valid()) return b;
  if (!b.valid()) return a;
  return {a.file, a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
}

}  // namespace tcpmc
