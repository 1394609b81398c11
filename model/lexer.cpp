#include "lexer.hpp"

#include <cctype>

namespace tcpmc {

const char* token_name(Tok t) {
  switch (t) {
    case Tok::End: return "end of file";
    case Tok::Ident: return "identifier";
    case Tok::Int: return "number";
    case Tok::String: return "string";
    case Tok::LBrace: return "'{'";
    case Tok::RBrace: return "'}'";
    case Tok::LParen: return "'('";
    case Tok::RParen: return "')'";
    case Tok::Comma: return "','";
    case Tok::Colon: return "':'";
    case Tok::Semi: return "';'";
    case Tok::Dot: return "'.'";
    case Tok::DotDot: return "'..'";
    case Tok::Assign: return "':='";
    case Tok::Eq: return "'='";
    case Tok::EqEq: return "'=='";
    case Tok::NotEq: return "'!='";
    case Tok::Lt: return "'<'";
    case Tok::Le: return "'<='";
    case Tok::Gt: return "'>'";
    case Tok::Ge: return "'>='";
    case Tok::Plus: return "'+'";
    case Tok::Minus: return "'-'";
    case Tok::Star: return "'*'";
    case Tok::Slash: return "'/'";
    case Tok::Percent: return "'%'";
    case Tok::Bang: return "'!'";
    case Tok::AndAnd: return "'&&'";
    case Tok::OrOr: return "'||'";
    case Tok::Arrow: return "'->'";
    case Tok::LeadsTo: return "'~>'";
    case Tok::Pipe: return "'|'";
  }
  return "token";
}

namespace {

// `digits` hex digits at least (upper case, as in U+00E9, or lower case, as in 0xe9).
std::string hex(uint32_t v, int digits, bool upper = true) {
  const char* d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), d[v & 15]);
    v >>= 4;
  } while (v > 0 || static_cast<int>(out.size()) < digits);
  return out;
}

struct Utf8 {
  bool valid = false;
  uint32_t len = 1;   // bytes: the whole character, or the maximal invalid prefix (at least 1)
  uint32_t code = 0;  // the code point, when valid
};

// Decodes the UTF-8 sequence starting at s[i] (a byte >= 0x80). An invalid sequence spans its
// lead byte and the continuation bytes that could still belong to it (the "maximal subpart" of
// Unicode §3.9), so that lexing resumes at the first byte that cannot.
Utf8 decode_utf8(const std::string& s, uint32_t i) {
  const auto byte = [&](uint32_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  Utf8 u;
  uint32_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    u.code = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    u.code = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    u.code = c & 0x07;
    if (c == 0xF0) lo = 0x90;  // no overlong forms
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return u;  // a continuation byte, an overlong lead (C0, C1) or F5..FF: invalid alone
  }
  for (uint32_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) return u;
    const unsigned char b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return u;
    u.code = (u.code << 6) | (b & 0x3F);
    u.len = k + 1;
  }
  u.valid = true;
  return u;
}

}  // namespace

std::vector<Token> lex(const SourceFile& file, Diagnostics& diags) {
  std::vector<Token> out;
  const std::string& s = file.text();
  uint32_t i = 0, n = static_cast<uint32_t>(s.size());
  auto make = [&](Tok k, uint32_t b, uint32_t e) {
    Token t;
    t.kind = k;
    t.range = {&file, b, e};
    out.push_back(std::move(t));
  };
  while (i < n) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') { ++i; continue; }
    if (c == '/' && i + 1 < n && s[i + 1] == '/') {
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      uint32_t b = i;
      i += 2;
      while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/')) ++i;
      if (i + 1 >= n) {
        diags.error({&file, b, b + 2}, "unterminated comment");
        i = n;
      } else {
        i += 2;
      }
      continue;
    }
    uint32_t b = i;
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (i < n && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
      make(Tok::Ident, b, i);
      out.back().text = s.substr(b, i - b);
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      bool bad = i < n && (std::isalpha(static_cast<unsigned char>(s[i])) || s[i] == '_');
      while (i < n && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
      make(Tok::Int, b, i);
      out.back().text = s.substr(b, i - b);
      if (bad) {
        diags.error({&file, b, i}, "malformed number '" + out.back().text + "'");
      } else if (i - b > 9) {
        diags.error({&file, b, i}, "number '" + out.back().text + "' is too large (at most 999999999)");
      } else {
        out.back().value = std::stoll(out.back().text);
      }
      continue;
    }
    if (c == '"') {
      ++i;
      while (i < n && s[i] != '"' && s[i] != '\n') ++i;
      if (i >= n || s[i] != '"') {
        diags.error({&file, b, i}, "unterminated string");
        make(Tok::String, b, i);
        out.back().text = s.substr(b + 1, i - b - 1);
        continue;
      }
      ++i;
      make(Tok::String, b, i);
      out.back().text = s.substr(b + 1, i - b - 2);
      continue;
    }
    auto two = [&](char a, char b2) { return c == a && i + 1 < n && s[i + 1] == b2; };
    Tok k;
    uint32_t len = 1;
    if (two(':', '=')) { k = Tok::Assign; len = 2; }
    else if (two('=', '=')) { k = Tok::EqEq; len = 2; }
    else if (two('!', '=')) { k = Tok::NotEq; len = 2; }
    else if (two('<', '=')) { k = Tok::Le; len = 2; }
    else if (two('>', '=')) { k = Tok::Ge; len = 2; }
    else if (two('&', '&')) { k = Tok::AndAnd; len = 2; }
    else if (two('|', '|')) { k = Tok::OrOr; len = 2; }
    else if (two('-', '>')) { k = Tok::Arrow; len = 2; }
    else if (two('~', '>')) { k = Tok::LeadsTo; len = 2; }
    else if (two('.', '.')) { k = Tok::DotDot; len = 2; }
    else {
      switch (c) {
        case '{': k = Tok::LBrace; break;
        case '}': k = Tok::RBrace; break;
        case '(': k = Tok::LParen; break;
        case ')': k = Tok::RParen; break;
        case ',': k = Tok::Comma; break;
        case ':': k = Tok::Colon; break;
        case ';': k = Tok::Semi; break;
        case '.': k = Tok::Dot; break;
        case '=': k = Tok::Eq; break;
        case '<': k = Tok::Lt; break;
        case '>': k = Tok::Gt; break;
        case '+': k = Tok::Plus; break;
        case '-': k = Tok::Minus; break;
        case '*': k = Tok::Star; break;
        case '/': k = Tok::Slash; break;
        case '%': k = Tok::Percent; break;
        case '!': k = Tok::Bang; break;
        case '|': k = Tok::Pipe; break;
        default: {
          unsigned char uc = static_cast<unsigned char>(c);
          if (uc >= 0x80) {  // one diagnostic per character (or per invalid sequence), not per byte
            Utf8 u = decode_utf8(s, i);
            if (u.valid) {
              diags.error({&file, b, b + u.len}, "unexpected character '" + s.substr(b, u.len) + "' (U+" +
                                                     hex(u.code, 4) + ")");
            } else {
              std::string bytes;
              for (uint32_t k = 0; k < u.len; ++k)
                bytes += (k ? " 0x" : "0x") + hex(static_cast<unsigned char>(s[b + k]), 2, false);
              diags.error({&file, b, b + u.len}, "invalid UTF-8 sequence " + bytes);
            }
            i += u.len;
            continue;
          }
          std::string shown = std::isprint(uc) ? std::string("'") + c + "'" : "byte 0x" + hex(uc, 2, false);
          if (c == '&') shown += " (did you mean '&&'?)";
          diags.error({&file, b, b + 1}, "unexpected character " + shown);
          ++i;
          continue;
        }
      }
    }
    i += len;
    make(k, b, i);
  }
  make(Tok::End, n, n);
  return out;
}

}  // namespace tcpmc
