// Parser: tokens -> ast::Spec. Recursive descent; on a syntax error it records a diagnostic and
// resynchronises at the next declaration, so one run reports several errors. Never throws on
// bad input and always terminates (every loop consumes a token or stops at end of file).
#pragma once
#include "ast.hpp"
#include "diagnostics.hpp"
#include "lexer.hpp"

namespace tcpmc {

ast::Spec parse_spec(const SourceFile& file, Diagnostics& diags);

}  // namespace tcpmc
