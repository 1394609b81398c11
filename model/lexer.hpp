// Lexer: turns a spec's text into tokens. Keywords are lexed as identifiers; the parser gives
// them meaning by context. Bad characters and malformed numbers become diagnostics and the
// lexer carries on, so that one run reports several errors. Outside strings and comments the text
// is ASCII: a non-ASCII UTF-8 character is one diagnostic covering all its bytes, and so is an
// invalid UTF-8 sequence (its lead byte and the continuation bytes that follow it).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "diagnostics.hpp"

namespace tcpmc {

enum class Tok {
  End, Ident, Int, String,
  LBrace, RBrace, LParen, RParen, Comma, Colon, Semi, Dot, DotDot,
  Assign /* := */, Eq /* = */, EqEq, NotEq, Lt, Le, Gt, Ge,
  Plus, Minus, Star, Slash, Percent, Bang, AndAnd, OrOr, Arrow /* -> */, Pipe, LeadsTo /* ~> */,
};

const char* token_name(Tok t);

struct Token {
  Tok kind = Tok::End;
  SourceRange range;
  std::string text;    // identifier name, string contents, or number spelling
  int64_t value = 0;   // for Int
};

std::vector<Token> lex(const SourceFile& file, Diagnostics& diags);

}  // namespace tcpmc
