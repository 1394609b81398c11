// Spec composition: `include "base.tcp"` makes a spec an edit of another one. The including spec
// starts from the included spec's declarations and then applies its own:
//   - new declarations are added (rules at the end, or `before RULE`);
//   - `override const N = E`, `override recv|call|timeout NAME ...` replace the included
//     constant or rule in place (a recv rule keeps its position in the first-match order);
//   - `override invariant|stuck NAME expect hold|violation [: EXPR]` changes a property's
//     expectation (and, with an expression, the property itself);
//   - `override lemma NAME: EXPR` replaces the included lemma's expression, in place;
//   - `override monitor NAME on ...` replaces the included monitor in place;
//   - `remove NAME` drops an included rule, property, lemma or monitor (a removed rule leaves the fairness
//     declarations too); `remove fair network` and `remove fair RULE` drop a fairness declaration;
//   - fairness declarations (`fair ...`) are added to the included ones;
//   - `spec NAME "..."`, network and fault settings given again take precedence.
// Misuses (override of something missing, include cycles) become diagnostics.
#pragma once
#include "ast.hpp"
#include "diagnostics.hpp"

namespace tcpmc {

// Applies `derived`'s declarations on top of `base` (what derived's include produced).
ast::Spec apply_edits(ast::Spec base, ast::Spec derived, Diagnostics& diags);

// Reports overrides and removals in a spec that includes nothing.
void check_no_edits_without_include(const ast::Spec& spec, Diagnostics& diags);

}  // namespace tcpmc
