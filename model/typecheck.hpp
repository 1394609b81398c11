// Type checker: ast::Spec -> ir::Model. Resolves names (with "did you mean" hints), types every
// expression, folds constants (applying -D overrides), enforces the ghost discipline (the protocol
// never reads ghost state) and that rules never read the peer's variables, and computes each
// rule's read/write sets. All problems become diagnostics; the model is usable only when
// diags.has_errors() is false.
#pragma once
#include <map>
#include <string>

#include "ast.hpp"
#include "diagnostics.hpp"
#include "ir.hpp"

namespace tcpmc {

// -D NAME=VALUE overrides. Names that match no constant are reported by the caller's context.
using ConstOverrides = std::map<std::string, int64_t>;

ir::Model check_spec(const ast::Spec& spec, const ConstOverrides& overrides, Diagnostics& diags);

}  // namespace tcpmc
