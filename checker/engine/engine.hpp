// Engine: the one interface between the verifier and every engine (explicit, and the liveness and
// symbolic engines to come). An engine is built over one CompiledSystem, checks every property of
// its model (or those EngineLimits::selected names) under the given limits, and gives back per property a verdict with a witness run
// (a Trace, already replayed through the model), plus the statistics of the run. An engine never
// prints (progress goes to EngineLimits::on_progress) and never formats; the verifier owns the
// property table and the renderers turn an EngineResult into text, JSON, SVG or Markdown without
// knowing which engine produced it.
// Contract for every engine: the same system and limits give the same verdicts and the same
// witnesses whatever the thread count; a witness that fails replay is reported through
// `replay_failed` (a bug in tcpmc), never shown.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiled_system.hpp"
#include "trace.hpp"

namespace tcpmc {

// What a running engine tells its caller about itself. The engine only reports; what is shown,
// where and how often is the caller's business (render/progress_line.hpp).
struct EngineProgress {
  std::string label;  // EngineLimits::progress_label, or the model's name
  uint64_t states = 0;
  uint32_t depth = 0;
  uint64_t queue = 0;  // discovered, not yet expanded (0 for engines without a queue)
  // Breadth-first engines: the level being expanded (at `depth`), the next level found so far,
  // and, while levels shrink, an estimate of the states not yet found (-1: none).
  uint64_t level_states = 0;
  uint64_t next_level_states = 0;
  int64_t estimate_left = -1;
  uint64_t memory_bytes = 0;
  double seconds = 0;  // since the run started
  bool final = false;  // the run is over (sent once, only after an earlier report)
};
using ProgressCallback = std::function<void(const EngineProgress&)>;

struct EngineLimits {
  uint64_t max_states = 0;       // 0 = no limit
  uint64_t memory_limit_mb = 0;  // 0 = no limit
  bool progress = true;          // report progress through on_progress (if set)
  ProgressCallback on_progress;  // called by the engine's own thread about every half second
  std::string progress_label;    // what progress reports call the run ("" = the model's name)
  int threads = 1;               // workers expanding states; results are identical for every count
  // Which of the model's properties to check, by index (empty = all). A property not selected is
  // neither evaluated nor reported: its outcome stays Inconclusive with no witness.
  std::vector<uint8_t> selected;
  // Temporal properties: judge them under the spec's fairness (`--fairness spec`), or under none.
  bool fairness = true;
  // Symbolic engines: the BMC depth, or the largest k of k-induction (`--depth K`).
  uint32_t max_depth = 20;
  // k-induction: keep a counterexample to induction for every lemma that is not proved
  // (`--lemma-ctis`), to show which fact its proof lacks.
  bool lemma_ctis = false;
  // The explicit engine: keep 64-bit fingerprints of the visited states instead of the states
  // (`--compress`; StateStore's fingerprint mode). No reachable graph is kept, so temporal
  // properties are not checked; the result reports the omission probability.
  bool compress = false;
};

enum class Verdict { Holds, Violated, Inconclusive };
const char* verdict_name(Verdict v);

// How a verdict was reached. The explicit engines search every reachable state (Search). The
// symbolic engines qualify theirs: proved by k-induction (Proved, bound = k); no violation in any
// run of at most `bound` steps (Bounded: BMC; a reachable property not reached is Inconclusive
// with this basis); the induction step failed at k = bound (NotInductive, Inconclusive, with a
// counterexample to induction); a property this engine does not judge (NotChecked: temporal
// properties under a symbolic engine, Inconclusive).
enum class Basis { Search, Proved, Bounded, NotInductive, NotChecked };

struct PropertyOutcome {
  Verdict verdict = Verdict::Inconclusive;
  uint32_t depth = 0;            // length of the witness run
  // For a violated invariant or stuck property: the shortest run to a violation. For a reachable
  // property that holds: the shortest run to a state satisfying it.
  std::optional<Trace> witness;
  Basis basis = Basis::Search;
  uint32_t bound = 0;  // Proved / NotInductive: k; Bounded: the depth searched
  // NotInductive: k+1 states, each a step of the model from the one before, satisfying the
  // property (and the lemmas) in the first k and violating it in the last; the first state is any
  // state the assumptions allow, not necessarily reachable (Trace::from_arbitrary_state).
  std::optional<Trace> cti;
};

// A reachable change of one endpoint's TCP state by one rule.
struct EndpointTransition {
  int ep = 0;
  int rule = -1;  // model rule index
  int from = 0, to = 0;
  uint64_t count = 0;
};

// What the run reached. An engine that does not enumerate states (the symbolic one) sizes the
// per-instance vectors with zeros and sets `recorded` false: renderers then say nothing of it.
struct Coverage {
  bool recorded = true;
  std::vector<uint64_t> fired;     // per rule instance
  std::vector<uint64_t> overflow;  // per rule instance: segments it sent into a full channel (lost,
                                   // charged to the loss budget)
  uint64_t capacity_blocked = 0;     // transitions blocked: a full channel and the loss budget spent
  uint64_t capacity_cut_states = 0;  // states whose every move was so blocked (not judged as stuck)
  uint64_t time_frozen_states = 0;   // states where an expired timer's timeout cannot fire (no tick)
  uint64_t unhandled[2] = {0, 0};    // segments no recv rule took, per receiving endpoint
  std::vector<EndpointTransition> endpoint_transitions;  // sorted by (ep, from, rule, to)
};

struct EngineResult {
  uint64_t states = 0;
  uint64_t transitions = 0;
  uint32_t depth = 0;
  bool complete = false;
  std::string stop_reason;  // why an incomplete run stopped
  bool interrupted = false; // stopped by interrupt_requested() (stop_reason "interrupted")
  double seconds = 0;
  uint64_t memory_bytes = 0;
  std::vector<PropertyOutcome> properties;  // indexed like the model's properties
  Coverage coverage;
  std::optional<ModelError> model_error;
  std::optional<Trace> model_error_trace;  // the run to the state whose successor failed, with the error
  bool replay_failed = false;              // some witness did not replay: a bug in tcpmc
  // The liveness phase, when temporal properties were checked: the reachable graph's size and the
  // time spent on components and lassos after the search.
  struct Liveness {
    uint64_t edges = 0;
    uint64_t graph_bytes = 0;  // the graph as stored (edges, rows, actions, predicate bits)
    double seconds = 0;
    uint32_t scc_rounds = 0;   // strong_components passes, all properties together
  };
  std::optional<Liveness> liveness;
  // k-induction with EngineLimits::lemma_ctis: per lemma not proved (in declaration order), the
  // step in which it first failed while every lemma and property still a candidate held before
  // (so the first state satisfies them all, but is not necessarily reachable), replayed.
  struct LemmaCti {
    int lemma = -1;  // index into the model's lemmas
    uint32_t k = 0;
    Trace cti;
  };
  std::vector<LemmaCti> lemma_ctis;
  // What the engine has to say about the run beyond the verdicts (e.g. a lemma that was not
  // proved and so not assumed), one sentence each; renderers print them as notes.
  std::vector<std::string> notes;
  // With EngineLimits::compress: the probability that a fingerprint collision left states out.
  std::optional<double> omission_probability;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char* name() const = 0;
  // Checks every property of the system's model. Called once per engine object.
  virtual EngineResult check(const EngineLimits& limits) = 0;
};

}  // namespace tcpmc
