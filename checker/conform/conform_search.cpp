#include "conform_search.hpp"

#include "interrupt.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>

namespace tcpmc::conform {

namespace {

// Keys are long (the channels' slots), mostly zeros: hashed 8 octets at a time.
struct KeyHash {
  size_t operator()(const std::vector<int32_t>& v) const {
    uint64_t h = v.size() * 0x9e3779b97f4a7c15ull;
    const size_t n = v.size();
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
      uint64_t w;
      std::memcpy(&w, v.data() + i, sizeof w);
      h = (h ^ w) * 0xff51afd7ed558ccdull;
      h ^= h >> 32;
    }
    if (i < n) h = (h ^ static_cast<uint32_t>(v[i])) * 0xc4ceb9fe1a85ec53ull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

// How a product state was reached from its parent: a spec transition (its label's identifying
// fields, for CompiledSystem::fire) followed by the delayed ACKs taken off the network, or the
// passing over of an optional observation.
struct Node {
  uint32_t parent = UINT32_MAX;
  uint32_t pos = 0;          // the capture position after this step
  bool skip = false;         // passes over obs[parent's pos]
  Label::Kind kind = Label::Kind::Tick;
  uint8_t ep = 0;
  int inst = -1;
  int32_t params[kMaxParams] = {0, 0, 0, 0};
  int lpos = -1;
  int8_t nelide = 0;
  int16_t elide_pos[kMaxSends] = {};  // where each withheld ACK was in its channel (--capacity <= 4096)
  uint8_t elide_mask = 0;    // bit k: the k-th segment the transition sent was withheld
};

// Product states the depth-first fast path may store before the layered search takes over.
constexpr uint64_t kDepthFirstBudget = 50000;

struct Layer {
  std::unordered_map<std::vector<int32_t>, uint32_t, KeyHash> index;
  std::vector<const std::vector<int32_t>*> queue;
};

struct Fields {
  int syn = -1, ack = -1, fin = -1, rst = -1, seq = -1, ackno = -1, len = -1;
};

Fields fields_of(const ir::Model& m) {
  Fields f;
  f.syn = m.seg_field("SYN");
  f.ack = m.seg_field("ACK");
  f.fin = m.seg_field("FIN");
  f.rst = m.seg_field("RST");
  f.seq = m.seg_field("seq");
  f.ackno = m.seg_field("ack");
  f.len = m.seg_field("len");
  return f;
}

int64_t modulo(int64_t x, int64_t m) { return ((x % m) + m) % m; }

class Search {
 public:
  Search(const CompiledSystem& sys, const std::vector<Observation>& obs, int incarnations, const SearchOptions& o)
      : sys_(sys), obs_(obs), ninc_(std::max(1, incarnations)), opt_(o), f_(fields_of(sys.model())),
        mod_(int64_t{1} << sys.model().seq_bits), nslots_(sys.layout().num_slots()) {
    later_ack_.assign(obs.size() + 1, {false, false});
    for (size_t i = obs.size(); i-- > 0;) {
      later_ack_[i] = later_ack_[i + 1];
      if (obs[i].ack && !obs[i].rst) later_ack_[i][obs[i].from] = true;
    }
  }

  SearchResult run();

 private:
  const CompiledSystem& sys_;
  const std::vector<Observation>& obs_;
  const int ninc_;
  const SearchOptions opt_;
  const Fields f_;
  const int64_t mod_;
  const int nslots_;
  std::vector<std::array<bool, 2>> later_ack_;
  std::vector<Node> nodes_;
  std::vector<std::unique_ptr<Layer>> layers_;
  size_t max_layer_ = 0;
  bool bounded_ = false;
  SearchResult result_;

  // A product state's key: the spec state, each side's sequence offset per incarnation (-1: not
  // fixed yet), the losses used, the ticks since the last observed segment.
  int loss_at() const { return nslots_ + 2 * ninc_; }
  int tick_at() const { return loss_at() + 1; }
  int key_size() const { return tick_at() + 1; }
  // Ticks the search may insert before observation pos: unbounded without --tick-ms, else the
  // capture time since the observation before it, in ticks, rounded up.
  int64_t ticks_allowed(size_t pos) const {
    if (opt_.tick_ns <= 0 || pos == 0 || pos >= obs_.size()) return INT64_MAX;
    const int64_t dt = std::max<int64_t>(0, obs_[pos].time_ns - obs_[pos - 1].time_ns);
    return (dt + opt_.tick_ns - 1) / opt_.tick_ns;
  }

  void add(size_t pos, std::vector<int32_t>&& key, const Node& node) {
    if (!layers_[pos]) layers_[pos] = std::make_unique<Layer>();
    Layer& L = *layers_[pos];
    auto [it, fresh] = L.index.emplace(std::move(key), static_cast<uint32_t>(nodes_.size()));
    if (!fresh) return;
    nodes_.push_back(node);
    nodes_.back().pos = static_cast<uint32_t>(pos);
    L.queue.push_back(&it->first);
    max_layer_ = std::max(max_layer_, pos);
    if ((opt_.max_states && nodes_.size() >= opt_.max_states) || interrupt_requested()) bounded_ = true;
  }

  bool bare_ack(const int32_t* seg) const {
    return seg[f_.ack] && !seg[f_.syn] && !seg[f_.fin] && !seg[f_.rst] && (f_.len < 0 || seg[f_.len] == 0);
  }

  // Whether the spec's segment `seg`, sent by `sender`, is observation o; may fix the sender's
  // sequence offset for o's incarnation (in `offs`) when o is its SYN.
  bool match(const Observation& o, const int32_t* seg, int sender, int32_t* offs) const {
    if (!o.unmappable.empty() || o.from != sender) return false;
    if (o.syn != (seg[f_.syn] != 0) || o.fin != (seg[f_.fin] != 0) || o.rst != (seg[f_.rst] != 0)) return false;
    const bool has_data = f_.len >= 0 && seg[f_.len] != 0;
    if (o.data != has_data) return false;
    const bool lenient = o.rst && !seg[f_.ack];  // a RST without ACK: the observed ACK is not compared
    if (!lenient && o.ack != (seg[f_.ack] != 0)) return false;
    int32_t& off = offs[2 * o.incarnation + sender];
    int32_t bind = -1;
    if (o.seq_raw) {
      if (modulo(o.seq, mod_) != seg[f_.seq]) return false;
    } else if (off < 0 && o.syn) {
      bind = static_cast<int32_t>(modulo(seg[f_.seq] - o.seq, mod_));
    } else if (modulo(o.seq + std::max(off, 0), mod_) != seg[f_.seq]) {
      return false;
    }
    if (!lenient && o.ack) {
      const int32_t peer = offs[2 * o.incarnation + 1 - sender];
      const int64_t v = o.ack_raw ? o.ackno : o.ackno + std::max(peer, 0);
      if (modulo(v, mod_) != seg[f_.ackno]) return false;
    }
    if (bind >= 0) off = bind;
    return true;
  }

  // Where a segment equal to `seg` (fields, age 0) is in channel `chan` of `state`.
  int find_in_channel(const int32_t* state, int chan, const int32_t* seg) const {
    const StateLayout& L = sys_.layout();
    const int nf = L.num_seg_fields();
    for (int p = state[L.chan_count(chan)] - 1; p >= 0; --p) {
      const int32_t* s = state + L.seg_base(chan, p);
      if (std::memcmp(s, seg, sizeof(int32_t) * nf) == 0 && s[nf] == 0) return p;
    }
    return -1;
  }

  // Whether transition l from product state (key, pos) stays within the loss budget (losses and
  // sends into a full channel) and the ticks the capture's time allows; the losses and ticks after it.
  bool within_budgets(const Label& l, const std::vector<int32_t>& key, size_t pos, int32_t& lost, int32_t& ticks) const {
    lost = key[loss_at()] + (l.kind == Label::Kind::Loss ? 1 : 0);
    for (int k = 0; k < l.nsent; ++k) lost += (l.overflow >> k) & 1;
    ticks = key[tick_at()] + (l.kind == Label::Kind::Tick ? 1 : 0);
    return lost <= opt_.loss && ticks <= ticks_allowed(pos);
  }

  // Calls sink(pos, key, node) for every product successor of (key, pos).
  template <class Sink>
  void expand(size_t pos, const std::vector<int32_t>& key, uint32_t id, Scratch& sc, Scratch& sc2, Sink&& sink);
  bool depth_first(Scratch& sc, Scratch& sc2, uint64_t budget);
  void frontier(size_t pos, Scratch& sc);
  void rebuild(uint32_t id, Scratch& sc);
};

template <class Sink>
void Search::expand(size_t pos, const std::vector<int32_t>& key, uint32_t id, Scratch& sc, Scratch& sc2, Sink&& sink) {
  const size_t n = obs_.size();
  if (pos < n && obs_[pos].optional) {
    Node nd;
    nd.parent = id;
    nd.skip = true;
    std::vector<int32_t> k(key);
    k[tick_at()] = 0;
    sink(pos + 1, std::move(k), nd);
  }
  std::vector<int32_t> next_key(key_size());
  sys_.successors(key.data(), sc, [&](const Label& l, const int32_t* next) {
    ++result_.transitions;
    int32_t lost = 0, ticks = 0;
    if (!within_budgets(l, key, pos, lost, ticks)) return;
    Node nd;
    nd.parent = id;
    nd.kind = l.kind;
    nd.ep = l.ep;
    nd.inst = l.inst;
    std::copy(l.params, l.params + kMaxParams, nd.params);
    nd.lpos = l.pos;
    if (l.nsent == 0) {
      std::copy(next, next + nslots_, next_key.begin());
      std::copy(key.begin() + nslots_, key.end(), next_key.begin() + nslots_);
      next_key[loss_at()] = lost;
      next_key[tick_at()] = ticks;
      sink(pos, std::vector<int32_t>(next_key), nd);
      return;
    }
    // Each sent segment is the next observation, or a delayed ACK (elided); try both where both apply.
    const std::vector<int32_t> after(next, next + nslots_);
    std::vector<int32_t> offs(key.begin() + nslots_, key.begin() + loss_at());
    int elide[kMaxSends];
    auto rec = [&](auto&& self, int k, size_t c, std::vector<int32_t> o, int nel) -> void {
      if (k == l.nsent) {
        std::vector<int32_t> st = after;
        Node m = nd;
        m.nelide = 0;
        for (int e = 0; e < nel; ++e) {
          const int p = find_in_channel(st.data(), l.ep, l.sent[elide[e]]);
          if (p < 0) return;
          Label loss;
          loss.kind = Label::Kind::Loss;
          loss.ep = l.ep;
          loss.pos = p;
          bool done = false;
          sys_.fire(st.data(), loss, sc2, [&](const Label&, const int32_t* s2) {
            std::copy(s2, s2 + nslots_, st.begin());
            done = true;
          });
          if (!done) return;
          m.elide_pos[m.nelide++] = static_cast<int16_t>(p);
          m.elide_mask |= static_cast<uint8_t>(1u << elide[e]);
        }
        std::vector<int32_t> nk(st);
        nk.insert(nk.end(), o.begin(), o.end());
        nk.push_back(lost);
        nk.push_back(c > pos ? 0 : ticks);
        sink(c, std::move(nk), m);
        return;
      }
      const int32_t* seg = l.sent[k];
      if (c < n) {
        std::vector<int32_t> o2 = o;
        if (match(obs_[c], seg, l.ep, o2.data())) self(self, k + 1, c + 1, std::move(o2), nel);
      }
      if (bare_ack(seg) && !((l.overflow >> k) & 1) && c < n && later_ack_[c][l.ep]) {
        elide[nel] = k;
        self(self, k + 1, c, o, nel + 1);
      }
    };
    rec(rec, 0, pos, offs, 0);
  });
}

void Search::frontier(size_t pos, Scratch& sc) {
  Layer& L = *layers_[pos];
  const int sa = sys_.state_slot(0), sb = sys_.state_slot(1);
  std::set<std::pair<int, int>> states;
  std::set<std::pair<int, std::vector<int32_t>>> allowed;
  const int nf = sys_.layout().num_seg_fields();
  for (const auto* key : L.queue) {
    states.emplace((*key)[sa], (*key)[sb]);
    sys_.successors(key->data(), sc, [&](const Label& l, const int32_t*) {
      int32_t lost = 0, ticks = 0;
      if (!within_budgets(l, *key, pos, lost, ticks)) return;
      for (int k = 0; k < l.nsent; ++k) allowed.emplace(l.ep, std::vector<int32_t>(l.sent[k], l.sent[k] + nf));
    });
  }
  result_.possible_states.assign(states.begin(), states.end());
  result_.allowed.assign(allowed.begin(), allowed.end());
}

void Search::rebuild(uint32_t id, Scratch& sc) {
  std::vector<uint32_t> path;
  for (uint32_t x = id; x != UINT32_MAX; x = nodes_[x].parent) path.push_back(x);
  std::reverse(path.begin(), path.end());
  Trace t;
  t.initial.assign(nslots_, 0);
  sys_.initial_state(t.initial.data());
  result_.step_of.assign(obs_.size(), -1);
  result_.sent_index.assign(obs_.size(), -1);
  std::vector<int32_t> state = t.initial;
  for (size_t i = 1; i < path.size(); ++i) {  // path[0] is the initial product state
    const Node& nd = nodes_[path[i]];
    const size_t from = nodes_[nd.parent].pos;
    if (nd.skip) continue;
    Label l;
    l.kind = nd.kind;
    l.ep = nd.ep;
    l.inst = nd.inst;
    std::copy(nd.params, nd.params + kMaxParams, l.params);
    l.pos = nd.lpos;
    auto fire_one = [&](const Label& want) {
      bool done = false;
      sys_.fire(state.data(), want, sc, [&](const Label& got, const int32_t* next) {
        state.assign(next, next + nslots_);
        t.steps.push_back(TraceStep{got, state});
        done = true;
      });
      return done;
    };
    if (!fire_one(l)) {
      result_.verdict = SearchResult::Verdict::ReplayFailed;
      return;
    }
    for (size_t k = from, sent = 0; k < nd.pos; ++k, ++sent) {
      while ((nd.elide_mask >> sent) & 1) ++sent;
      result_.step_of[k] = static_cast<long>(t.steps.size() - 1);
      result_.sent_index[k] = static_cast<int>(sent);
    }
    result_.elided.resize(t.steps.size(), false);
    for (int e = 0; e < nd.nelide; ++e) {
      Label loss;
      loss.kind = Label::Kind::Loss;
      loss.ep = nd.ep;
      loss.pos = nd.elide_pos[e];
      if (!fire_one(loss)) {
        result_.verdict = SearchResult::Verdict::ReplayFailed;
        return;
      }
      result_.elided.resize(t.steps.size(), false);
      result_.elided.back() = true;
    }
  }
  result_.elided.resize(t.steps.size(), false);
  if (!validate_trace(sys_, t)) {
    result_.verdict = SearchResult::Verdict::ReplayFailed;
    return;
  }
  result_.run = std::move(t);
}

// The fast path for a capture the spec admits: depth first, trying the moves that explain the
// next segment before hidden ones, over at most `budget` product states. Returns whether it found
// a run of the whole capture (then rebuilt into result_); otherwise the layered search decides.
bool Search::depth_first(Scratch& sc, Scratch& sc2, uint64_t budget) {
  const size_t n = obs_.size();
  std::unordered_map<std::vector<int32_t>, uint32_t, KeyHash> seen;  // key + position -> node
  std::vector<std::pair<const std::vector<int32_t>*, uint32_t>> stack;
  auto visit = [&](size_t pos, std::vector<int32_t>&& key, const Node& nd) -> bool {
    key.push_back(static_cast<int32_t>(pos));
    auto [it, fresh] = seen.emplace(std::move(key), static_cast<uint32_t>(nodes_.size()));
    if (!fresh) return false;
    nodes_.push_back(nd);
    nodes_.back().pos = static_cast<uint32_t>(pos);
    stack.emplace_back(&it->first, it->second);
    return true;
  };
  std::vector<int32_t> init(key_size(), 0);
  sys_.initial_state(init.data());
  std::fill(init.begin() + nslots_, init.begin() + loss_at(), -1);
  visit(0, std::move(init), Node{});
  std::vector<std::tuple<size_t, std::vector<int32_t>, Node>> children;
  while (!stack.empty() && seen.size() < budget && !interrupt_requested()) {
    auto [kp, id] = stack.back();
    stack.pop_back();
    const size_t pos = nodes_[id].pos;
    if (pos == n) {
      result_.verdict = SearchResult::Verdict::Admitted;
      result_.explained = n;
      result_.states = seen.size();
      rebuild(id, sc);
      return true;
    }
    const std::vector<int32_t> key(kp->begin(), kp->end() - 1);
    children.clear();
    expand(pos, key, id, sc, sc2, [&](size_t p, std::vector<int32_t>&& k, const Node& nd) {
      children.emplace_back(p, std::move(k), nd);
    });
    // Popped first: the children furthest along the capture, then in the system's order.
    std::stable_sort(children.begin(), children.end(),
                     [](const auto& x, const auto& y) { return std::get<0>(x) > std::get<0>(y); });
    for (auto it = children.rbegin(); it != children.rend(); ++it) visit(std::get<0>(*it), std::move(std::get<1>(*it)), std::get<2>(*it));
  }
  nodes_.clear();
  return false;
}

SearchResult Search::run() {
  const size_t n = obs_.size();
  {
    Scratch sc = sys_.make_scratch(), sc2 = sys_.make_scratch();
    const uint64_t budget = opt_.max_states ? std::min<uint64_t>(opt_.max_states, kDepthFirstBudget) : kDepthFirstBudget;
    if (depth_first(sc, sc2, budget)) return result_;
    result_ = SearchResult{};
  }
  layers_.resize(n + 1);
  Scratch sc = sys_.make_scratch(), sc2 = sys_.make_scratch();
  std::vector<int32_t> init(key_size(), 0);
  sys_.initial_state(init.data());
  std::fill(init.begin() + nslots_, init.begin() + loss_at(), -1);  // no sequence offset fixed yet
  nodes_.reserve(1024);
  add(0, std::move(init), Node{});
  for (size_t pos = 0; pos <= n; ++pos) {
    if (!layers_[pos]) continue;
    Layer& L = *layers_[pos];
    if (pos == n) {  // every observation explained
      result_.verdict = SearchResult::Verdict::Admitted;
      result_.explained = n;
      result_.states = nodes_.size();
      rebuild(L.index.at(*L.queue.front()), sc);
      return result_;
    }
    for (size_t i = 0; i < L.queue.size() && !bounded_; ++i) {
      const auto& key = *L.queue[i];
      expand(pos, key, L.index.at(key), sc, sc2,
             [this](size_t p, std::vector<int32_t>&& k, const Node& nd) { add(p, std::move(k), nd); });
    }
    if (bounded_ || max_layer_ == pos) {
      result_.explained = max_layer_;
      result_.states = nodes_.size();
      Layer& F = *layers_[max_layer_];
      const uint32_t first = F.index.at(*F.queue.front());
      if (bounded_) {
        result_.verdict = SearchResult::Verdict::Bounded;
        result_.reason = interrupt_requested() ? std::string("interrupted")
                                               : "the search reached --max-states " + std::to_string(opt_.max_states) +
                                                     " (product states stored) before an answer";
      } else {
        result_.verdict = SearchResult::Verdict::Rejected;
        const Observation& o = obs_[pos];
        result_.reason = !o.unmappable.empty() ? o.unmappable : "no run of the spec sends this segment here";
        frontier(pos, sc);
      }
      const auto verdict = result_.verdict;
      rebuild(first, sc);
      if (result_.verdict != SearchResult::Verdict::ReplayFailed) result_.verdict = verdict;
      return result_;
    }
    layers_[pos].reset();  // expanded: only the nodes stay
  }
  result_.verdict = SearchResult::Verdict::Rejected;
  return result_;
}

}  // namespace

std::string segment_shape_problem(const ir::Model& m) {
  const Fields f = fields_of(m);
  std::string missing;
  for (auto [idx, name] : {std::pair{f.syn, "SYN"}, {f.ack, "ACK"}, {f.fin, "FIN"}, {f.rst, "RST"}, {f.seq, "seq"}, {f.ackno, "ack"}})
    if (idx < 0) missing += (missing.empty() ? "" : ", ") + std::string(name);
  if (!missing.empty()) return "its segments lack " + missing + " (conform compares the flags SYN, ACK, FIN, RST and the fields seq, ack, len)";
  return "";
}

SearchResult conform_search(const CompiledSystem& sys, const std::vector<Observation>& obs, int incarnations,
                            const SearchOptions& options) {
  return Search(sys, obs, incarnations, options).run();
}

}  // namespace tcpmc::conform
