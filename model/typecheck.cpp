#include "typecheck.hpp"

#include <algorithm>
#include <set>

#include "limits.hpp"

namespace tcpmc {

const char* ir::rule_kind_name(ir::Rule::Kind k) {
  switch (k) {
    case ir::Rule::Kind::Call: return "call";
    case ir::Rule::Kind::Recv: return "recv";
    case ir::Rule::Kind::Timeout: return "timeout";
  }
  return "rule";
}

namespace {
void add_sends(const std::vector<ir::Stmt>& body, int limit, ir::SendCount& c) {
  for (const auto& s : body) {
    if (s.kind == ir::Stmt::Kind::Send) {
      if (++c.most == limit + 1) c.beyond = &s;
    } else if (s.kind == ir::Stmt::Kind::If) {
      ir::SendCount t = c, e = c;  // each branch continues the path so far
      add_sends(s.then_body, limit, t);
      add_sends(s.else_body, limit, e);
      c = e.most > t.most ? e : t;
    }
  }
}
}  // namespace

ir::SendCount ir::count_sends(const std::vector<ir::Stmt>& body, int limit) {
  SendCount c;
  add_sends(body, limit, c);
  return c;
}

const char* ir::monitor_event_name(ir::Monitor::Event e) {
  switch (e) {
    case ir::Monitor::Event::Any: return "any";
    case ir::Monitor::Event::Call: return "call";
    case ir::Monitor::Event::Recv: return "recv";
    case ir::Monitor::Event::Timeout: return "timeout";
    case ir::Monitor::Event::Send: return "send";
  }
  return "event";
}

const char* ir::property_kind_name(ir::Property::Kind k) {
  switch (k) {
    case ir::Property::Kind::Invariant: return "invariant";
    case ir::Property::Kind::Stuck: return "stuck";
    case ir::Property::Kind::Reachable: return "reachable";
    case ir::Property::Kind::Coverage: return "coverage";
    case ir::Property::Kind::Eventually: return "eventually";
    case ir::Property::Kind::LeadsTo: return "leadsto";
  }
  return "property";
}

namespace {

using ir::Expr;
using ir::Type;
using Op = ir::Expr::Op;

const std::set<std::string> kReserved = {
    "spec", "const", "enum", "endpoint", "ghost", "segment", "network", "faults", "call", "recv", "timeout",
    "invariant", "stuck", "reachable", "on", "in", "when", "if", "then", "else", "goto", "send", "timer", "stop", "expect",
    "true", "false", "self", "peer", "A", "B", "seq", "bool", "expired", "running", "flags",
    "include", "override", "remove", "before", "forall"};

struct Abort {};  // an expression that failed to type; its diagnostic is already recorded

// Constants (literals, folded values, -D values) lie within +-kMaxConst, so that they fit the
// interpreter's 32-bit constants and state slots.
constexpr int64_t kMaxConst = 999999999;

// The bounds of an expression's type are only estimates (for messages and the Ite union), so
// they saturate instead of overflowing: |bound| <= kTypeBound.
constexpr int64_t kTypeBound = int64_t{1} << 62;
int64_t clamp_bound(__int128 v) {
  return v > kTypeBound ? kTypeBound : v < -kTypeBound ? -kTypeBound : static_cast<int64_t>(v);
}

class Checker {
 public:
  Checker(const ast::Spec& s, const ConstOverrides& o, Diagnostics& d) : spec_(s), overrides_(o), diags_(d) {}

  ir::Model run() {
    m_.name = spec_.name;
    m_.description = spec_.description;
    constants();
    enums();
    segment_and_vars();
    network_and_faults();
    rules();
    properties();
    monitors();
    fairness();
    return std::move(m_);
  }

 private:
  const ast::Spec& spec_;
  const ConstOverrides& overrides_;
  Diagnostics& diags_;
  ir::Model m_;
  std::map<std::string, SourceRange> declared_;  // global namespace: consts, enums, members, vars
  std::map<std::string, int64_t> const_values_;
  std::map<std::string, std::pair<int, int>> members_;  // enum member -> (enum id, value)
  uint64_t total_combinations_ = 0;  // parameter combinations of the call rules so far
  bool total_reported_ = false;

  // Context of the expression being typed.
  struct Ctx {
    bool in_rule = false;
    const ast::Rule* rule = nullptr;
    std::string seg_name;  // recv binder
    const std::vector<ir::Param>* params = nullptr;
    bool const_only = false;
    std::vector<ir::Access>* reads = nullptr;
    bool in_monitor = false;  // a monitor's condition or body (in_rule is set too: plain names are self's)
    bool in_old = false;      // inside old(...)
    bool in_flight = false;   // the body of `forall s in flight(X): ...` (seg_name is s)
  };

  void declare(const std::string& name, SourceRange r, const char* what) {
    if (kReserved.count(name)) {
      diags_.error(r, "'" + name + "' is a keyword and cannot name " + what);
      return;
    }
    auto [it, fresh] = declared_.emplace(name, r);
    if (!fresh) {
      auto& d = diags_.error(r, "'" + name + "' is already declared");
      d.notes.push_back({it->second, "previously declared here"});
    }
  }

  // Records a rule's, property's or monitor's name in `seen`, or reports it declared twice.
  void declare_once(std::map<std::string, SourceRange>& seen, const std::string& name, SourceRange r,
                    const std::string& what) {
    auto [it, fresh] = seen.emplace(name, r);
    if (fresh) return;
    auto& d = diags_.error(r, what + "'" + name + "' is already declared");
    d.notes.push_back({it->second, "previously declared here"});
  }

  std::vector<std::string> all_names() const {
    std::vector<std::string> v;
    for (auto& [k, _] : declared_) v.push_back(k);
    return v;
  }

  // ---- constants ----
  void constants() {
    std::set<std::string> used;
    for (const auto& c : spec_.consts) {
      declare(c.name, c.range, "a constant");
      ir::Constant k;
      k.name = c.name;
      Ctx ctx;
      ctx.const_only = true;
      try {
        k.value = const_eval(*c.value, ctx);
      } catch (Abort&) {
      }
      auto ov = overrides_.find(c.name);
      if (ov != overrides_.end()) {
        if (ov->second < -kMaxConst || ov->second > kMaxConst) {
          diags_.error_at_path("-D " + c.name, "value " + std::to_string(ov->second) +
                                                   " is out of range (at most " + std::to_string(kMaxConst) +
                                                   " in magnitude)");
        } else {
          k.value = ov->second;
          k.overridden = true;
        }
      }
      const_values_[c.name] = k.value;
      m_.consts.push_back(k);
    }
    std::vector<std::string> names;
    for (const auto& c : spec_.consts) names.push_back(c.name);
    for (const auto& [name, v] : overrides_) {
      if (!const_values_.count(name))
        diags_.error_at_path("-D " + name, with_suggestion("the spec has no constant '" + name + "'", name, names));
    }
  }

  int64_t const_eval(const ast::Expr& e, Ctx ctx) {
    ctx.const_only = true;
    Expr x = expr(e, ctx);
    if (x.op != Op::Const) {
      diags_.error(e.range, "expected a constant expression");
      throw Abort{};
    }
    return x.value;
  }

  void enums() {
    for (const auto& e : spec_.enums) {
      declare(e.name, e.range, "an enum");
      ir::Enum en;
      en.name = e.name;
      int id = static_cast<int>(m_.enums.size());
      for (const auto& [mn, mr] : e.members) {
        declare(mn, mr, "an enum member");
        members_[mn] = {id, static_cast<int>(en.members.size())};
        en.members.push_back(mn);
      }
      if (en.members.empty()) diags_.error(e.range, "enum '" + e.name + "' has no members");
      m_.enums.push_back(en);
    }
  }

  int enum_by_name(const std::string& n) const {
    for (size_t i = 0; i < m_.enums.size(); ++i)
      if (m_.enums[i].name == n) return static_cast<int>(i);
    return -1;
  }

  Type type(const ast::TypeExpr& t) {
    if (t.kind == ast::TypeExpr::Kind::Range) {
      Ctx ctx;
      int64_t lo = 0, hi = 0;
      try {
        lo = const_eval(*t.lo, ctx);
        hi = const_eval(*t.hi, ctx);
      } catch (Abort&) {
        return Type::integer(0, 0);
      }
      if (lo > hi) {
        diags_.error(t.range, "empty range " + std::to_string(lo) + ".." + std::to_string(hi));
        return Type::integer(0, 0);
      }
      if (hi - lo > 65535) {
        diags_.error(t.range, "range " + std::to_string(lo) + ".." + std::to_string(hi) +
                                  " is too wide for explicit-state checking (at most 65536 values)");
        return Type::integer(0, 0);
      }
      return Type::integer(lo, hi);
    }
    if (t.name == "bool") return Type::boolean();
    if (t.name == "seq") {
      if (m_.seq_bits == 0) {
        auto it = const_values_.find("SEQ_BITS");
        if (it == const_values_.end()) {
          diags_.error(t.range, "the type 'seq' needs a constant SEQ_BITS (the width of sequence numbers)");
          m_.seq_bits = -1;
        } else if (it->second < 1 || it->second > 32) {
          diags_.error(t.range, "SEQ_BITS is " + std::to_string(it->second) + "; it must be between 1 and 32");
          m_.seq_bits = -1;
        } else {
          m_.seq_bits = static_cast<int>(it->second);
        }
      }
      int bits = m_.seq_bits > 0 ? m_.seq_bits : 1;
      return {Type::Kind::Seq, 0, (int64_t{1} << bits) - 1, -1};
    }
    int id = enum_by_name(t.name);
    if (id >= 0) return {Type::Kind::Enum, 0, static_cast<int64_t>(m_.enums[id].members.size()) - 1, id};
    std::vector<std::string> cands = {"bool", "seq"};
    for (auto& en : m_.enums) cands.push_back(en.name);
    diags_.error(t.range, with_suggestion("unknown type '" + t.name + "'", t.name, cands));
    return Type::integer(0, 0);
  }

  ir::Var var(const ast::VarDecl& v) {
    ir::Var out;
    out.name = v.name;
    out.ghost = v.ghost;
    out.range = v.range;
    out.type = type(v.type);
    // Without an initial value: 0, or the lower bound of a range that does not contain 0.
    out.init = out.type.kind == Type::Kind::Int && (out.type.lo > 0 || out.type.hi < 0) ? out.type.lo : 0;
    if (v.init) {
      Ctx ctx;
      try {
        Expr x = expr(*v.init, ctx);
        if (x.op != Op::Const) {
          diags_.error(v.init->range, "an initial value must be a constant expression");
        } else if (!assignable(out.type, x.type)) {
          diags_.error(v.init->range, "cannot initialise '" + v.name + "' of type " + type_name(out.type) +
                                          " with a value of type " + type_name(x.type));
        } else if (out.type.kind == Type::Kind::Int && (x.value < out.type.lo || x.value > out.type.hi)) {
          diags_.error(v.init->range, "initial value " + std::to_string(x.value) + " is outside " +
                                          type_name(out.type));
        } else {
          out.init = out.type.kind == Type::Kind::Seq ? (x.value & out.type.hi) : x.value;
        }
      } catch (Abort&) {
      }
    }
    return out;
  }

  void segment_and_vars() {
    std::set<std::string> seg_names;
    for (const auto& [fname, fr] : spec_.flags) {
      if (!seg_names.insert(fname).second) diags_.error(fr, "segment field '" + fname + "' is declared twice");
      m_.seg_fields.push_back({fname, Type::boolean(), false, true, fr});
    }
    for (const auto& f : spec_.segment_fields) {
      if (!seg_names.insert(f.name).second) diags_.error(f.range, "segment field '" + f.name + "' is declared twice");
      ir::Var v = var(f);
      if (f.init) diags_.error(f.init->range, "segment fields take no initial value (unset fields are 0)");
      m_.seg_fields.push_back({v.name, v.type, v.ghost, false, v.range});
    }
    if (m_.seg_fields.size() > 24) diags_.error(spec_.segment_range, "a segment has at most 24 fields");

    for (const auto& v : spec_.endpoint_vars) {
      declare(v.name, v.range, "a variable");
      if (v.is_timer) {
        m_.timers.push_back({v.name, 0, v.range});
        continue;
      }
      m_.endpoint_vars.push_back(var(v));
    }
    for (const auto& v : spec_.global_vars) {
      declare(v.name, v.range, "a variable");
      m_.global_vars.push_back(var(v));
    }
    for (size_t i = 0; i < m_.endpoint_vars.size(); ++i)
      if (m_.endpoint_vars[i].name == "state") m_.state_var = static_cast<int>(i);
    if (m_.state_var < 0) {
      const char* msg = "the endpoint block must declare 'state', the endpoint's TCP state (an enum variable)";
      if (spec_.endpoint_range.valid())
        diags_.error(spec_.endpoint_range, msg);
      else
        diags_.error_at_path(spec_.path, std::string(msg) + "; this spec has no endpoint block");
    } else if (m_.endpoint_vars[m_.state_var].type.kind != Type::Kind::Enum) {
      diags_.error(m_.endpoint_vars[m_.state_var].range, "'state' must have an enum type");
      m_.state_var = -1;
    } else if (m_.endpoint_vars[m_.state_var].ghost) {
      diags_.error(m_.endpoint_vars[m_.state_var].range, "'state' cannot be a ghost variable");
    }
  }

  void network_and_faults() {
    Ctx ctx;
    auto setting = [&](const ast::Setting& s, int64_t lo, int64_t hi) -> int64_t {
      try {
        int64_t v = const_eval(*s.value, ctx);
        if (v < lo || v > hi) {
          diags_.error(s.value->range, "'" + s.name + "' must be between " + std::to_string(lo) + " and " +
                                           std::to_string(hi) + ", not " + std::to_string(v));
          return lo;
        }
        return v;
      } catch (Abort&) {
        return lo;
      }
    };
    for (const auto& s : spec_.network) {
      if (s.name == "capacity") m_.capacity = static_cast<int>(setting(s, 1, 8));
      else if (s.name == "msl") m_.msl = static_cast<int>(setting(s, 0, 30));
      else diags_.error(s.range, with_suggestion("unknown network setting '" + s.name + "'", s.name, {"capacity", "msl"}));
    }
    for (const auto& s : spec_.faults) {
      if (s.name == "loss" && s.value->kind == ast::Expr::Kind::Name && s.value->name == "unbounded")
        m_.default_faults.loss = ir::FaultBudget::kUnboundedLoss;
      else if (s.name == "loss") m_.default_faults.loss = static_cast<int>(setting(s, 0, ir::kMaxFaultBudget));
      else if (s.name == "dup") m_.default_faults.dup = static_cast<int>(setting(s, 0, ir::kMaxFaultBudget));
      else if (s.name == "reorder") m_.default_faults.reorder = setting(s, 0, 1) != 0;
      else diags_.error(s.range, with_suggestion("unknown fault '" + s.name + "'", s.name, {"loss", "dup", "reorder"}));
    }
  }

  // ---- rules ----
  int state_member(const std::string& name, SourceRange r) {
    if (m_.state_var < 0) return 0;
    const auto& en = m_.state_enum();
    for (size_t i = 0; i < en.members.size(); ++i)
      if (en.members[i] == name) return static_cast<int>(i);
    diags_.error(r, with_suggestion("unknown state '" + name + "'", name, en.members));
    return -1;
  }

  int timer_by_name(const std::string& n) const {
    for (size_t i = 0; i < m_.timers.size(); ++i)
      if (m_.timers[i].name == n) return static_cast<int>(i);
    return -1;
  }

  std::vector<std::string> timer_names() const {
    std::vector<std::string> v;
    for (auto& t : m_.timers) v.push_back(t.name);
    return v;
  }

  // `in S1, S2, ...`: self's state is one of them (false when none is a state), as a balanced
  // disjunction, so that a long state list stays shallow for the recursive passes.
  Expr in_states(const std::vector<std::pair<std::string, SourceRange>>& states, SourceRange whole) {
    std::vector<Expr> eqs;
    for (const auto& [sn, sr] : states) {
      int v = state_member(sn, sr);
      if (v < 0) continue;
      eqs.push_back(bin(Op::Eq, Type::boolean(), ep_var(m_.state_var, ir::Who::Self, sr),
                        const_of(v, m_.endpoint_vars[m_.state_var].type, sr), sr));
    }
    return eqs.empty() ? const_bool(false, whole) : any_of(eqs, 0, eqs.size(), whole);
  }

  static void add_access(std::vector<ir::Access>* v, ir::Access a) {
    if (v && std::find(v->begin(), v->end(), a) == v->end()) v->push_back(a);
  }

  void rules() {
    std::map<std::string, SourceRange> seen;
    for (const auto& r : spec_.rules) {
      declare_once(seen, r.name, r.name_range, "rule ");
      ir::Rule out;
      out.name = r.name;
      out.range = r.range;
      out.kind = r.kind == ast::Rule::Kind::Call ? ir::Rule::Kind::Call
                 : r.kind == ast::Rule::Kind::Recv ? ir::Rule::Kind::Recv
                                                   : ir::Rule::Kind::Timeout;
      Ctx ctx;
      ctx.in_rule = true;
      ctx.rule = &r;
      ctx.reads = &out.reads;
      if (out.kind == ir::Rule::Kind::Recv) {
        ctx.seg_name = r.params.at(0).name;
        add_access(&out.reads, {ir::Access::Kind::ChannelIn, -1});
        add_access(&out.writes, {ir::Access::Kind::ChannelIn, -1});
      } else if (out.kind == ir::Rule::Kind::Call) {
        std::set<std::string> pn;
        // A rule's integer and enum parameters are bounded here (kMaxParamValues each, with the
        // combinations below). A seq parameter is a free choice of any sequence number: the
        // symbolic engines take it as it is, and the explicit engines, which enumerate it, refuse
        // a model with one too wide (explicit_enumeration_problem); a rule with one is left to them.
        uint64_t combinations = 1;
        bool bounded = true, seq_param = false;
        for (const auto& p : r.params) {
          if (!pn.insert(p.name).second) diags_.error(p.range, "parameter '" + p.name + "' is declared twice");
          Type t = type(p.type);
          if (t.kind == Type::Kind::Seq) {
            seq_param = true;
          } else if (t.hi - t.lo > kMaxParamValues - 1) {
            diags_.error(p.type.range, "a rule parameter ranges over at most " + std::to_string(kMaxParamValues) +
                                           " values");
            bounded = false;
          }
          combinations *= static_cast<uint64_t>(t.hi - t.lo) + 1;  // may wrap only when unused (not bounded)
          out.params.push_back({p.name, t});
        }
        if (out.params.size() > kMaxParams) {
          diags_.error(r.name_range, "a rule has at most " + std::to_string(kMaxParams) + " parameters");
        } else if (bounded && !seq_param && !r.params.empty()) {
          SourceRange where = join(r.params.front().range, r.params.back().type.range);
          if (combinations > kMaxParamCombinations) {
            diags_.error(where, "rule '" + r.name + "' has " + std::to_string(combinations) +
                                    " parameter combinations (limit " + std::to_string(kMaxParamCombinations) + ")");
          } else if ((total_combinations_ += combinations) > kMaxTotalParamCombinations && !total_reported_) {
            total_reported_ = true;
            diags_.error(where, "the rules have " + std::to_string(total_combinations_) +
                                    " parameter combinations in all (limit " +
                                    std::to_string(kMaxTotalParamCombinations) + "); rule '" + r.name +
                                    "' exceeds it");
          }
        }
      } else {
        out.timer = timer_by_name(r.timer);
        if (out.timer < 0)
          diags_.error(r.timer_range, with_suggestion("unknown timer '" + r.timer + "'", r.timer, timer_names()));
        else {
          add_access(&out.reads, {ir::Access::Kind::Timer, out.timer});
          add_access(&out.writes, {ir::Access::Kind::Timer, out.timer});
        }
      }
      ctx.params = &out.params;
      // Guard: the `in` list and the `when` expression.
      Expr guard = const_bool(true, r.range);
      if (!r.states.empty() && m_.state_var >= 0) {
        guard = in_states(r.states, r.range);
        add_access(ctx.reads, {ir::Access::Kind::EpVar, m_.state_var});
      }
      if (r.guard) {
        try {
          Expr g = expr(*r.guard, ctx);
          require_bool(g, "a rule's guard");
          if (g.reads_ghost) diags_.error(r.guard->range, "a guard cannot read ghost state (the protocol cannot see it)");
          guard = r.states.empty() ? std::move(g) : bin(Op::And, Type::boolean(), std::move(guard), std::move(g), r.guard->range);
        } catch (Abort&) {
        }
      }
      out.guard = std::move(guard);
      out.body = body(r.body, ctx, out, false);
      // A firing records every segment it sends in fixed arrays (traces, send monitors and the
      // loss accounting of a full channel read them): bound the sends on any path.
      ir::SendCount sends = ir::count_sends(out.body, kMaxSends);
      if (sends.beyond)
        diags_.error(sends.beyond->range, "rule '" + r.name + "' may send " + std::to_string(sends.most) +
                                              " segments in one firing; at most " + std::to_string(kMaxSends) +
                                              " are allowed");
      m_.rules.push_back(std::move(out));
    }
  }

  std::vector<ir::Stmt> body(const std::vector<ast::StmtPtr>& stmts, Ctx& ctx, ir::Rule& rule, bool ghost_only) {
    std::vector<ir::Stmt> out;
    for (const auto& sp : stmts) {
      try {
        out.push_back(stmt(*sp, ctx, rule, ghost_only));
      } catch (Abort&) {
      }
    }
    return out;
  }

  void ghost_only_violation(SourceRange r) {
    diags_.error(r, "this statement changes protocol state under a condition that reads ghost state");
  }

  // A monitor's body only assigns ghost variables, under `if`s.
  void monitor_statement_allowed(const ast::Stmt& s) {
    const char* what = nullptr;
    switch (s.kind) {
      case ast::Stmt::Kind::Goto: what = "'goto'"; break;
      case ast::Stmt::Kind::Send: what = "'send'"; break;
      case ast::Stmt::Kind::TimerStart: what = "'timer'"; break;
      case ast::Stmt::Kind::TimerStop: what = "'stop'"; break;
      case ast::Stmt::Kind::Assign:
      case ast::Stmt::Kind::If: return;
    }
    diags_.error(s.range, std::string("a monitor cannot use ") + what +
                              ": its body only assigns ghost variables (and may use 'if')");
    throw Abort{};
  }

  ir::Stmt stmt(const ast::Stmt& s, Ctx& ctx, ir::Rule& rule, bool ghost_only) {
    ir::Stmt out;
    out.range = s.range;
    if (ctx.in_monitor) monitor_statement_allowed(s);
    switch (s.kind) {
      case ast::Stmt::Kind::Goto: {
        out.kind = ir::Stmt::Kind::AssignEp;
        out.index = m_.state_var;
        int v = state_member(s.name, s.name_range);
        if (v < 0 || m_.state_var < 0) throw Abort{};
        out.value = const_of(v, m_.endpoint_vars[m_.state_var].type, s.name_range);
        if (ghost_only) ghost_only_violation(s.range);
        add_access(&rule.writes, {ir::Access::Kind::EpVar, m_.state_var});
        return out;
      }
      case ast::Stmt::Kind::Assign: {
        if (!s.base.empty() && s.base != "self") {
          diags_.error(s.base_range, "only self's variables and global ghost variables can be assigned; write '" +
                                         s.name + " := ...' or 'self." + s.name + " := ...'");
          throw Abort{};
        }
        Expr v = expr(*s.value, ctx);
        int ep = find_var(m_.endpoint_vars, s.name);
        int gl = s.base.empty() ? find_var(m_.global_vars, s.name) : -1;
        if (!s.base.empty() && ep < 0) {
          std::vector<std::string> cands;
          for (auto& x : m_.endpoint_vars) cands.push_back(x.name);
          diags_.error(s.name_range, with_suggestion("an endpoint has no variable '" + s.name + "'", s.name, cands));
          throw Abort{};
        }
        if (ctx.in_monitor && ((ep >= 0 && !m_.endpoint_vars[ep].ghost) || (gl >= 0 && !m_.global_vars[gl].ghost))) {
          diags_.error(s.name_range, "a monitor can only assign ghost variables; '" + s.name + "' is a protocol variable");
          throw Abort{};
        }
        const ir::Var* target = nullptr;
        if (ep >= 0) {
          out.kind = ir::Stmt::Kind::AssignEp;
          out.index = ep;
          target = &m_.endpoint_vars[ep];
          add_access(&rule.writes, {ir::Access::Kind::EpVar, ep});
        } else if (gl >= 0) {
          out.kind = ir::Stmt::Kind::AssignGlobal;
          out.index = gl;
          target = &m_.global_vars[gl];
          if (!target->ghost)
            diags_.error(s.name_range, "global variable '" + s.name + "' must be declared in a ghost block");
          add_access(&rule.writes, {ir::Access::Kind::GlobalVar, gl});
        } else {
          std::vector<std::string> cands;
          for (auto& x : m_.endpoint_vars) cands.push_back(x.name);
          for (auto& x : m_.global_vars) cands.push_back(x.name);
          if (const_values_.count(s.name) || members_.count(s.name))
            diags_.error(s.name_range, "'" + s.name + "' is a constant and cannot be assigned");
          else if (timer_by_name(s.name) >= 0)
            diags_.error(s.name_range, "'" + s.name + "' is a timer; start it with 'timer " + s.name + " := N'");
          else
            diags_.error(s.name_range, with_suggestion("unknown variable '" + s.name + "'", s.name, cands));
          throw Abort{};
        }
        if (!assignable(target->type, v.type)) {
          diags_.error(s.value->range, "cannot assign a value of type " + type_name(v.type) + " to '" + s.name +
                                           "' of type " + type_name(target->type));
          throw Abort{};
        }
        if (!target->ghost && v.reads_ghost)
          diags_.error(s.value->range, "protocol variable '" + s.name + "' cannot be computed from ghost state");
        if (!target->ghost && ghost_only) ghost_only_violation(s.range);
        out.value = std::move(v);
        return out;
      }
      case ast::Stmt::Kind::Send: {
        out.kind = ir::Stmt::Kind::Send;
        add_access(&rule.writes, {ir::Access::Kind::ChannelOut, -1});
        if (ghost_only) ghost_only_violation(s.range);
        std::set<int> set_fields;
        std::vector<std::string> flag_names, field_names;
        for (auto& f : m_.seg_fields) (f.is_flag ? flag_names : field_names).push_back(f.name);
        for (const auto& [fname, fr] : s.flags) {
          int i = m_.seg_field(fname);
          if (i < 0 || !m_.seg_fields[i].is_flag) {
            diags_.error(fr, with_suggestion("unknown flag '" + fname + "'", fname, flag_names));
            continue;
          }
          if (!set_fields.insert(i).second) diags_.error(fr, "flag '" + fname + "' is given twice");
          out.fields.emplace_back(i, const_bool(true, fr));
        }
        for (const auto& fi : s.fields) {
          int i = m_.seg_field(fi.name);
          if (i < 0) {
            diags_.error(fi.range, with_suggestion("unknown segment field '" + fi.name + "'", fi.name, field_names));
            continue;
          }
          if (!set_fields.insert(i).second) diags_.error(fi.range, "field '" + fi.name + "' is given twice");
          try {
            Expr v = expr(*fi.value, ctx);
            const auto& f = m_.seg_fields[i];
            if (!assignable(f.type, v.type)) {
              diags_.error(fi.value->range, "field '" + fi.name + "' has type " + type_name(f.type) +
                                                ", not " + type_name(v.type));
              continue;
            }
            if (!f.ghost && v.reads_ghost)
              diags_.error(fi.value->range, "segment field '" + fi.name + "' cannot carry ghost state (declare it ghost)");
            out.fields.emplace_back(i, std::move(v));
          } catch (Abort&) {
          }
        }
        return out;
      }
      case ast::Stmt::Kind::TimerStart:
      case ast::Stmt::Kind::TimerStop: {
        int t = timer_by_name(s.name);
        if (t < 0) {
          diags_.error(s.name_range, with_suggestion("unknown timer '" + s.name + "'", s.name, timer_names()));
          throw Abort{};
        }
        if (ghost_only) ghost_only_violation(s.range);
        out.index = t;
        add_access(&rule.writes, {ir::Access::Kind::Timer, t});
        if (s.kind == ast::Stmt::Kind::TimerStop) {
          out.kind = ir::Stmt::Kind::TimerStop;
          return out;
        }
        out.kind = ir::Stmt::Kind::TimerStart;
        int64_t d = const_eval(*s.value, ctx);
        if (d < 0 || d > ir::kMaxTimerTicks) {
          diags_.error(s.value->range, "a timer runs for 0 to " + std::to_string(ir::kMaxTimerTicks) + " ticks, not " +
                                           std::to_string(d));
          throw Abort{};
        }
        m_.timers[t].max_duration = std::max(m_.timers[t].max_duration, d);
        out.value = const_of(d, Type::integer(d, d), s.value->range);
        return out;
      }
      case ast::Stmt::Kind::If: {
        out.kind = ir::Stmt::Kind::If;
        out.value = expr(*s.value, ctx);
        require_bool(out.value, "an if condition");
        bool inner_ghost = ghost_only || out.value.reads_ghost;
        out.then_body = body(s.then_body, ctx, rule, inner_ghost);
        out.else_body = body(s.else_body, ctx, rule, inner_ghost);
        return out;
      }
    }
    throw Abort{};
  }

  static int find_var(const std::vector<ir::Var>& vs, const std::string& n) {
    for (size_t i = 0; i < vs.size(); ++i)
      if (vs[i].name == n) return static_cast<int>(i);
    return -1;
  }

  // What a property and a lemma share in the IR: name, ranges, a `true` trigger, expecting to hold.
  static ir::Property named_property(const ast::Property& p) {
    ir::Property out;
    out.trigger = ir::constant_expr(1, Type::boolean(), p.range);
    out.name = p.name;
    out.expect_hold = p.expect_hold;
    out.range = p.range;
    out.expr_range = p.expr_range;
    return out;
  }

  // Properties and lemmas share one namespace: a lemma may not reuse a property's name.
  void properties() {
    std::map<std::string, SourceRange> seen;
    for (const auto& p : spec_.properties) {
      declare_once(seen, p.name, p.name_range, "property ");
      ir::Property out = named_property(p);
      switch (p.kind) {
        case ast::Property::Kind::Invariant: out.kind = ir::Property::Kind::Invariant; break;
        case ast::Property::Kind::Stuck: out.kind = ir::Property::Kind::Stuck; break;
        case ast::Property::Kind::Reachable: out.kind = ir::Property::Kind::Reachable; break;
        case ast::Property::Kind::Coverage: out.kind = ir::Property::Kind::Coverage; break;
        case ast::Property::Kind::Eventually: out.kind = ir::Property::Kind::Eventually; break;
        case ast::Property::Kind::LeadsTo: out.kind = ir::Property::Kind::LeadsTo; break;
      }
      Ctx ctx;
      if (p.expect_if) {  // `expect violation if C`: violation when C holds, hold otherwise
        try {
          Ctx cc;
          cc.const_only = true;
          Expr c = expr(*p.expect_if, cc);
          require_bool(c, "the condition of an expectation");
          if (c.op != Op::Const) {
            diags_.error(c.range, "expected a constant expression");
          } else if (c.value == 0) {
            out.expect_hold = !out.expect_hold;
          }
        } catch (Abort&) {
        }
      }
      if (out.kind == ir::Property::Kind::Coverage) {  // judged from the run's coverage: its code is `true`
        out.expr.op = Op::Const;
        out.expr.type = Type::boolean();
        out.expr.value = 1;
        out.expr.range = p.range;
        m_.properties.push_back(std::move(out));
        continue;
      }
      try {
        out.expr = expr(*p.expr, ctx);
        require_bool(out.expr, "a property");
      } catch (Abort&) {
      }
      if (p.trigger) {
        try {
          out.trigger = expr(*p.trigger, ctx);
          require_bool(out.trigger, "the left side of '~>'");
        } catch (Abort&) {
        }
      }
      m_.properties.push_back(std::move(out));
    }
    // Lemmas: typed exactly like an invariant's expression (A./B. references, globals, ghosts).
    for (const auto& l : spec_.lemmas) {
      declare_once(seen, l.name, l.name_range, "lemma ");
      ir::Property out = named_property(l);
      out.kind = ir::Property::Kind::Invariant;
      out.expect_hold = true;
      try {
        Ctx ctx;
        out.expr = expr(*l.expr, ctx);
        require_bool(out.expr, "a lemma");
      } catch (Abort&) {
      }
      m_.lemmas.push_back(std::move(out));
    }
  }

  // ---- monitors ----
  void monitors() {
    // A monitor's name shares the namespace of rules, properties and lemmas.
    std::map<std::string, SourceRange> seen;
    for (const auto& r : spec_.rules) seen.emplace(r.name, r.name_range);
    for (const auto& p : spec_.properties) seen.emplace(p.name, p.name_range);
    for (const auto& l : spec_.lemmas) seen.emplace(l.name, l.name_range);
    for (const auto& mo : spec_.monitors) {
      declare_once(seen, mo.name, mo.name_range, "");
      ir::Monitor out;
      out.name = mo.name;
      out.range = mo.range;
      switch (mo.event) {
        case ast::Monitor::Event::Any: out.event = ir::Monitor::Event::Any; break;
        case ast::Monitor::Event::Call: out.event = ir::Monitor::Event::Call; break;
        case ast::Monitor::Event::Recv: out.event = ir::Monitor::Event::Recv; break;
        case ast::Monitor::Event::Timeout: out.event = ir::Monitor::Event::Timeout; break;
        case ast::Monitor::Event::Send: out.event = ir::Monitor::Event::Send; break;
      }
      Ctx ctx;
      ctx.in_rule = true;
      ctx.in_monitor = true;
      ctx.seg_name = mo.seg_name;
      // Guard: old(the `in` list) && the `when` expression.
      Expr guard = const_bool(true, mo.range);
      if (!mo.states.empty() && m_.state_var >= 0) guard = in_old_state(in_states(mo.states, mo.range), mo.range);
      if (mo.guard) {
        try {
          Expr g = expr(*mo.guard, ctx);
          require_bool(g, "a monitor's condition");
          guard = mo.states.empty() ? std::move(g)
                                    : bin(Op::And, Type::boolean(), std::move(guard), std::move(g), mo.guard->range);
        } catch (Abort&) {
        }
      }
      out.guard = std::move(guard);
      ir::Rule accesses;  // a monitor's writes are not a rule's
      out.body = body(mo.body, ctx, accesses, false);
      m_.monitors.push_back(std::move(out));
    }
  }

  // `fair weak|strong RULES` and `fair network`: rule names resolved; a rule declared both weakly
  // and strongly fair is strongly fair (strong fairness implies weak).
  void fairness() {
    std::set<int> weak, strong;
    std::vector<std::string> cands;
    for (const auto& r : m_.rules) cands.push_back(r.name);
    for (const auto& f : spec_.fairness) {
      if (f.kind == ast::Fairness::Kind::Network) {
        m_.fairness.network = true;
        continue;
      }
      for (const auto& [name, range] : f.rules) {
        int idx = -1;
        for (size_t i = 0; i < m_.rules.size(); ++i)
          if (m_.rules[i].name == name) idx = static_cast<int>(i);
        if (idx < 0) {
          diags_.error(range, with_suggestion("unknown rule '" + name + "' in a fairness declaration", name, cands));
          continue;
        }
        (f.kind == ast::Fairness::Kind::Strong ? strong : weak).insert(idx);
      }
    }
    for (int r : strong) weak.erase(r);
    m_.fairness.weak.assign(weak.begin(), weak.end());
    m_.fairness.strong.assign(strong.begin(), strong.end());
  }

  // `rule == NAME` (negated: `rule != NAME`) in a monitor: the firing rule is NAME.
  Expr rule_is(const ast::Expr& name, bool negate, SourceRange range) {
    if (name.kind != ast::Expr::Kind::Name) {
      diags_.error(name.range, "'rule' is compared with a rule's name, as in 'rule == NAME'");
      throw Abort{};
    }
    int idx = -1;
    std::vector<std::string> cands;
    for (size_t i = 0; i < m_.rules.size(); ++i) {
      if (m_.rules[i].name == name.name) idx = static_cast<int>(i);
      cands.push_back(m_.rules[i].name);
    }
    if (idx < 0) {
      diags_.error(name.range, with_suggestion("unknown rule '" + name.name + "'", name.name, cands));
      throw Abort{};
    }
    Expr x;
    x.op = Op::RuleIs;
    x.index = idx;
    x.type = Type::boolean();
    x.range = range;
    if (!negate) return x;
    Expr n;
    n.op = Op::Not;
    n.type = Type::boolean();
    n.range = range;
    n.args.push_back(std::move(x));
    return n;
  }

  static bool is_rule_word(const ast::Expr& e) { return e.kind == ast::Expr::Kind::Name && e.name == "rule"; }

  // ---- expressions ----
  static std::string type_name(const Type& t) {
    switch (t.kind) {
      case Type::Kind::Bool: return "bool";
      case Type::Kind::Seq: return "seq";
      case Type::Kind::Endpoint: return "endpoint";
      case Type::Kind::Enum: return "enum";
      case Type::Kind::Int:
        if (t.lo == t.hi) return "int";
        return std::to_string(t.lo) + ".." + std::to_string(t.hi);
    }
    return "?";
  }
  std::string type_name_full(const Type& t) const {
    if (t.kind == Type::Kind::Enum && t.enum_id >= 0) return m_.enums[t.enum_id].name;
    return type_name(t);
  }

  static bool is_int(const Type& t) { return t.kind == Type::Kind::Int; }
  static bool assignable(const Type& to, const Type& from) {
    switch (to.kind) {
      case Type::Kind::Int: return from.kind == Type::Kind::Int;
      case Type::Kind::Seq: return from.kind == Type::Kind::Seq || from.kind == Type::Kind::Int;
      case Type::Kind::Bool: return from.kind == Type::Kind::Bool;
      case Type::Kind::Enum: return from.kind == Type::Kind::Enum && from.enum_id == to.enum_id;
      case Type::Kind::Endpoint: return from.kind == Type::Kind::Endpoint;
    }
    return false;
  }

  void require_bool(const Expr& e, const char* what) {
    if (e.type.kind != Type::Kind::Bool) {
      diags_.error(e.range, std::string(what) + " must be a bool, not " + type_name_full(e.type));
      throw Abort{};
    }
  }
  void require_int(const Expr& e, const char* op) {
    if (!is_int(e.type)) {
      diags_.error(e.range, std::string("operator '") + op + "' needs integers, not " + type_name_full(e.type));
      throw Abort{};
    }
  }

  static Expr const_of(int64_t v, Type t, SourceRange r) { return ir::constant_expr(v, t, r); }
  static Expr const_bool(bool b, SourceRange r) { return const_of(b, Type::boolean(), r); }
  static Expr ep_var(int idx, ir::Who who, SourceRange r) {
    Expr e;
    e.op = Op::EpVar;
    e.index = idx;
    e.who = who;
    e.range = r;
    return e;
  }
  Expr bin(Op op, Type t, Expr l, Expr r, SourceRange range) {
    Expr e;
    e.op = op;
    e.type = t;
    e.range = range;
    e.reads_ghost = l.reads_ghost || r.reads_ghost;
    bool both_const = l.op == Op::Const && r.op == Op::Const;
    e.args.push_back(std::move(l));
    e.args.push_back(std::move(r));
    if (both_const) fold(e);
    return e;
  }

  // Folds an operator over constant operands; reports division by zero, 64-bit overflow and
  // results outside +-kMaxConst.
  void fold(Expr& e) {
    int64_t a = e.args[0].value, b = e.args.size() > 1 ? e.args[1].value : 0;
    uint64_t mask = m_.seq_bits > 0 ? (uint64_t{1} << m_.seq_bits) - 1 : 0;
    int64_t half = static_cast<int64_t>((mask + 1) / 2);
    // Sequence arithmetic is modulo 2^seq_bits: unsigned wrap-around gives exactly that.
    auto seq = [&](uint64_t v) { return static_cast<int64_t>(v & mask); };
    int64_t v = 0;
    bool overflow = false;
    switch (e.op) {
      case Op::Not: v = !a; break;
      case Op::Neg: overflow = __builtin_sub_overflow(int64_t{0}, a, &v); break;
      case Op::Add: overflow = __builtin_add_overflow(a, b, &v); break;
      case Op::Sub: overflow = __builtin_sub_overflow(a, b, &v); break;
      case Op::Mul: overflow = __builtin_mul_overflow(a, b, &v); break;
      case Op::Div:
      case Op::Mod:
        if (b == 0) {
          diags_.error(e.range, "division by zero");
          throw Abort{};
        }
        if (a == INT64_MIN && b == -1) {
          overflow = true;
          break;
        }
        v = e.op == Op::Div ? a / b : a % b;
        break;
      case Op::SeqAdd: v = seq(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); break;
      case Op::SeqSub:
      case Op::SeqDist: v = seq(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); break;
      case Op::SeqLt: { int64_t d = seq(static_cast<uint64_t>(b) - static_cast<uint64_t>(a)); v = d > 0 && d < half; break; }
      case Op::SeqLe: { int64_t d = seq(static_cast<uint64_t>(b) - static_cast<uint64_t>(a)); v = d < half; break; }
      case Op::Lt: v = a < b; break;
      case Op::Le: v = a <= b; break;
      case Op::Eq: v = a == b; break;
      case Op::Ne: v = a != b; break;
      case Op::And: v = a && b; break;
      case Op::Or: v = a || b; break;
      case Op::Implies: v = !a || b; break;
      default: return;
    }
    if (overflow) {
      diags_.error(e.range, "arithmetic overflow in a constant expression");
      throw Abort{};
    }
    // A sequence number, or a distance between two, lies in 0..2^SEQ_BITS-1 (up to 2^32-1) by
    // construction: only other results are bounded like every constant.
    const bool seq_result = e.op == Op::SeqAdd || e.op == Op::SeqSub || e.op == Op::SeqDist;
    if (!seq_result && (v > 1000000000 || v < -1000000000)) {
      diags_.error(e.range, "constant value out of range");
      throw Abort{};
    }
    e.args.clear();
    e.op = Op::Const;
    e.value = v;
  }

  Expr name_expr(const ast::Expr& e, Ctx& ctx) {
    const std::string& n = e.name;
    if (ctx.params) {
      for (size_t i = 0; i < ctx.params->size(); ++i)
        if ((*ctx.params)[i].name == n) {
          Expr x;
          x.op = Op::Param;
          x.index = static_cast<int>(i);
          x.type = (*ctx.params)[i].type;
          x.range = e.range;
          return x;
        }
    }
    if (!ctx.seg_name.empty() && n == ctx.seg_name) {
      diags_.error(e.range, "a segment is not a value; read one of its fields, as in '" + n + ".seq'");
      throw Abort{};
    }
    if (auto it = const_values_.find(n); it != const_values_.end())
      return const_of(it->second, Type::integer(it->second, it->second), e.range);
    if (auto it = members_.find(n); it != members_.end()) {
      const auto& en = m_.enums[it->second.first];
      return const_of(it->second.second,
                      {Type::Kind::Enum, 0, static_cast<int64_t>(en.members.size()) - 1, it->second.first}, e.range);
    }
    if (n == "A" || n == "B") {
      if (ctx.const_only) not_constant(e);
      return const_of(n == "A" ? 0 : 1, Type::endpoint(), e.range);
    }
    if (n == "self") {
      if (ctx.const_only) not_constant(e);
      if (!ctx.in_rule) {
        diags_.error(e.range, "'self' exists only inside a rule");
        throw Abort{};
      }
      Expr x;
      x.op = Op::SelfId;
      x.type = Type::endpoint();
      x.range = e.range;
      return x;
    }
    int ep = find_var(m_.endpoint_vars, n);
    if (ctx.in_monitor && n == "rule" && ep < 0 && find_var(m_.global_vars, n) < 0) {
      diags_.error(e.range, "'rule' (the firing rule) is only compared: rule == NAME, rule != NAME or rule in {NAME, ...}");
      throw Abort{};
    }
    if (ep >= 0) {
      if (ctx.const_only) not_constant(e);
      if (!ctx.in_rule) {
        diags_.error(e.range, "'" + n + "' belongs to an endpoint here; write 'A." + n + "' or 'B." + n + "'");
        throw Abort{};
      }
      Expr x = ep_var(ep, ir::Who::Self, e.range);
      x.type = m_.endpoint_vars[ep].type;
      x.reads_ghost = m_.endpoint_vars[ep].ghost;
      add_access(ctx.reads, {ir::Access::Kind::EpVar, ep});
      return x;
    }
    int gl = find_var(m_.global_vars, n);
    if (gl >= 0) {
      if (ctx.const_only) not_constant(e);
      Expr x;
      x.op = Op::GlobalVar;
      x.index = gl;
      x.type = m_.global_vars[gl].type;
      x.reads_ghost = m_.global_vars[gl].ghost;
      x.range = e.range;
      add_access(ctx.reads, {ir::Access::Kind::GlobalVar, gl});
      return x;
    }
    if (timer_by_name(n) >= 0) {
      diags_.error(e.range, "'" + n + "' is a timer; use expired(" + n + ") or running(" + n + ")");
      throw Abort{};
    }
    std::vector<std::string> cands = all_names();
    if (ctx.params)
      for (auto& p : *ctx.params) cands.push_back(p.name);
    if (ctx.const_only && !declared_.count(n)) {
      diags_.error(e.range, with_suggestion("unknown constant '" + n + "'", n, cands));
      throw Abort{};
    }
    diags_.error(e.range, with_suggestion("unknown name '" + n + "'", n, cands));
    throw Abort{};
  }

  [[noreturn]] void not_constant(const ast::Expr& e) {
    diags_.error(e.range, "expected a constant expression");
    throw Abort{};
  }

  Expr field_expr(const ast::Expr& e, Ctx& ctx) {
    const ast::Expr& base = *e.args[0];
    if (base.kind != ast::Expr::Kind::Name) {
      diags_.error(base.range, "only a segment, A, B or self has fields");
      throw Abort{};
    }
    if (ctx.const_only) not_constant(e);
    const std::string& b = base.name;
    if (!ctx.seg_name.empty() && b == ctx.seg_name) {
      int f = m_.seg_field(e.name);
      if (f < 0) {
        std::vector<std::string> cands;
        for (auto& sf : m_.seg_fields) cands.push_back(sf.name);
        diags_.error(e.name_range, with_suggestion("a segment has no field '" + e.name + "'", e.name, cands));
        throw Abort{};
      }
      Expr x;
      x.op = Op::SegField;
      x.index = f;
      x.type = m_.seg_fields[f].type;
      x.reads_ghost = m_.seg_fields[f].ghost;
      x.range = e.range;
      return x;
    }
    if (b == "A" || b == "B" || b == "self" || b == "peer") {
      if (ctx.in_monitor) {
        // a monitor reads either endpoint: self, peer, A, B
      } else if (b == "peer") {
        diags_.error(e.range, ctx.in_rule ? "a rule cannot read the peer's variables (only what arrives in segments)"
                                          : "'peer' exists only inside a rule; write A." + e.name + " or B." + e.name);
        throw Abort{};
      }
      if (ctx.in_rule && !ctx.in_monitor && b != "self") {
        diags_.error(e.range, "a rule reads its own endpoint's variables by name; '" + b + "." + e.name +
                                  "' is for properties");
        throw Abort{};
      }
      if (!ctx.in_rule && b == "self") {
        diags_.error(e.range, "'self' exists only inside a rule");
        throw Abort{};
      }
      int ep = find_var(m_.endpoint_vars, e.name);
      if (ep < 0) {
        std::vector<std::string> cands;
        for (auto& v : m_.endpoint_vars) cands.push_back(v.name);
        diags_.error(e.name_range, with_suggestion("an endpoint has no variable '" + e.name + "'", e.name, cands));
        throw Abort{};
      }
      Expr x = ep_var(ep, b == "A" ? ir::Who::A : b == "B" ? ir::Who::B : b == "peer" ? ir::Who::Peer : ir::Who::Self,
                      e.range);
      x.type = m_.endpoint_vars[ep].type;
      x.reads_ghost = m_.endpoint_vars[ep].ghost;
      add_access(ctx.reads, {ir::Access::Kind::EpVar, ep});
      return x;
    }
    if (ctx.seg_name.empty() && ctx.in_monitor)
      diags_.error(base.range, "'" + b + "' is not a segment: only a recv(s) or send(o) monitor names one");
    else if (ctx.seg_name.empty() && ctx.in_rule && ctx.rule && ctx.rule->kind != ast::Rule::Kind::Recv)
      diags_.error(base.range, "'" + b + "' is not a segment: only a recv rule has one");
    else
      diags_.error(base.range, "'" + b + "' has no fields" +
                                   (ctx.seg_name.empty() ? std::string() : " (the segment is '" + ctx.seg_name + "')"));
    throw Abort{};
  }

  Expr expr(const ast::Expr& e, Ctx& ctx) {
    switch (e.kind) {
      case ast::Expr::Kind::Int: return const_of(e.value, Type::integer(e.value, e.value), e.range);
      case ast::Expr::Kind::Bool: return const_bool(e.value != 0, e.range);
      case ast::Expr::Kind::Name: return name_expr(e, ctx);
      case ast::Expr::Kind::Field: return field_expr(e, ctx);
      case ast::Expr::Kind::Unary: {
        Expr x = expr(*e.args[0], ctx);
        Expr out;
        out.range = e.range;
        out.reads_ghost = x.reads_ghost;
        if (e.name == "!") {
          require_bool(x, "the operand of '!'");
          out.op = Op::Not;
          out.type = Type::boolean();
        } else {
          require_int(x, "-");
          out.op = Op::Neg;
          out.type = Type::integer(clamp_bound(-__int128{x.type.hi}), clamp_bound(-__int128{x.type.lo}));
        }
        bool c = x.op == Op::Const;
        out.args.push_back(std::move(x));
        if (c) fold(out);
        return out;
      }
      case ast::Expr::Kind::Binary: return binary(e, ctx);
      case ast::Expr::Kind::InSet: {
        if (ctx.in_monitor && is_rule_word(*e.args[0])) {  // rule in {NAME, ...}
          std::vector<Expr> tests;
          for (size_t i = 1; i < e.args.size(); ++i) tests.push_back(rule_is(*e.args[i], false, e.range));
          if (tests.empty()) return const_bool(false, e.range);
          return any_of(tests, 0, tests.size(), e.range);
        }
        Expr x = expr(*e.args[0], ctx);
        std::vector<Expr> eqs;
        for (size_t i = 1; i < e.args.size(); ++i) {
          Expr m = expr(*e.args[i], ctx);
          check_comparable(x, m, e.args[i]->range);
          eqs.push_back(bin(Op::Eq, Type::boolean(), x, std::move(m), e.range));
        }
        if (eqs.empty()) return const_bool(false, e.range);
        return any_of(eqs, 0, eqs.size(), e.range);
      }
      case ast::Expr::Kind::IfThenElse: {
        Expr c = expr(*e.args[0], ctx);
        require_bool(c, "an if condition");
        Expr t = expr(*e.args[1], ctx);
        Expr f = expr(*e.args[2], ctx);
        if (!(assignable(t.type, f.type) || assignable(f.type, t.type))) {
          diags_.error(e.range, "the branches have different types: " + type_name_full(t.type) + " and " +
                                    type_name_full(f.type));
          throw Abort{};
        }
        if (c.op == Op::Const) return c.value ? t : f;
        Expr out;
        out.op = Op::Ite;
        out.type = t.type.kind == Type::Kind::Int && f.type.kind == Type::Kind::Int
                       ? Type::integer(std::min(t.type.lo, f.type.lo), std::max(t.type.hi, f.type.hi))
                       : (t.type.kind == Type::Kind::Seq ? t.type : f.type);
        out.range = e.range;
        out.reads_ghost = c.reads_ghost || t.reads_ghost || f.reads_ghost;
        out.args.push_back(std::move(c));
        out.args.push_back(std::move(t));
        out.args.push_back(std::move(f));
        return out;
      }
      case ast::Expr::Kind::Forall: return in_flight_expr(e, ctx);
      case ast::Expr::Kind::Call: {
        if (e.name == "old" && ctx.in_monitor) return old_expr(e, ctx);
        if (e.name == "age" && ctx.in_flight) return age_expr(e, ctx);
        if (e.name == "loss_left" || e.name == "dup_left") return faults_left_expr(e, ctx);
        if (e.name != "expired" && e.name != "running" && e.name != "ticks_left") {
          std::vector<std::string> fns = {"expired", "running", "ticks_left"};
          if (!ctx.in_rule) fns.insert(fns.end(), {"loss_left", "dup_left"});
          if (ctx.in_monitor) fns.push_back("old");
          if (ctx.in_flight) fns.push_back("age");
          diags_.error(e.name_range, with_suggestion("unknown function '" + e.name + "'" +
                                                         (e.name == "old" ? " (old() exists only in a monitor)" : ""),
                                                     e.name, fns));
          throw Abort{};
        }
        if (ctx.const_only) not_constant(e);
        if (e.args.size() != 1) {
          diags_.error(e.range, e.name + "() takes one timer");
          throw Abort{};
        }
        const ast::Expr& a = *e.args[0];
        ir::Who who = ir::Who::Self;
        std::string tn;
        SourceRange tr = a.range;
        if (a.kind == ast::Expr::Kind::Name && ctx.in_rule) {
          tn = a.name;
        } else if (a.kind == ast::Expr::Kind::Field && !ctx.in_rule && a.args[0]->kind == ast::Expr::Kind::Name &&
                   (a.args[0]->name == "A" || a.args[0]->name == "B")) {
          tn = a.name;
          tr = a.name_range;
          who = a.args[0]->name == "A" ? ir::Who::A : ir::Who::B;
        } else {
          diags_.error(a.range, ctx.in_rule ? "expected a timer name" : "expected A.timer or B.timer");
          throw Abort{};
        }
        int t = timer_by_name(tn);
        if (t < 0) {
          diags_.error(tr, with_suggestion("unknown timer '" + tn + "'", tn, timer_names()));
          throw Abort{};
        }
        add_access(ctx.reads, {ir::Access::Kind::Timer, t});
        Expr out;
        out.op = e.name == "expired" ? Op::TimerExpired : e.name == "running" ? Op::TimerRunning : Op::TimerTicksLeft;
        out.index = t;
        out.who = who;
        out.type = out.op == Op::TimerTicksLeft ? Type::integer(0, ir::kMaxTimerTicks) : Type::boolean();
        out.range = e.range;
        return out;
      }
    }
    throw Abort{};
  }

  // `forall s in flight(X): BODY` in a property or lemma: BODY for every segment in flight from X.
  Expr in_flight_expr(const ast::Expr& e, Ctx& ctx) {
    if (ctx.const_only) not_constant(e);
    if (ctx.in_flight) {
      diags_.error(e.range, "'forall' cannot be nested");
      throw Abort{};
    }
    if (ctx.in_rule) {
      diags_.error(e.range, ctx.in_monitor ? "'forall s in flight(X)' is for properties and lemmas, not monitors"
                                           : "'forall s in flight(X)' is for properties and lemmas: a rule cannot see the network");
      throw Abort{};
    }
    const ast::Expr& who = *e.args[0];
    if (who.name != "A" && who.name != "B") {
      diags_.error(who.range, "expected A or B (the endpoint that sent the segments), not '" + who.name + "'");
      throw Abort{};
    }
    if (kReserved.count(e.name) || declared_.count(e.name)) {
      diags_.error(e.name_range, "'" + e.name + "' is already a name; call the segment something else");
      throw Abort{};
    }
    Ctx inner = ctx;
    inner.in_flight = true;
    inner.seg_name = e.name;
    Expr body = expr(*e.args[1], inner);
    require_bool(body, "the body of 'forall'");
    if (body.op == Op::Const && body.value) return body;  // (false is not: true with nothing in flight)
    Expr out;
    out.op = Op::InFlight;
    out.who = who.name == "A" ? ir::Who::A : ir::Who::B;
    out.type = Type::boolean();
    out.range = e.range;
    out.reads_ghost = body.reads_ghost;
    out.args.push_back(std::move(body));
    return out;
  }

  // loss_left(), dup_left() in a property or lemma: the faults the run's budget still allows.
  Expr faults_left_expr(const ast::Expr& e, const Ctx& ctx) {
    if (ctx.const_only) not_constant(e);
    if (ctx.in_rule) {
      diags_.error(e.range, e.name + "() is for properties and lemmas: " +
                                (ctx.in_monitor ? "a monitor" : "a rule") + " cannot see the fault budget");
      throw Abort{};
    }
    if (!e.args.empty()) {
      diags_.error(e.range, e.name + "() takes no arguments");
      throw Abort{};
    }
    Expr out;
    out.op = Op::FaultsLeft;
    out.index = e.name == "loss_left" ? 0 : 1;
    out.type = Type::integer(0, ir::kMaxFaultBudget);
    out.range = e.range;
    return out;
  }

  // age(s) inside `forall s in flight(X)`: the ticks the segment has been in flight (0..msl).
  Expr age_expr(const ast::Expr& e, const Ctx& ctx) {
    if (e.args.size() != 1 || e.args[0]->kind != ast::Expr::Kind::Name || e.args[0]->name != ctx.seg_name) {
      diags_.error(e.range, "age() takes the segment of the 'forall', as in 'age(" + ctx.seg_name + ")'");
      throw Abort{};
    }
    Expr out;
    out.op = Op::SegAge;
    out.type = Type::integer(0, m_.msl);
    out.range = e.range;
    return out;
  }

  // old(EXPR) in a monitor: EXPR in the state before the transition.
  Expr old_expr(const ast::Expr& e, Ctx& ctx) {
    if (ctx.in_old) {
      diags_.error(e.range, "old() cannot be nested: everything inside old() already reads the state before");
      throw Abort{};
    }
    if (e.args.size() != 1) {
      diags_.error(e.range, "old() takes one expression");
      throw Abort{};
    }
    Ctx inner = ctx;
    inner.in_old = true;
    return in_old_state(expr(*e.args[0], inner), e.range);
  }

  // x read in the state before the transition (a constant reads no state: it stays as it is).
  static Expr in_old_state(Expr x, SourceRange range) {
    if (x.op == Op::Const) return x;
    Expr out;
    out.op = Op::Old;
    out.type = x.type;
    out.range = range;
    out.reads_ghost = x.reads_ghost;
    out.args.push_back(std::move(x));
    return out;
  }

  // eqs[b] || ... || eqs[e-1] as a balanced tree (evaluated left to right, as a chain would be),
  // so that a long set adds only log2(size) to the height of the IR.
  Expr any_of(std::vector<Expr>& eqs, size_t b, size_t e, SourceRange range) {
    if (e - b == 1) return std::move(eqs[b]);
    size_t mid = b + (e - b) / 2;
    Expr l = any_of(eqs, b, mid, range);
    Expr r = any_of(eqs, mid, e, range);
    return bin(Op::Or, Type::boolean(), std::move(l), std::move(r), range);
  }

  void check_comparable(const Expr& l, const Expr& r, SourceRange range) {
    bool ok = false;
    if (l.type.kind == r.type.kind) ok = l.type.kind != Type::Kind::Enum || l.type.enum_id == r.type.enum_id;
    if ((l.type.kind == Type::Kind::Seq && is_int(r.type)) || (r.type.kind == Type::Kind::Seq && is_int(l.type)))
      ok = true;
    if (!ok) {
      diags_.error(range, "cannot compare " + type_name_full(l.type) + " with " + type_name_full(r.type));
      throw Abort{};
    }
  }

  Expr binary(const ast::Expr& e, Ctx& ctx) {
    const std::string& op = e.name;
    if (ctx.in_monitor && (op == "==" || op == "!=")) {  // rule == NAME, NAME == rule
      if (is_rule_word(*e.args[0])) return rule_is(*e.args[1], op == "!=", e.range);
      if (is_rule_word(*e.args[1])) return rule_is(*e.args[0], op == "!=", e.range);
    }
    Expr l = expr(*e.args[0], ctx);
    Expr r = expr(*e.args[1], ctx);
    Type seq_t{Type::Kind::Seq, 0, m_.seq_bits > 0 ? (int64_t{1} << m_.seq_bits) - 1 : 1, -1};
    auto is_seq = [](const Expr& x) { return x.type.kind == Type::Kind::Seq; };
    if (op == "&&" || op == "||" || op == "->") {
      require_bool(l, ("the left operand of '" + op + "'").c_str());
      require_bool(r, ("the right operand of '" + op + "'").c_str());
      return bin(op == "&&" ? Op::And : op == "||" ? Op::Or : Op::Implies, Type::boolean(), std::move(l), std::move(r), e.range);
    }
    if (op == "==" || op == "!=") {
      check_comparable(l, r, e.range);
      if (is_seq(l) && r.op == Op::Const) r.value &= seq_t.hi;
      if (is_seq(r) && l.op == Op::Const) l.value &= seq_t.hi;
      return bin(op == "==" ? Op::Eq : Op::Ne, Type::boolean(), std::move(l), std::move(r), e.range);
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      bool swap = op == ">" || op == ">=";
      bool strict = op == "<" || op == ">";
      if (is_seq(l) || is_seq(r)) {
        if (!(is_seq(l) && is_seq(r))) {
          diags_.error(e.range, "'" + op + "' compares a seq only with a seq (modular comparison); convert with 'x + 0' or compare distances");
          throw Abort{};
        }
        return swap ? bin(strict ? Op::SeqLt : Op::SeqLe, Type::boolean(), std::move(r), std::move(l), e.range)
                    : bin(strict ? Op::SeqLt : Op::SeqLe, Type::boolean(), std::move(l), std::move(r), e.range);
      }
      require_int(l, op.c_str());
      require_int(r, op.c_str());
      return swap ? bin(strict ? Op::Lt : Op::Le, Type::boolean(), std::move(r), std::move(l), e.range)
                  : bin(strict ? Op::Lt : Op::Le, Type::boolean(), std::move(l), std::move(r), e.range);
    }
    if (op == "+" || op == "-") {
      if (is_seq(l) && is_seq(r)) {
        if (op == "+") {
          diags_.error(e.range, "cannot add two sequence numbers");
          throw Abort{};
        }
        return bin(Op::SeqDist, Type::integer(0, seq_t.hi), std::move(l), std::move(r), e.range);
      }
      if (is_seq(l) || is_seq(r)) {
        Expr& other = is_seq(l) ? r : l;
        require_int(other, op.c_str());
        if (op == "-" && is_seq(r)) {
          diags_.error(e.range, "cannot subtract a sequence number from an integer");
          throw Abort{};
        }
        if (is_seq(r)) std::swap(l, r);
        return bin(op == "+" ? Op::SeqAdd : Op::SeqSub, seq_t, std::move(l), std::move(r), e.range);
      }
      require_int(l, op.c_str());
      require_int(r, op.c_str());
      Type t = op == "+" ? Type::integer(clamp_bound(__int128{l.type.lo} + r.type.lo),
                                         clamp_bound(__int128{l.type.hi} + r.type.hi))
                         : Type::integer(clamp_bound(__int128{l.type.lo} - r.type.hi),
                                         clamp_bound(__int128{l.type.hi} - r.type.lo));
      return bin(op == "+" ? Op::Add : Op::Sub, t, std::move(l), std::move(r), e.range);
    }
    require_int(l, op.c_str());
    require_int(r, op.c_str());
    Op o = op == "*" ? Op::Mul : op == "/" ? Op::Div : Op::Mod;
    // Bounds are within +-kTypeBound (see clamp_bound), so abs() and the product are defined.
    int64_t m = std::max({std::abs(l.type.lo), std::abs(l.type.hi), std::abs(r.type.lo), std::abs(r.type.hi)});
    int64_t mm = clamp_bound(__int128{m} * m);
    Type t = o == Op::Mul ? Type::integer(-mm, mm) : Type::integer(-m, m);
    return bin(o, t, std::move(l), std::move(r), e.range);
  }
};

}  // namespace

ir::Model check_spec(const ast::Spec& spec, const ConstOverrides& overrides, Diagnostics& diags) {
  Checker c(spec, overrides, diags);
  return c.run();
}

}  // namespace tcpmc
