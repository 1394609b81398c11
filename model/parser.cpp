#include "parser.hpp"

#include <algorithm>
#include <set>

#include "ir.hpp"

namespace tcpmc {
namespace {

using namespace ast;

const std::set<std::string> kTopKeywords = {"include", "override", "remove", "spec", "const", "enum", "endpoint", "ghost", "segment", "network",
                                            "faults", "call", "recv", "timeout", "invariant", "stuck",
                                            "reachable", "eventually", "leadsto", "expect", "monitor", "fair", "lemma"};

struct SyntaxError {};

// How deeply expressions (tree height, and nested parentheses, unary operators and conditionals)
// and statements (nested `if`, including `else if` chains) may nest. Every later pass over the
// syntax tree or the IR (type checking, constant folding, lowering to bytecode, the recursive
// destructors of the trees) recurses at most this deep per level, so this bound is what keeps
// them within the stack; the bytecode interpreter's stack (kStackSize) is larger than it.
constexpr int kMaxNesting = 200;
const std::string kNestingNote = "nesting too deep (limit " + std::to_string(kMaxNesting) + ")";

class Parser {
 public:
  Parser(std::vector<Token> toks, Diagnostics& d) : t_(std::move(toks)), diags_(d) {}

  Spec parse() {
    Spec spec;
    while (!at(Tok::End)) {
      size_t before = pos_;
      try {
        declaration(spec);
      } catch (SyntaxError&) {
        if (diags_.error_count() > 50) break;
        if (pos_ == before) ++pos_;
        while (!at(Tok::End) && !(at(Tok::Ident) && kTopKeywords.count(peek().text) && starts_line())) ++pos_;
      }
    }
    return spec;
  }

 private:
  std::vector<Token> t_;
  size_t pos_ = 0;
  Diagnostics& diags_;
  int depth_ = 0;       // nested parentheses, unary operators and conditionals being parsed
  int stmt_depth_ = 0;  // nested `if` statements being parsed

  const Token& peek(size_t k = 0) const { return t_[std::min(pos_ + k, t_.size() - 1)]; }
  bool at(Tok k) const { return peek().kind == k; }
  bool at_word(const char* w) const { return at(Tok::Ident) && peek().text == w; }
  bool starts_line() const {
    if (pos_ == 0) return true;
    const Token& prev = t_[pos_ - 1];
    const Token& cur = peek();
    if (!cur.range.valid()) return true;
    return cur.range.file->position(cur.range.begin).line != prev.range.file->position(prev.range.begin).line;
  }
  Token take() {
    Token tok = peek();
    if (pos_ < t_.size() - 1) ++pos_;
    return tok;
  }
  bool accept(Tok k) {
    if (!at(k)) return false;
    take();
    return true;
  }
  bool accept_word(const char* w) {
    if (!at_word(w)) return false;
    take();
    return true;
  }
  [[noreturn]] void fail(const std::string& what) {
    const Token& tok = peek();
    std::string found = tok.kind == Tok::Ident ? "'" + tok.text + "'" : token_name(tok.kind);
    if (tok.kind == Tok::Int) found = "number " + tok.text;
    diags_.error(tok.range, "expected " + what + ", found " + found);
    throw SyntaxError{};
  }
  Token expect(Tok k, const std::string& what = "") {
    if (!at(k)) fail(what.empty() ? token_name(k) : what);
    return take();
  }
  Token expect_ident(const std::string& what) {
    if (!at(Tok::Ident)) fail(what);
    return take();
  }
  void expect_word(const char* w) {
    if (!at_word(w)) fail(std::string("'") + w + "'");
    take();
  }
  void skip_semis() {
    while (accept(Tok::Semi)) {
    }
  }

  void declaration(Spec& spec) {
    skip_semis();
    if (at(Tok::End)) return;
    const Token& tok = peek();
    if (tok.kind != Tok::Ident || !kTopKeywords.count(tok.text))
      fail("a declaration (spec, include, const, enum, endpoint, ghost, segment, network, faults, call, recv, "
           "timeout, invariant, stuck, reachable, eventually, leadsto, lemma, expect, monitor, fair, override, remove)");
    std::string w = tok.text;
    if (w == "include") {
      SourceRange r = take().range;
      Token path = expect(Tok::String, "a file name in quotes");
      spec.includes.push_back({path.text, join(r, path.range)});
    } else if (w == "remove") {
      const SourceRange first = take().range;
      if (accept_word("fair")) {  // `remove fair network` / `remove fair RULE`
        Token name = expect_ident("'network' or a rule name");
        spec.removals.push_back({name.text, join(first, name.range), true});
      } else {
        Token name = expect_ident("the name of an included rule, property, lemma or monitor");
        spec.removals.push_back({name.text, name.range});
      }
    } else if (w == "override") {
      take();
      if (at_word("const")) {
        declaration(spec);
        spec.consts.back().is_override = true;
      } else if (at_word("call") || at_word("recv") || at_word("timeout")) {
        spec.rules.push_back(rule());
        spec.rules.back().is_override = true;
      } else if (at_word("invariant") || at_word("stuck") || at_word("reachable") || at_word("coverage") ||
                 at_word("eventually") || at_word("leadsto")) {
        spec.properties.push_back(property(true));
      } else if (at_word("lemma")) {
        spec.lemmas.push_back(lemma(true));
      } else if (at_word("monitor")) {
        spec.monitors.push_back(monitor());
        spec.monitors.back().is_override = true;
      } else {
        fail("const, call, recv, timeout, invariant, stuck, reachable, eventually, leadsto, coverage, lemma or monitor "
             "after 'override'");
      }
    } else if (w == "spec") {
      take();
      Token name = expect_ident("a spec name");
      spec.name = name.text;
      spec.name_range = name.range;
      if (at(Tok::String)) spec.description = take().text;
    } else if (w == "const") {
      take();
      ConstDecl c;
      Token name = expect_ident("a constant name");
      c.name = name.text;
      c.range = name.range;
      expect(Tok::Eq, "'='");
      c.value = expr();
      spec.consts.push_back(std::move(c));
    } else if (w == "enum") {
      take();
      EnumDecl e;
      Token name = expect_ident("an enum name");
      e.name = name.text;
      e.range = name.range;
      expect(Tok::LBrace);
      while (!at(Tok::RBrace)) {
        Token m = expect_ident("an enum member");
        e.members.emplace_back(m.text, m.range);
        if (!accept(Tok::Comma)) break;
      }
      expect(Tok::RBrace, "',' or '}'");
      spec.enums.push_back(std::move(e));
    } else if (w == "endpoint" || w == "ghost") {
      SourceRange r = take().range;
      if (w == "endpoint") spec.endpoint_range = r;
      expect(Tok::LBrace);
      var_block(w == "endpoint" ? spec.endpoint_vars : spec.global_vars, w == "ghost", w == "endpoint");
    } else if (w == "segment") {
      spec.segment_range = take().range;
      expect(Tok::LBrace);
      while (true) {
        skip_semis();
        if (accept_word("flags")) {
          do {
            Token f = expect_ident("a flag name");
            spec.flags.emplace_back(f.text, f.range);
          } while (accept(Tok::Comma));
          continue;
        }
        if (at(Tok::RBrace)) break;
        spec.segment_fields.push_back(var_decl(false, false));
      }
      expect(Tok::RBrace);
    } else if (w == "network" || w == "faults") {
      SourceRange r = take().range;
      if (w == "network") spec.network_range = r;
      settings(w == "network" ? spec.network : spec.faults);
    } else if (w == "call" || w == "recv" || w == "timeout") {
      spec.rules.push_back(rule());
    } else if (w == "monitor") {
      spec.monitors.push_back(monitor());
    } else if (w == "fair") {
      spec.fairness.push_back(fairness());
    } else if (w == "lemma") {
      spec.lemmas.push_back(lemma());
    } else if (w == "expect") {
      // `expect figure5 covered`: the pseudo-property figure5_coverage, expected to hold
      Property p;
      p.kind = Property::Kind::Coverage;
      const SourceRange first = take().range;
      expect_word("figure5");
      Token last = peek();
      expect_word("covered");
      p.name = ir::kFigure5CoverageName;
      p.range = p.name_range = join(first, last.range);
      p.expect_hold = true;
      spec.properties.push_back(std::move(p));
    } else {
      spec.properties.push_back(property());
    }
  }


  void var_block(std::vector<VarDecl>& out, bool all_ghost, bool allow_timers) {
    while (true) {
      skip_semis();
      if (at(Tok::RBrace) || at(Tok::End)) break;
      out.push_back(var_decl(all_ghost, allow_timers));
    }
    expect(Tok::RBrace);
  }

  VarDecl var_decl(bool ghost, bool allow_timers) {
    VarDecl v;
    v.ghost = ghost;
    if (at_word("ghost") && peek(1).kind == Tok::Ident) {
      take();
      v.ghost = true;
    }
    if (at_word("timer") && peek(1).kind == Tok::Ident) {
      SourceRange tr = take().range;
      Token name = take();
      v.name = name.text;
      v.range = name.range;
      v.is_timer = true;
      if (!allow_timers) diags_.error(tr, "timers are declared in the endpoint block");
      return v;
    }
    Token name = expect_ident("a variable name");
    v.name = name.text;
    v.range = name.range;
    expect(Tok::Colon, "':' and a type");
    v.type = type_expr();
    if (accept(Tok::Eq)) v.init = expr();
    return v;
  }

  TypeExpr type_expr() {
    TypeExpr t;
    SourceRange start = peek().range;
    ExprPtr lo = additive();
    if (accept(Tok::DotDot)) {
      t.kind = TypeExpr::Kind::Range;
      t.hi = additive();
      t.range = join(start, t.hi->range);
      t.lo = std::move(lo);
      return t;
    }
    if (lo->kind != Expr::Kind::Name) {
      diags_.error(lo->range, "expected a type (bool, seq, an enum name, or LO..HI)");
      throw SyntaxError{};
    }
    t.kind = TypeExpr::Kind::Named;
    t.name = lo->name;
    t.range = lo->range;
    return t;
  }

  void settings(std::vector<Setting>& out) {
    expect(Tok::LBrace);
    while (true) {
      skip_semis();
      if (at(Tok::RBrace) || at(Tok::End)) break;
      Setting s;
      Token name = expect_ident("a setting name");
      s.name = name.text;
      s.range = name.range;
      expect(Tok::Eq, "'='");
      s.value = expr();
      out.push_back(std::move(s));
      accept(Tok::Comma);
    }
    expect(Tok::RBrace);
  }

  std::vector<std::pair<std::string, SourceRange>> name_list() {
    std::vector<std::pair<std::string, SourceRange>> out;
    do {
      Token s = expect_ident("a state name");
      out.emplace_back(s.text, s.range);
    } while (accept(Tok::Comma));
    return out;
  }

  Rule rule() {
    Rule r;
    Token kw = take();
    r.kind = kw.text == "call" ? Rule::Kind::Call : kw.text == "recv" ? Rule::Kind::Recv : Rule::Kind::Timeout;
    Token name = expect_ident("a rule name");
    r.name = name.text;
    r.name_range = name.range;
    r.range = join(kw.range, name.range);
    if (r.kind == Rule::Kind::Call) {
      if (accept(Tok::LParen)) {
        while (!at(Tok::RParen)) {
          Param p;
          Token pn = expect_ident("a parameter name");
          p.name = pn.text;
          p.range = pn.range;
          expect(Tok::Colon, "':' and a type");
          p.type = type_expr();
          r.params.push_back(std::move(p));
          if (!accept(Tok::Comma)) break;
        }
        expect(Tok::RParen, "',' or ')'");
      }
    } else if (r.kind == Rule::Kind::Recv) {
      expect(Tok::LParen, "'(' and the segment's name, as in 'recv NAME(s)'");
      Param p;
      Token pn = expect_ident("the segment's name");
      p.name = pn.text;
      p.range = pn.range;
      r.params.push_back(std::move(p));
      expect(Tok::RParen);
    } else {
      expect_word("on");
      Token tn = expect_ident("a timer name");
      r.timer = tn.text;
      r.timer_range = tn.range;
    }
    if (accept_word("before")) {
      Token b = expect_ident("the name of the rule this one goes before");
      r.before = b.text;
      r.before_range = b.range;
    }
    if (accept_word("in")) r.states = name_list();
    if (accept_word("when")) r.guard = expr();
    r.body = block();
    return r;
  }

  // monitor NAME on any|call|timeout|recv(s)|send(o) [in STATES] [when COND] { BODY }
  Monitor monitor() {
    Monitor mo;
    Token kw = take();
    Token name = expect_ident("a monitor name");
    mo.name = name.text;
    mo.name_range = name.range;
    mo.range = join(kw.range, name.range);
    expect_word("on");
    static const std::vector<std::string> events = {"any", "call", "recv", "timeout", "send"};
    Token ev = expect_ident("an event (any, call, recv(s), timeout or send(o))");
    mo.event_range = ev.range;
    if (ev.text == "any") {
      mo.event = Monitor::Event::Any;
    } else if (ev.text == "call") {
      mo.event = Monitor::Event::Call;
    } else if (ev.text == "timeout") {
      mo.event = Monitor::Event::Timeout;
    } else if (ev.text == "recv" || ev.text == "send") {
      mo.event = ev.text == "recv" ? Monitor::Event::Recv : Monitor::Event::Send;
      const std::string example = ev.text == "recv" ? "recv(s)" : "send(o)";
      expect(Tok::LParen, "'(' and the segment's name, as in '" + example + "'");
      Token sn = expect_ident("the segment's name, as in '" + example + "'");
      mo.seg_name = sn.text;
      mo.seg_range = sn.range;
      Token close = expect(Tok::RParen, "')'");
      mo.event_range = join(ev.range, close.range);
    } else {
      diags_.error(ev.range, with_suggestion("unknown event '" + ev.text + "' (any, call, recv(s), timeout or send(o))",
                                             ev.text, events));
      throw SyntaxError{};
    }
    if (accept_word("in")) mo.states = name_list();
    if (accept_word("when")) mo.guard = expr();
    mo.body = block();
    return mo;
  }

  std::vector<StmtPtr> block() {
    expect(Tok::LBrace, "'{'");
    std::vector<StmtPtr> out;
    while (true) {
      skip_semis();
      if (at(Tok::RBrace) || at(Tok::End)) break;
      out.push_back(statement());
    }
    expect(Tok::RBrace, "'}'");
    return out;
  }

  StmtPtr statement() {
    auto s = std::make_unique<Stmt>();
    Token first = peek();
    s->range = first.range;
    if (accept_word("goto")) {
      s->kind = Stmt::Kind::Goto;
      Token n = expect_ident("a state name");
      s->name = n.text;
      s->name_range = n.range;
    } else if (accept_word("send")) {
      s->kind = Stmt::Kind::Send;
      if (at(Tok::Ident)) {
        do {
          Token f = expect_ident("a flag name");
          s->flags.emplace_back(f.text, f.range);
        } while (accept(Tok::Pipe));
      }
      expect(Tok::LParen, "'(' and the segment's fields");
      while (!at(Tok::RParen)) {
        FieldInit fi;
        Token fn = expect_ident("a segment field name");
        fi.name = fn.text;
        fi.range = fn.range;
        expect(Tok::Eq, "'='");
        fi.value = expr();
        s->fields.push_back(std::move(fi));
        if (!accept(Tok::Comma)) break;
      }
      expect(Tok::RParen, "',' or ')'");
    } else if (at_word("timer") && peek(1).kind == Tok::Ident) {
      take();
      s->kind = Stmt::Kind::TimerStart;
      Token n = take();
      s->name = n.text;
      s->name_range = n.range;
      expect(Tok::Assign, "':='");
      s->value = expr();
    } else if (at_word("stop") && peek(1).kind == Tok::Ident) {
      take();
      s->kind = Stmt::Kind::TimerStop;
      Token n = take();
      s->name = n.text;
      s->name_range = n.range;
    } else if (at_word("if")) {
      if (stmt_depth_ >= kMaxNesting) {
        diags_.error(peek().range, kNestingNote);
        throw SyntaxError{};
      }
      take();
      ++stmt_depth_;
      struct Leave {
        int& d;
        ~Leave() { --d; }
      } leave{stmt_depth_};
      s->kind = Stmt::Kind::If;
      s->value = expr();
      s->then_body = block();
      if (accept_word("else")) {
        if (at_word("if")) {
          s->else_body.push_back(statement());
        } else {
          s->else_body = block();
        }
      }
    } else if (at(Tok::Ident) && peek(1).kind == Tok::Assign) {
      s->kind = Stmt::Kind::Assign;
      Token n = take();
      s->name = n.text;
      s->name_range = n.range;
      take();
      s->value = expr();
    } else if (at(Tok::Ident) && peek(1).kind == Tok::Dot && peek(2).kind == Tok::Ident &&
               peek(3).kind == Tok::Assign) {  // `self.x := ...`
      s->kind = Stmt::Kind::Assign;
      Token b = take();
      s->base = b.text;
      s->base_range = b.range;
      take();
      Token n = take();
      s->name = n.text;
      s->name_range = n.range;
      take();
      s->value = expr();
    } else if (at(Tok::Ident) && peek(1).kind == Tok::Eq) {
      Token n = peek();
      diags_.error(peek(1).range, "'=' is not an assignment; write '" + n.text + " := ...'");
      throw SyntaxError{};
    } else {
      fail("a statement (NAME := EXPR, goto, send, timer, stop, if)");
    }
    return s;
  }

  // `fair weak R1, R2` | `fair strong R1, R2` | `fair network`
  Fairness fairness() {
    Fairness f;
    const SourceRange first = take().range;
    Token kw = peek();
    if (accept_word("network")) {
      f.kind = Fairness::Kind::Network;
      f.range = join(first, kw.range);
      return f;
    }
    if (accept_word("weak")) {
      f.kind = Fairness::Kind::Weak;
    } else if (accept_word("strong")) {
      f.kind = Fairness::Kind::Strong;
    } else {
      fail("'weak', 'strong' or 'network' after 'fair'");
    }
    SourceRange last = kw.range;
    do {
      Token r = expect_ident("a rule name");
      f.rules.emplace_back(r.text, r.range);
      last = r.range;
    } while (accept(Tok::Comma));
    f.range = join(first, last);
    return f;
  }

  Property property(bool is_override = false) {
    Property p;
    p.is_override = is_override;
    Token kw = take();
    p.kind = kw.text == "invariant"    ? Property::Kind::Invariant
             : kw.text == "stuck"      ? Property::Kind::Stuck
             : kw.text == "reachable"  ? Property::Kind::Reachable
             : kw.text == "eventually" ? Property::Kind::Eventually
             : kw.text == "leadsto"    ? Property::Kind::LeadsTo
                                       : Property::Kind::Coverage;  // only after `override`
    Token name = expect_ident("a property name");
    p.name = name.text;
    p.name_range = name.range;
    p.range = join(kw.range, name.range);
    expect_word("expect");
    if (accept_word("hold")) {
      p.expect_hold = true;
    } else if (accept_word("violation")) {
      p.expect_hold = false;
    } else {
      fail("'hold' or 'violation'");
    }
    if (accept_word("if")) p.expect_if = expr();  // a condition on constants (checked by the type checker)
    if (p.kind == Property::Kind::Coverage) {
      if (at(Tok::Colon)) {
        diags_.error(peek().range, "a coverage property has no expression: it is judged from the edges reached");
        throw SyntaxError{};
      }
      return p;
    }
    if (is_override && !at(Tok::Colon)) return p;  // only the expectation changes
    expect(Tok::Colon, "':'");
    const SourceRange first = peek().range;
    p.expr = expr();
    if (p.kind == Property::Kind::LeadsTo) {  // `P ~> Q`: expr is Q, trigger P
      expect(Tok::LeadsTo, "'~>' (leadsto: P ~> Q)");
      p.trigger = std::move(p.expr);
      p.expr = expr();
    } else if (at(Tok::LeadsTo)) {
      diags_.error(peek().range, "'~>' belongs to a leadsto property: write 'leadsto " + p.name + " expect ...: P ~> Q'");
      throw SyntaxError{};
    }
    p.expr_range = join(first, t_[pos_ - 1].range);
    return p;
  }

  // `lemma NAME: EXPR` (also after `override`, with the expression required): an invariant that
  // expects to hold, with no expectation to write.
  Property lemma(bool is_override = false) {
    Property p;
    p.is_override = is_override;
    p.kind = Property::Kind::Invariant;
    Token kw = take();
    Token name = expect_ident("a lemma name");
    p.name = name.text;
    p.name_range = name.range;
    p.range = join(kw.range, name.range);
    if (at_word("expect")) {
      diags_.error(peek().range, "a lemma has no expectation (it is proved, then assumed): write 'lemma " + p.name +
                                     ": EXPR'");
      throw SyntaxError{};
    }
    expect(Tok::Colon, "':' and the lemma's expression");
    const SourceRange first = peek().range;
    p.expr = expr();
    p.expr_range = join(first, t_[pos_ - 1].range);
    return p;
  }

  // ---- expressions ----
  ExprPtr make(Expr::Kind k, SourceRange r) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->range = r;
    return e;
  }
  [[noreturn]] void too_deep(SourceRange r) {
    auto& d = diags_.error(r, "expression nested too deeply");
    d.notes.push_back({r, kNestingNote});
    throw SyntaxError{};
  }
  // Left-associative chains (and member chains) are built by loops, not recursion: every node
  // records the height of its subtree, bounded here, so that later recursive passes stay within
  // the stack.
  void set_depth(Expr& e) {
    int d = 0;
    for (const auto& a : e.args) d = std::max(d, a->depth);
    e.depth = d + 1;
    if (e.depth > kMaxNesting) too_deep(e.range);
  }
  ExprPtr binary(std::string op, ExprPtr l, ExprPtr r) {
    auto e = make(Expr::Kind::Binary, join(l->range, r->range));
    e->name = std::move(op);
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    set_depth(*e);
    return e;
  }

  // Bounds the parser's own recursion: one level per parenthesis, unary operator, conditional,
  // set or call being parsed (the token at peek() is the one that opens the new level).
  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& p_) : p(p_) {
      if (p.depth_ >= kMaxNesting) p.too_deep(p.peek().range);
      ++p.depth_;
    }
    ~DepthGuard() { --p.depth_; }
  };

 public:
  ExprPtr expr() {
    ExprPtr l = or_expr();
    if (at(Tok::Arrow)) {  // right-associative: recursion, one level per '->'
      DepthGuard g(*this);
      take();
      return binary("->", std::move(l), expr());
    }
    return l;
  }

 private:
  ExprPtr or_expr() {
    ExprPtr l = and_expr();
    while (accept(Tok::OrOr)) l = binary("||", std::move(l), and_expr());
    return l;
  }
  ExprPtr and_expr() {
    ExprPtr l = cmp_expr();
    while (accept(Tok::AndAnd)) l = binary("&&", std::move(l), cmp_expr());
    return l;
  }
  ExprPtr cmp_expr() {
    ExprPtr l = additive();
    if (at_word("in") && peek(1).kind == Tok::LBrace) {
      take();
      DepthGuard g(*this);
      take();
      auto e = make(Expr::Kind::InSet, l->range);
      e->args.push_back(std::move(l));
      while (!at(Tok::RBrace)) {
        e->args.push_back(expr());
        if (!accept(Tok::Comma)) break;
      }
      Token close = expect(Tok::RBrace, "',' or '}'");
      e->range = join(e->range, close.range);
      set_depth(*e);
      return e;
    }
    static const std::pair<Tok, const char*> ops[] = {{Tok::EqEq, "=="}, {Tok::NotEq, "!="}, {Tok::Lt, "<"},
                                                      {Tok::Le, "<="},   {Tok::Gt, ">"},     {Tok::Ge, ">="}};
    for (auto [k, name] : ops) {
      if (accept(k)) {
        ExprPtr r = additive();
        ExprPtr e = binary(name, std::move(l), std::move(r));
        for (auto [k2, n2] : ops)
          if (at(k2)) {
            diags_.error(peek().range, "comparisons do not chain; use '&&'");
            throw SyntaxError{};
          }
        return e;
      }
    }
    if (at(Tok::Eq)) {
      diags_.error(peek().range, "'=' is not a comparison; use '=='");
      throw SyntaxError{};
    }
    return l;
  }
  ExprPtr additive() {
    ExprPtr l = multiplicative();
    while (at(Tok::Plus) || at(Tok::Minus)) {
      std::string op = take().kind == Tok::Plus ? "+" : "-";
      l = binary(op, std::move(l), multiplicative());
    }
    return l;
  }
  ExprPtr multiplicative() {
    ExprPtr l = unary();
    while (at(Tok::Star) || at(Tok::Slash) || at(Tok::Percent)) {
      Tok k = take().kind;
      l = binary(k == Tok::Star ? "*" : k == Tok::Slash ? "/" : "%", std::move(l), unary());
    }
    return l;
  }
  ExprPtr unary() {
    if (at(Tok::Bang) || at(Tok::Minus)) {
      DepthGuard g(*this);
      Token op = take();
      ExprPtr x = unary();
      auto e = make(Expr::Kind::Unary, join(op.range, x->range));
      e->name = op.kind == Tok::Bang ? "!" : "-";
      e->args.push_back(std::move(x));
      set_depth(*e);
      return e;
    }
    return postfix();
  }
  ExprPtr postfix() {
    ExprPtr e = primary();
    while (accept(Tok::Dot)) {
      Token f = expect_ident("a field name");
      auto fe = make(Expr::Kind::Field, join(e->range, f.range));
      fe->name = f.text;
      fe->name_range = f.range;
      fe->args.push_back(std::move(e));
      set_depth(*fe);
      e = std::move(fe);
    }
    return e;
  }
  ExprPtr primary() {
    const Token& tok = peek();
    if (tok.kind == Tok::Int) {
      Token t = take();
      auto e = make(Expr::Kind::Int, t.range);
      e->value = t.value;
      return e;
    }
    if (at(Tok::LParen)) {
      DepthGuard g(*this);
      take();
      ExprPtr e = expr();
      expect(Tok::RParen, "')'");
      return e;
    }
    if (tok.kind == Tok::Ident) {
      if (tok.text == "true" || tok.text == "false") {
        Token t = take();
        auto e = make(Expr::Kind::Bool, t.range);
        e->value = t.text == "true";
        return e;
      }
      if (tok.text == "if") {
        DepthGuard g(*this);
        Token t = take();
        auto e = make(Expr::Kind::IfThenElse, t.range);
        e->args.push_back(expr());
        expect_word("then");
        e->args.push_back(expr());
        expect_word("else");
        e->args.push_back(expr());
        e->range = join(e->range, e->args.back()->range);
        set_depth(*e);
        return e;
      }
      if (tok.text == "forall" && peek(1).kind == Tok::Ident) return forall();
      Token t = take();
      if (at(Tok::LParen)) {
        DepthGuard g(*this);
        take();
        auto e = make(Expr::Kind::Call, t.range);
        e->name = t.text;
        e->name_range = t.range;
        while (!at(Tok::RParen)) {
          e->args.push_back(expr());
          if (!accept(Tok::Comma)) break;
        }
        Token close = expect(Tok::RParen, "',' or ')'");
        e->range = join(e->range, close.range);
        set_depth(*e);
        return e;
      }
      auto e = make(Expr::Kind::Name, t.range);
      e->name = t.text;
      e->name_range = t.range;
      return e;
    }
    fail("an expression");
  }
  // `forall s in flight(X): body`: body holds for every segment s in flight from X (the body
  // extends as far as an expression can, like `if then else`).
  ExprPtr forall() {
    DepthGuard g(*this);
    Token t = take();
    auto e = make(Expr::Kind::Forall, t.range);
    Token var = expect_ident("a name for the segment");
    e->name = var.text;
    e->name_range = var.range;
    expect_word("in");
    expect_word("flight");
    expect(Tok::LParen, "'('");
    Token who = expect_ident("the sending endpoint, A or B");
    auto w = make(Expr::Kind::Name, who.range);
    w->name = who.text;
    w->name_range = who.range;
    e->args.push_back(std::move(w));
    expect(Tok::RParen, "')'");
    expect(Tok::Colon, "':'");
    e->args.push_back(expr());
    e->range = join(e->range, e->args.back()->range);
    set_depth(*e);
    return e;
  }
};

}  // namespace

ast::Spec parse_spec(const SourceFile& file, Diagnostics& diags) {
  Parser p(lex(file, diags), diags);
  ast::Spec spec = p.parse();
  spec.path = file.path();
  return spec;
}

}  // namespace tcpmc
