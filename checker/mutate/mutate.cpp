#include "mutate.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <mutex>
#include <thread>

#include "interrupt.hpp"

namespace tcpmc::mutate {

using ir::Expr;
using ir::Stmt;
using Op = ir::Expr::Op;

const char* operator_name(Operator op) {
  switch (op) {
    case Operator::DropStmt: return "drop-stmt";
    case Operator::DropSend: return "drop-send";
    case Operator::DropConjunct: return "drop-conjunct";
    case Operator::NegateConjunct: return "negate-conjunct";
    case Operator::Comparison: return "comparison";
    case Operator::PlusMinusOne: return "plus-minus-one";
    case Operator::Goto: return "goto";
    case Operator::Flag: return "flag";
    case Operator::SwapRecv: return "swap-recv";
    case Operator::DropTimer: return "drop-timer";
  }
  return "?";
}

const std::vector<std::string>& operator_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (int i = 0; i < kOperatorCount; ++i) v.push_back(operator_name(static_cast<Operator>(i)));
    return v;
  }();
  return names;
}

std::optional<Operator> operator_by_name(const std::string& name) {
  for (int i = 0; i < kOperatorCount; ++i)
    if (name == operator_name(static_cast<Operator>(i))) return static_cast<Operator>(i);
  return std::nullopt;
}

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Killed: return "killed";
    case Outcome::Survived: return "survived";
    case Outcome::Equivalent: return "equivalent";
    case Outcome::Invalid: return "invalid";
    case Outcome::Inconclusive: return "inconclusive";
    case Outcome::NotRun: return "not run";
  }
  return "?";
}

std::string Mutant::description() const {
  return "line " + std::to_string(line) + ": `" + original + "` → " +
         (replacement == "dropped" ? replacement : "`" + replacement + "`");
}

double Summary::score() const {
  size_t denom = total - equivalent - invalid - not_run;
  return denom == 0 ? 1.0 : static_cast<double>(killed) / static_cast<double>(denom);
}

Summary MutationRun::summary() const {
  Summary s;
  s.total = results.size();
  for (const auto& r : results) {
    switch (r.outcome) {
      case Outcome::Killed: ++s.killed; break;
      case Outcome::Survived: ++s.survived; break;
      case Outcome::Equivalent: ++s.equivalent; break;
      case Outcome::Invalid: ++s.invalid; break;
      case Outcome::Inconclusive: ++s.inconclusive; break;
      case Outcome::NotRun: ++s.not_run; break;
    }
  }
  return s;
}

namespace {

// ---- source text -------------------------------------------------------------------------------

std::string raw_text(const SourceRange& r) {
  if (!r.valid() || r.end < r.begin || r.end > r.file->text().size()) return "";
  return r.file->text().substr(r.begin, r.end - r.begin);
}

// On one line: comments dropped, whitespace runs collapsed, at most 90 characters.
std::string one_line(const std::string& text) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
      space = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > 90) out = out.substr(0, 87) + "...";
  return out;
}

// Skips blanks and comments from `i`.
size_t skip_blank(const std::string& t, size_t i);

// An expression's range leaves out the parentheses around its last operand: take in the closing
// ones that balance the text.
SourceRange balanced(SourceRange r) {
  if (!r.valid() || r.end > r.file->text().size()) return r;
  const std::string& t = r.file->text();
  int open = 0;
  for (uint32_t i = r.begin; i < r.end; ++i) open += t[i] == '(' ? 1 : t[i] == ')' ? -1 : 0;
  while (open > 0) {
    size_t j = skip_blank(t, r.end);
    if (j >= t.size() || t[j] != ')') break;
    r.end = static_cast<uint32_t>(j + 1);
    --open;
  }
  return r;
}

std::string text_of(const SourceRange& r) { return one_line(raw_text(balanced(r))); }

// The end of an expression's source (its own range, or the furthest of its operands').
uint32_t expr_end(const Expr& e) {
  uint32_t end = e.range.valid() ? e.range.end : 0;
  for (const auto& a : e.args) end = std::max(end, expr_end(a));
  return end;
}

// Skips blanks and comments from `i`.
size_t skip_blank(const std::string& t, size_t i) {
  while (i < t.size()) {
    if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r') {
      ++i;
    } else if (t.compare(i, 2, "//") == 0) {
      while (i < t.size() && t[i] != '\n') ++i;
    } else if (t.compare(i, 2, "/*") == 0) {
      size_t e = t.find("*/", i + 2);
      i = e == std::string::npos ? t.size() : e + 2;
    } else {
      break;
    }
  }
  return i;
}

// From the opening bracket at or after `i`, the offset just past its match (comments skipped).
size_t past_match(const std::string& t, size_t i, char open, char close) {
  i = t.find(open, i);
  if (i == std::string::npos) return t.size();
  int depth = 0;
  while (i < t.size()) {
    size_t j = skip_blank(t, i);
    if (j != i) {
      i = j;
      continue;
    }
    if (t[i] == open) ++depth;
    if (t[i] == close && --depth == 0) return i + 1;
    ++i;
  }
  return t.size();
}

// A statement's whole source span: the IR keeps only its first token's range.
SourceRange stmt_extent(const Stmt& s) {
  SourceRange r = s.range;
  if (!r.valid()) return r;
  const std::string& t = r.file->text();
  size_t end = r.end;
  switch (s.kind) {
    case Stmt::Kind::Send: end = past_match(t, r.end, '(', ')'); break;
    case Stmt::Kind::TimerStop: {
      size_t i = skip_blank(t, r.end);
      while (i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '_')) ++i;
      end = i;
      break;
    }
    case Stmt::Kind::If: {
      end = past_match(t, std::max<size_t>(r.end, expr_end(s.value)), '{', '}');
      if (!s.else_body.empty()) {
        size_t i = skip_blank(t, end);
        if (t.compare(i, 4, "else") == 0) {
          size_t j = skip_blank(t, i + 4);
          if (j < t.size() && t[j] == '{') end = past_match(t, j, '{', '}');
          else if (s.else_body.size() == 1 && s.else_body[0].kind == Stmt::Kind::If) end = stmt_extent(s.else_body[0]).end;
        }
      }
      break;
    }
    default: end = std::max<size_t>(r.end, expr_end(s.value)); break;
  }
  r.end = static_cast<uint32_t>(std::min(end, t.size()));
  return r;
}

// ---- addressing sites in a copy of the model ---------------------------------------------------

// A statement: indices into nested bodies, [i0, branch1, i1, branch2, i2, ...] (branch 0 = then).
using StmtPath = std::vector<int>;

std::vector<Stmt>& parent_list(ir::Rule& rule, const StmtPath& p) {
  std::vector<Stmt>* list = &rule.body;
  for (size_t k = 0; k + 1 < p.size(); k += 2) {
    Stmt& s = (*list)[p[k]];
    list = p[k + 1] == 0 ? &s.then_body : &s.else_body;
  }
  return *list;
}
Stmt& stmt_at(ir::Rule& rule, const StmtPath& p) { return parent_list(rule, p)[p.back()]; }

// An expression: a root (the guard, a statement's value, a send's field) and argument indices.
struct ExprRoot {
  enum Kind { Guard, StmtValue, SendField } kind = Guard;
  StmtPath stmt;
  int field = -1;  // position in Stmt::fields
};

Expr& expr_at(ir::Rule& rule, const ExprRoot& root, const std::vector<int>& args) {
  Expr* e = nullptr;
  switch (root.kind) {
    case ExprRoot::Guard: e = &rule.guard; break;
    case ExprRoot::StmtValue: e = &stmt_at(rule, root.stmt).value; break;
    case ExprRoot::SendField: e = &stmt_at(rule, root.stmt).fields[root.field].second; break;
  }
  for (int a : args) e = &e->args[a];
  return *e;
}

// A timer's largest duration bounds its slot in the state layout: recomputed after a mutation.
void recompute_timer_bounds(ir::Model& m) {
  for (auto& t : m.timers) t.max_duration = 0;
  std::function<void(const std::vector<Stmt>&)> walk = [&](const std::vector<Stmt>& body) {
    for (const auto& s : body) {
      if (s.kind == Stmt::Kind::TimerStart)
        m.timers[s.index].max_duration = std::max(m.timers[s.index].max_duration, s.value.value);
      walk(s.then_body);
      walk(s.else_body);
    }
  };
  for (const auto& r : m.rules) walk(r.body);
}

bool ghost_only(const ir::Model& m, const Stmt& s) {
  switch (s.kind) {
    case Stmt::Kind::AssignGlobal: return true;  // globals are ghost
    case Stmt::Kind::AssignEp: return m.endpoint_vars[s.index].ghost;
    case Stmt::Kind::If:
      if (s.value.reads_ghost) return true;
      for (const auto& b : {&s.then_body, &s.else_body})
        for (const auto& x : *b)
          if (!ghost_only(m, x)) return false;
      return true;
    default: return false;
  }
}

// The comparison operator written between a comparison's operands, or "" when there is none (an
// `in {..}` set, the `in STATES` list).
std::string comparison_token(const Expr& e) {
  if (e.args.size() != 2 || !e.args[0].range.valid() || !e.args[1].range.valid()) return "";
  const Expr* a = &e.args[0];
  const Expr* b = &e.args[1];
  if (b->range.begin < a->range.begin) std::swap(a, b);
  if (a->range.end > b->range.begin) return "";
  std::string between = a->range.file->text().substr(a->range.end, b->range.begin - a->range.end);
  std::string tok;
  for (char c : between) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')') continue;
    tok += c;
  }
  static const char* ok[] = {"<", "<=", ">", ">=", "==", "!="};
  for (const char* o : ok)
    if (tok == o) return tok;
  return "";
}

class Enumerator {
 public:
  explicit Enumerator(const ir::Model& m) : m_(m) {}

  std::vector<Mutant> run() {
    std::vector<int> recvs;
    for (size_t r = 0; r < m_.rules.size(); ++r)
      if (m_.rules[r].kind == ir::Rule::Kind::Recv) recvs.push_back(static_cast<int>(r));
    for (size_t r = 0; r < m_.rules.size(); ++r) {
      rule_ = static_cast<int>(r);
      const ir::Rule& rule = m_.rules[r];
      guard(rule);
      body(rule.body, {});
      auto it = std::find(recvs.begin(), recvs.end(), rule_);
      if (it != recvs.end() && it + 1 != recvs.end()) swap_recv(rule_, *(it + 1));
    }
    for (size_t i = 0; i < out_.size(); ++i) out_[i].id = static_cast<int>(i) + 1;
    return std::move(out_);
  }

 private:
  const ir::Model& m_;
  int rule_ = -1;
  std::vector<Mutant> out_;

  std::string rule_name(int r) const {
    return std::string(ir::rule_kind_name(m_.rules[r].kind)) + " " + m_.rules[r].name;
  }

  void add(Operator op, SourceRange where, std::string original, std::string replacement, bool in_guard,
           std::function<void(ir::Model&)> apply) {
    Mutant mu;
    mu.op = op;
    mu.rule = rule_;
    mu.rule_name = rule_name(rule_);
    mu.where = where;
    if (where.valid()) {
      LineCol lc = where.file->position(where.begin);
      mu.line = static_cast<int>(lc.line);
      mu.location = where.file->path() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col);
    }
    mu.original = std::move(original);
    mu.replacement = std::move(replacement);
    mu.in_guard = in_guard;
    mu.apply = std::move(apply);
    out_.push_back(std::move(mu));
  }

  // The `in STATES` part of a guard: a state-variable equality (or a disjunction of them) whose
  // source is a state name or the whole rule.
  bool is_state_list(const Expr& e) const {
    if (e.range.valid() && e.range.begin == m_.rules[rule_].range.begin && e.range.end == m_.rules[rule_].range.end)
      return true;
    return e.op == Op::Eq && e.args.size() == 2 && e.args[0].op == Op::EpVar && e.args[0].index == m_.state_var &&
           e.args[0].range.begin == e.range.begin && e.args[0].range.end == e.range.end;
  }

  void conjuncts(const Expr& e, std::vector<int>& path, std::vector<std::vector<int>>& out) const {
    if (e.op == Op::And) {
      for (int a = 0; a < 2; ++a) {
        path.push_back(a);
        conjuncts(e.args[a], path, out);
        path.pop_back();
      }
      return;
    }
    if (e.op == Op::Const || is_state_list(e)) return;
    out.push_back(path);
  }

  void guard(const ir::Rule& rule) {
    std::vector<std::vector<int>> cs;
    std::vector<int> path;
    conjuncts(rule.guard, path, cs);
    const int r = rule_;
    for (const auto& p : cs) {
      const Expr* c = &rule.guard;
      for (int a : p) c = &c->args[a];
      std::string t = text_of(c->range);
      add(Operator::DropConjunct, c->range, t, "dropped", true, [r, p](ir::Model& m) {
        Expr& x = expr_at(m.rules[r], {}, p);
        x = ir::constant_expr(1, ir::Type::boolean(), x.range);
      });
      add(Operator::NegateConjunct, c->range, t, "!(" + t + ")", true, [r, p](ir::Model& m) {
        Expr& x = expr_at(m.rules[r], {}, p);
        Expr n;
        n.op = Op::Not;
        n.type = ir::Type::boolean();
        n.range = x.range;
        n.args.push_back(std::move(x));
        x = std::move(n);
      });
    }
    std::vector<int> args;
    exprs(rule.guard, ExprRoot{}, args, true);
  }

  // Comparison and plus-minus-one mutants inside an expression.
  void exprs(const Expr& e, const ExprRoot& root, std::vector<int>& path, bool in_guard) {
    if (e.reads_ghost) return;
    if (in_guard && is_state_list(e)) return;
    const int r = rule_;
    const bool arith = e.op == Op::Add || e.op == Op::Sub || e.op == Op::Mul || e.op == Op::Div || e.op == Op::Mod ||
                       e.op == Op::SeqAdd || e.op == Op::SeqSub || e.op == Op::SeqDist;
    if (e.op == Op::Lt || e.op == Op::Le || e.op == Op::SeqLt || e.op == Op::SeqLe || e.op == Op::Eq ||
        e.op == Op::Ne) {
      std::string tok = comparison_token(e);
      if (!tok.empty()) {
        static const std::pair<const char*, const char*> flip[] = {
            {"<", "<="}, {"<=", "<"}, {">", ">="}, {">=", ">"}, {"==", "!="}, {"!=", "=="}};
        std::string to;
        for (auto [a, b] : flip)
          if (tok == a) to = b;
        const Expr* lo = &e.args[0];
        const Expr* hi = &e.args[1];
        if (hi->range.begin < lo->range.begin) std::swap(lo, hi);
        std::string repl = text_of({e.range.file, e.range.begin, lo->range.end}) + " " + to + " " +
                           text_of({e.range.file, hi->range.begin, e.range.end});
        Op to_op = e.op == Op::Lt ? Op::Le : e.op == Op::Le ? Op::Lt : e.op == Op::SeqLt ? Op::SeqLe
                 : e.op == Op::SeqLe ? Op::SeqLt : e.op == Op::Eq ? Op::Ne : Op::Eq;
        std::vector<int> p = path;
        add(Operator::Comparison, e.range, text_of(e.range), one_line(repl), in_guard,
            [r, root, p, to_op](ir::Model& m) { expr_at(m.rules[r], root, p).op = to_op; });
      }
    }
    if (e.op == Op::Const && (e.type.kind == ir::Type::Kind::Int || e.type.kind == ir::Type::Kind::Seq) &&
        e.range.valid()) {
      std::string t = text_of(e.range);
      bool literal = !t.empty() && t.find_first_not_of("0123456789") == std::string::npos;
      const bool seq = e.type.kind == ir::Type::Kind::Seq;
      const int64_t mask = m_.seq_bits > 0 ? (int64_t{1} << m_.seq_bits) - 1 : 1;
      for (int d : {+1, -1}) {
        int64_t v = seq ? ((e.value + d) & mask) : e.value + d;
        std::string repl = literal ? std::to_string(v) : t + (d > 0 ? " + 1" : " - 1");
        std::vector<int> p = path;
        add(Operator::PlusMinusOne, e.range, t, repl, in_guard, [r, root, p, v, seq](ir::Model& m) {
          Expr& x = expr_at(m.rules[r], root, p);
          x.value = v;
          if (!seq) x.type = ir::Type::integer(v, v);
        });
      }
    }
    if (arith && e.args.size() == 2 && e.args[0].op != Op::Const && e.args[1].op != Op::Const) {
      std::string t = text_of(e.range);
      for (int d : {+1, -1}) {
        std::vector<int> p = path;
        add(Operator::PlusMinusOne, e.range, t, "(" + t + ")" + (d > 0 ? " + 1" : " - 1"), in_guard,
            [r, root, p, d](ir::Model& m) {
              Expr& x = expr_at(m.rules[r], root, p);
              const bool seq = x.type.kind == ir::Type::Kind::Seq;
              Expr w;
              w.range = x.range;
              w.type = x.type;
              if (seq) {
                w.op = d > 0 ? Op::SeqAdd : Op::SeqSub;
              } else {
                w.op = d > 0 ? Op::Add : Op::Sub;
                w.type = ir::Type::integer(x.type.lo - 1, x.type.hi + 1);
              }
              Expr one = ir::constant_expr(1, ir::Type::integer(1, 1), x.range);
              w.args.push_back(std::move(x));
              w.args.push_back(std::move(one));
              x = std::move(w);
            });
      }
    }
    for (size_t a = 0; a < e.args.size(); ++a) {
      path.push_back(static_cast<int>(a));
      exprs(e.args[a], root, path, in_guard);
      path.pop_back();
    }
  }

  void drop(Operator op, const Stmt& s, const StmtPath& p) {
    const int r = rule_;
    add(op, stmt_extent(s), text_of(stmt_extent(s)), "dropped", false, [r, p](ir::Model& m) {
      auto& list = parent_list(m.rules[r], p);
      list.erase(list.begin() + p.back());
    });
  }

  void body(const std::vector<Stmt>& stmts, StmtPath prefix) {
    const int r = rule_;
    for (size_t i = 0; i < stmts.size(); ++i) {
      const Stmt& s = stmts[i];
      StmtPath p = prefix;
      p.push_back(static_cast<int>(i));
      if (ghost_only(m_, s)) continue;
      std::vector<int> args;
      switch (s.kind) {
        case Stmt::Kind::Send: {
          drop(Operator::DropSend, s, p);
          flags(s, p);
          for (size_t f = 0; f < s.fields.size(); ++f) {
            if (m_.seg_fields[s.fields[f].first].ghost || m_.seg_fields[s.fields[f].first].is_flag) continue;
            exprs(s.fields[f].second, ExprRoot{ExprRoot::SendField, p, static_cast<int>(f)}, args, false);
          }
          break;
        }
        case Stmt::Kind::TimerStart: {
          drop(Operator::DropTimer, s, p);
          std::string t = text_of(s.value.range);
          for (int d : {+1, -1}) {
            int64_t v = s.value.value + d;
            if (v < 0 || v > 60) continue;
            bool literal = !t.empty() && t.find_first_not_of("0123456789") == std::string::npos;
            add(Operator::PlusMinusOne, s.value.range, t, literal ? std::to_string(v) : t + (d > 0 ? " + 1" : " - 1"),
                false, [r, p, v](ir::Model& m) {
                  Stmt& x = stmt_at(m.rules[r], p);
                  x.value.value = v;
                  x.value.type = ir::Type::integer(v, v);
                });
          }
          break;
        }
        case Stmt::Kind::TimerStop: drop(Operator::DropTimer, s, p); break;
        case Stmt::Kind::AssignEp:
        case Stmt::Kind::AssignGlobal: {
          drop(Operator::DropStmt, s, p);
          if (s.kind == Stmt::Kind::AssignEp && s.index == m_.state_var && s.value.op == Op::Const) {
            const auto& members = m_.state_enum().members;
            std::string t = text_of(stmt_extent(s));
            for (int d : {-1, +1}) {
              int64_t v = s.value.value + d;
              if (v < 0 || v >= static_cast<int64_t>(members.size())) continue;
              std::string repl = t;
              const std::string& from = members[s.value.value];
              if (auto at = repl.rfind(from); at != std::string::npos) repl.replace(at, from.size(), members[v]);
              add(Operator::Goto, stmt_extent(s), t, repl, false,
                  [r, p, v](ir::Model& m) { stmt_at(m.rules[r], p).value.value = v; });
            }
          } else {
            exprs(s.value, ExprRoot{ExprRoot::StmtValue, p, -1}, args, false);
          }
          break;
        }
        case Stmt::Kind::If: {
          drop(Operator::DropStmt, s, p);
          exprs(s.value, ExprRoot{ExprRoot::StmtValue, p, -1}, args, false);
          for (int b = 0; b < 2; ++b) {
            StmtPath q = p;
            q.push_back(b);
            body(b == 0 ? s.then_body : s.else_body, q);
          }
          break;
        }
      }
    }
  }

  // Clear each flag the send sets, set each it does not (ghost flags excepted).
  void flags(const Stmt& s, const StmtPath& p) {
    const int r = rule_;
    for (size_t f = 0; f < m_.seg_fields.size(); ++f) {
      const ir::SegField& sf = m_.seg_fields[f];
      if (!sf.is_flag || sf.ghost) continue;
      int pos = -1;
      for (size_t k = 0; k < s.fields.size(); ++k)
        if (s.fields[k].first == static_cast<int>(f)) pos = static_cast<int>(k);
      const SourceRange ext = stmt_extent(s);
      std::string src = raw_text(ext), repl;
      if (pos >= 0) {
        SourceRange fr = s.fields[pos].second.range;
        size_t b = fr.begin - s.range.begin, e = fr.end - s.range.begin;
        if (fr.valid() && fr.begin >= s.range.begin && fr.end <= ext.end) {
          if (e < src.size() && src[e] == '|') ++e;
          else if (b > 0 && src[b - 1] == '|') --b;
          repl = src.substr(0, b) + src.substr(e);
        }
      } else {
        // After the last flag written, or after the `send` keyword.
        uint32_t last = 0;
        for (const auto& [fi, fe] : s.fields)
          if (m_.seg_fields[fi].is_flag && fe.range.valid()) last = std::max(last, fe.range.end);
        if (last > s.range.begin && last <= ext.end) {
          size_t at = last - s.range.begin;
          repl = src.substr(0, at) + "|" + sf.name + src.substr(at);
        } else {
          size_t at = std::min<size_t>(4, src.size());
          repl = src.substr(0, at) + " " + sf.name + src.substr(at);
        }
      }
      add(Operator::Flag, ext, one_line(src), one_line(repl), false, [r, p, f, pos](ir::Model& m) {
        Stmt& x = stmt_at(m.rules[r], p);
        if (pos >= 0) {
          x.fields.erase(x.fields.begin() + pos);
        } else {
          x.fields.emplace_back(static_cast<int>(f), ir::constant_expr(1, ir::Type::boolean(), x.range));
        }
      });
    }
  }

  void swap_recv(int a, int b) {
    std::string na = rule_name(a), nb = rule_name(b);
    add(Operator::SwapRecv, m_.rules[a].range, na + "` before `" + nb, nb + "` before `" + na, true,
        [a, b](ir::Model& m) {
          std::swap(m.rules[a], m.rules[b]);
          // A monitor's `rule == NAME` names the rule by its index: keep it naming the same rule.
          std::function<void(Expr&)> follow = [&](Expr& e) {
            if (e.op == Op::RuleIs) e.index = e.index == a ? b : e.index == b ? a : e.index;
            for (auto& x : e.args) follow(x);
          };
          std::function<void(std::vector<Stmt>&)> walk = [&](std::vector<Stmt>& body) {
            for (auto& st : body) {
              follow(st.value);
              walk(st.then_body);
              walk(st.else_body);
            }
          };
          for (auto& mo : m.monitors) {
            follow(mo.guard);
            walk(mo.body);
          }
        });
  }
};

// ---- running ---------------------------------------------------------------------------------

MutantResult classify(const SpecResult& orig, const SpecResult& mu) {
  MutantResult res;
  res.ran = true;
  res.states = mu.exploration.states;
  res.transitions = mu.exploration.transitions;
  if (mu.exploration.model_error) {
    res.outcome = Outcome::Invalid;
    res.detail = describe_model_error(*mu.exploration.model_error);
    return res;
  }
  if (mu.replay_failed) {
    res.outcome = Outcome::Invalid;
    res.detail = "a counterexample failed replay (a bug in tcpmc)";
    return res;
  }
  const size_t n = std::min(orig.properties.size(), mu.properties.size());
  for (size_t p = 0; p < n; ++p)
    if (orig.properties[p].verdict == Verdict::Holds && mu.properties[p].verdict == Verdict::Violated) {
      res.outcome = Outcome::Killed;
      res.killed_by = mu.properties[p].name;
      if (mu.properties[p].counterexample) res.cex_length = mu.properties[p].counterexample->steps.size();
      else res.cex_length = mu.properties[p].depth;
      return res;
    }
  for (size_t p = 0; p < n; ++p)
    if (orig.properties[p].verdict == Verdict::Violated && mu.properties[p].verdict == Verdict::Holds) {
      res.outcome = Outcome::Killed;
      res.killed_by = mu.properties[p].name;
      return res;
    }
  if (!mu.exploration.complete) {
    res.outcome = Outcome::Inconclusive;
    res.detail = mu.exploration.stop_reason;
    return res;
  }
  bool same = orig.exploration.states == mu.exploration.states &&
              orig.exploration.transitions == mu.exploration.transitions;
  for (size_t p = 0; p < n && same; ++p) same = orig.properties[p].verdict == mu.properties[p].verdict;
  res.outcome = same ? Outcome::Equivalent : Outcome::Survived;
  if (same) res.detail = "same states, transitions and verdicts";
  return res;
}

}  // namespace

std::vector<Mutant> enumerate_mutants(const ir::Model& m) { return Enumerator(m).run(); }

MutationRun run_mutation(const LoadedSpec& spec, const MutationOptions& opts) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  MutationRun run;
  run.original = check_loaded(std::make_unique<LoadedSpec>(spec), opts.check);
  if (run.original->exploration.interrupted) run.interrupted = true;
  std::vector<Mutant> all = enumerate_mutants(spec.model);
  for (auto& mu : all)
    if (opts.operators.empty() || std::find(opts.operators.begin(), opts.operators.end(), mu.op) != opts.operators.end())
      run.mutants.push_back(std::move(mu));
  run.results.resize(run.mutants.size());
  for (size_t i = 0; i < run.mutants.size(); ++i) run.results[i].id = run.mutants[i].id;
  if (run.original->exploration.model_error || run.interrupted) {
    run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return run;
  }

  // Which rules fired in the original run (over both endpoints' instances).
  const SpecResult& orig = *run.original;
  std::vector<uint64_t> fired(spec.model.rules.size(), 0);
  const auto& inst = orig.system->instances();
  for (size_t i = 0; i < inst.size() && i < orig.exploration.coverage.fired.size(); ++i)
    fired[inst[i].rule] += orig.exploration.coverage.fired[i];
  const bool complete = orig.exploration.complete;

  CheckOptions mopts = opts.check;
  mopts.limits.threads = 1;
  mopts.limits.progress = false;
  mopts.limits.on_progress = nullptr;

  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu_lock;
  size_t done = 0;
  auto work = [&] {
    for (;;) {
      if (stop.load() || interrupt_requested()) {
        stop = true;
        return;
      }
      size_t i = next.fetch_add(1);
      if (i >= run.mutants.size()) return;
      const Mutant& m = run.mutants[i];
      MutantResult res;
      const auto s0 = Clock::now();
      if (complete && !m.in_guard && fired[m.rule] == 0) {
        res.outcome = Outcome::Equivalent;
        res.detail = "the rule never fires";
      } else {
        auto copy = std::make_unique<LoadedSpec>();
        copy->sources = spec.sources;
        copy->model = spec.model;
        m.apply(copy->model);
        recompute_timer_bounds(copy->model);
        try {
          auto r = check_loaded(std::move(copy), mopts);
          if (r->exploration.interrupted) {
            stop = true;
            return;  // left "not run"
          }
          res = classify(orig, *r);
        } catch (const std::bad_alloc&) {
          res.outcome = Outcome::Inconclusive;
          res.ran = true;
          res.detail = "out of memory";
        } catch (const std::exception& e) {
          res.outcome = Outcome::Invalid;
          res.ran = true;
          res.detail = e.what();
        }
      }
      res.id = m.id;
      res.seconds = std::chrono::duration<double>(Clock::now() - s0).count();
      std::lock_guard<std::mutex> g(mu_lock);
      run.results[i] = std::move(res);
      ++done;
      if (opts.on_result) opts.on_result(m, run.results[i], done, run.mutants.size());
    }
  };
  const int jobs = std::max(1, opts.jobs);
  std::vector<std::thread> pool;
  for (int j = 1; j < jobs; ++j) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  run.interrupted = stop.load();
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return run;
}

}  // namespace tcpmc::mutate
