// How a verdict was reached, in words: the one wording the text report, the summary table, the
// JSON report and the Markdown report share (PropertyReport::basis and bound, engine.hpp).
#pragma once
#include <string>

#include "verifier.hpp"

namespace tcpmc {

// "search", "proved", "bounded", "not_inductive", "not_checked" (the JSON "basis").
const char* basis_name(Basis b);

// The verdict as shown to people. Search: "holds", "violated", "inconclusive" (verdict_name).
// Proved: "holds (proved, k=6)". Bounded: "holds up to depth 30", or for a reachable property
// not reached, "not reached up to depth 30". NotInductive: "unknown (not k-inductive at k=10)".
// NotChecked: "not checked by this engine". A violation, or a reachable property's witness, is
// a run of the model whatever the engine: "violated" / "holds".
std::string verdict_text(const PropertyReport& p);

// Whether the verdict line gets the explicit search's qualifiers ("(within the bounds explored)"
// and the like): only a search's inconclusive verdict; a symbolic engine's says its own bound.
bool searched_inconclusive(const PropertyReport& p);

}  // namespace tcpmc
