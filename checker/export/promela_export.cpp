#include "promela_export.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "compiled_system.hpp"
#include "state_layout.hpp"

namespace tcpmc {
namespace {

using Op = ir::Expr::Op;
using Kind = ir::Rule::Kind;

// The narrowest Promela integer type that holds lo..hi.
std::string promela_type(int64_t lo, int64_t hi) {
  if (lo >= 0 && hi <= 255) return "byte";
  if (lo >= -32768 && hi <= 32767) return "short";
  return "int";
}

std::string number(int64_t v) { return v < 0 ? "(" + std::to_string(v) + ")" : std::to_string(v); }

const char* kEp[2] = {"A", "B"};
const char* kChan[2] = {"ab", "ba"};  // the channel a segment travels in, by sender

// One rule instance (or monitor) being written: its endpoint, the firing rule, the parameter
// values of this option, the segment that SegField reads, and whether loads read the state
// before the transition (old()).
struct Ctx {
  int ep = -1;
  int rule = -1;
  const std::vector<int64_t>* params = nullptr;
  std::string seg;
  bool old = false;
};

class PromelaWriter {
 public:
  PromelaWriter(const ir::Model& m, const ir::FaultBudget& f, bool hidden) : m_(m), f_(f), hidden_(hidden) {
    mask_ = m.seq_bits > 0 ? (int64_t{1} << m.seq_bits) - 1 : 1;
    for (const auto& mo : m.monitors)
      if (mo.event == ir::Monitor::Event::Send) record_sent_ = true;
  }

  std::string write(const std::vector<uint8_t>& selected, const std::string& note) {
    header(note, selected);
    declarations(selected);
    helpers();
    o_ << "active proctype tcp() {\nend_loop:\n  do\n";
    for (size_t r = 0; r < m_.rules.size(); ++r)
      if (m_.rules[r].kind == Kind::Call)
        for (int ep = 0; ep < 2; ++ep) calls(static_cast<int>(r), ep);
    for (int ep = 0; ep < 2; ++ep)
      for (int pos = 0; pos < (f_.reorder ? m_.capacity : 1); ++pos) arrival(ep, pos);
    for (size_t r = 0; r < m_.rules.size(); ++r)
      if (m_.rules[r].kind == Kind::Timeout)
        for (int ep = 0; ep < 2; ++ep) timeout(static_cast<int>(r), ep);
    for (int c = 0; c < 2; ++c)
      for (int pos = 0; pos < m_.capacity; ++pos) faults(c, pos);
    tick();
    properties(selected);
    return o_.str();
  }

 private:
  const ir::Model& m_;
  ir::FaultBudget f_;
  int64_t mask_;
  bool record_sent_ = false;  // some monitor observes every segment sent
  // Scratch declared hidden (outside the state vector); else in it, and zeroed at the end of
  // every d_step that touched it (touched_), so that it is 0 in every stored state.
  bool hidden_ = true;
  std::set<std::string> touched_;
  std::ostringstream o_;

  std::string hid() const { return hidden_ ? "hidden " : ""; }
  void touch(const std::string& scratch) { touched_.insert(scratch); }
  // Closes a transition's d_step; without hidden scratch, first zeroes what it touched.
  void end_dstep() {
    for (const auto& t : touched_) {
      if (hidden_) break;  // nothing to zero
      if (t.rfind("o_chan:", 0) == 0) {
        const std::string ch = "o_" + t.substr(7);
        o_ << "     " << ch << "_n = 0;";
        for (int k = 0; k < m_.capacity; ++k) o_ << " zero_seg(" << ch << "[" << k << "]);";
        o_ << "\n";
      } else if (t == "sg" || t == "out" || t == "tmp") {
        o_ << "     zero_seg(" << t << ");\n";
      } else if (t == "sent") {
        for (int k = 0; k < kMaxSends; ++k) o_ << "     zero_seg(sent[" << k << "]);\n";
      } else {
        o_ << "     " << t << " = 0;\n";
      }
    }
    touched_.clear();
    o_ << "     }\n";
  }

  int nfields() const { return static_cast<int>(m_.seg_fields.size()); }
  std::string field(int f) const { return "f_" + m_.seg_fields[f].name; }
  std::string var(int ep, int v) const { return std::string(kEp[ep]) + "_" + m_.endpoint_vars[v].name; }
  std::string global(int g) const { return "g_" + m_.global_vars[g].name; }
  std::string timer(int ep, int t) const { return std::string(kEp[ep]) + "_t_" + m_.timers[t].name; }
  std::string rec(int c, int pos) const { return std::string(kChan[c]) + "[" + std::to_string(pos) + "]"; }
  std::string count(int c) const { return std::string(kChan[c]) + "_n"; }
  static std::string pad(int indent) { return std::string(indent, ' '); }

  // ---- header and declarations ---------------------------------------------------------------
  void header(const std::string& note, const std::vector<uint8_t>& selected) {
    o_ << "/* " << (m_.name.empty() ? m_.path : m_.name) << ": exported by tcpmc\n"
       << " * " << note << "\n"
       << " * faults: loss " << f_.loss_text() << ", dup " << f_.dup << ", reorder " << (f_.reorder ? "on" : "off")
       << "; capacity " << m_.capacity << ", MSL " << m_.msl << ", SEQ_BITS " << m_.seq_bits << "\n"
       << " * Check: spin -o2 -a FILE && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -c0 -m100000000\n"
       << " * (-o2: SPIN must keep write-only ghosts in the state; -c0: go on after a violation, to see\n"
       << " * every property's and the full state count). Stored states equal tcpmc's. Model errors are\n"
       << " * not checked here.\n";
    for (const ir::Property* pr : exported(selected))
      o_ << " * " << ir::property_kind_name(pr->kind) << " " << pr->name << ": an assertion violated " << marker(*pr)
         << (pr->kind == ir::Property::Kind::Reachable ? " is its witness" : " is its counterexample") << "\n";
    for (size_t p = 0; p < m_.properties.size(); ++p)
      if ((selected.empty() || selected[p]) && !exportable(m_.properties[p]))
        o_ << " * not exported (" << ir::property_kind_name(m_.properties[p].kind) << "): " << m_.properties[p].name << "\n";
    o_ << " */\n\n";
  }

  static bool exportable(const ir::Property& p) {
    return p.kind == ir::Property::Kind::Invariant || p.kind == ir::Property::Kind::Stuck ||
           p.kind == ir::Property::Kind::Reachable;
  }

  void declarations(const std::vector<uint8_t>& selected) {
    o_ << "typedef Seg {\n";
    for (int f = 0; f < nfields(); ++f) {
      const auto& t = m_.seg_fields[f].type;
      o_ << "  " << promela_type(t.lo, t.hi) << " " << field(f) << ";\n";
    }
    o_ << "  byte age\n}\n\n";
    std::ostringstream saved;  // each slot's copy: the state before a transition
    auto decl = [&](const std::string& name, int64_t lo, int64_t hi, int64_t init) {
      o_ << promela_type(lo, hi) << " " << name;
      if (init != 0) o_ << " = " << init;
      o_ << ";\n";
      saved << hid() << promela_type(lo, hi) << " o_" << name << ";\n";
    };
    for (int ep = 0; ep < 2; ++ep)
      for (size_t v = 0; v < m_.endpoint_vars.size(); ++v) {
        const auto& x = m_.endpoint_vars[v];
        decl(var(ep, static_cast<int>(v)), x.type.lo, x.type.hi, x.init);
      }
    for (size_t g = 0; g < m_.global_vars.size(); ++g) {
      const auto& x = m_.global_vars[g];
      decl(global(static_cast<int>(g)), x.type.lo, x.type.hi, x.init);
    }
    for (int ep = 0; ep < 2; ++ep)
      for (size_t t = 0; t < m_.timers.size(); ++t)
        decl(timer(ep, static_cast<int>(t)), 0, m_.timers[t].max_duration + kTimerBias, 0);
    o_ << "byte loss_used;  /* losses so far (a full channel's drop included) */\n"
       << "byte dup_used;\n";
    for (int c = 0; c < 2; ++c) {
      o_ << "byte " << count(c) << ";\nSeg " << kChan[c] << "[" << m_.capacity << "];  /* " << kEp[c] << " -> "
         << kEp[1 - c] << " */\n";
      saved << hid() << "byte o_" << count(c) << ";\n" << hid() << "Seg o_" << kChan[c] << "[" << m_.capacity << "];\n";
    }
    o_ << "\n/* scratch" << (hidden_ ? ", outside the state vector" : ", 0 in every stored state") << " */\n" << saved.str()
       << hid() << "Seg sg;    /* the segment taken */\n"
       << hid() << "Seg out;   /* the segment being sent */\n"
       << hid() << "Seg tmp;\n"
       << hid() << "byte i_, j_, ovf, nsent;\n";
    if (record_sent_) o_ << hid() << "Seg sent[" << kMaxSends << "];\n";
    o_ << "\n";
    for (const ir::Property* pr : exported(selected)) o_ << hid() << "byte " << marker(*pr) << ";  /* always 0 */\n";
    o_ << "\n";
  }

  void helpers() {
    o_ << "inline copy_seg(d, s) {\n";
    for (int f = 0; f < nfields(); ++f) o_ << "  d." << field(f) << " = s." << field(f) << ";\n";
    o_ << "  d.age = s.age\n}\n\ninline zero_seg(d) {\n";
    for (int f = 0; f < nfields(); ++f) o_ << "  d." << field(f) << " = 0;\n";
    o_ << "  d.age = 0\n}\n\n";
    // Lexicographic order of (fields..., age), as CompiledSystem::canonicalize sorts.
    std::string less = "(a.age < b.age)";
    for (int f = nfields() - 1; f >= 0; --f)
      less = "(a." + field(f) + " < b." + field(f) + " || (a." + field(f) + " == b." + field(f) + " && " + less + "))";
    o_ << "#define seg_less(a, b) " << less << "\n\n";
    for (int c = 0; c < 2 && f_.reorder; ++c) {
      const std::string ch = kChan[c];
      o_ << "inline sort_" << ch << "() {\n"
         << "  i_ = 1;\n  do\n  :: i_ < " << count(c) << " ->\n"
         << "     copy_seg(tmp, " << ch << "[i_]);\n     j_ = i_;\n"
         << "     do\n     :: j_ > 0 && seg_less(tmp, " << ch << "[j_ - 1]) -> copy_seg(" << ch << "[j_], " << ch
         << "[j_ - 1]); j_--\n     :: else -> break\n     od;\n"
         << "     copy_seg(" << ch << "[j_], tmp);\n     i_++\n  :: else -> break\n  od\n}\n\n";
    }
  }

  // ---- expressions and statements ------------------------------------------------------------
  int who(const ir::Expr& e, const Ctx& c) const {
    if (e.who == ir::Who::A) return 0;
    if (e.who == ir::Who::B) return 1;
    return e.who == ir::Who::Peer ? 1 - c.ep : c.ep;
  }
  std::string load(const std::string& name, const Ctx& c) const { return c.old ? "o_" + name : name; }

  std::string expr(const ir::Expr& e, const Ctx& c) const {
    auto bin = [&](const char* op) { return "(" + expr(e.args[0], c) + " " + op + " " + expr(e.args[1], c) + ")"; };
    const std::string m = std::to_string(mask_), half = std::to_string((mask_ + 1) / 2);
    switch (e.op) {
      case Op::Const: return number(e.value);
      case Op::EpVar: return load(var(who(e, c), e.index), c);
      case Op::GlobalVar: return load(global(e.index), c);
      case Op::SegField: return c.seg + "." + field(e.index);
      case Op::SegAge: return c.seg + ".age";
      case Op::InFlight: {
        // Records are in use from the front, up to the count.
        const int ch = who(e, c);
        std::string all = "(1";
        for (int p = 0; p < m_.capacity; ++p) {
          Ctx at = c;
          at.seg = rec(ch, p);
          all += " && (" + count(ch) + " <= " + std::to_string(p) + " || " + expr(e.args[0], at) + ")";
        }
        return all + ")";
      }
      case Op::Param: return number((*c.params)[e.index]);
      case Op::SelfId: return std::to_string(c.ep);
      case Op::TimerExpired: return "(" + load(timer(who(e, c), e.index), c) + " == " + std::to_string(kTimerExpired) + ")";
      case Op::TimerRunning: return "(" + load(timer(who(e, c), e.index), c) + " >= " + std::to_string(kTimerBias) + ")";
      case Op::FaultsLeft:  // loss_used is not counted under unbounded loss
        return "(" + std::to_string(e.index == 0 ? f_.loss_cap() : f_.dup) + " - " +
               (e.index == 0 ? "loss_used" : "dup_used") + ")";
      case Op::TimerTicksLeft: {
        const std::string t = load(timer(who(e, c), e.index), c), bias = std::to_string(kTimerBias);
        return "((" + t + " >= " + bias + ") -> (" + t + " - " + bias + ") : 0)";
      }
      case Op::Old: {
        Ctx oc = c;
        oc.old = true;
        return expr(e.args[0], oc);
      }
      case Op::RuleIs: return e.index == c.rule ? "1" : "0";
      case Op::Not: return "!(" + expr(e.args[0], c) + ")";
      case Op::Neg: return "(-" + expr(e.args[0], c) + ")";
      case Op::Add: return bin("+");
      case Op::Sub: return bin("-");
      case Op::Mul: return bin("*");
      case Op::Div: return bin("/");
      case Op::Mod: return bin("%");
      case Op::SeqAdd: return "(" + bin("+") + " & " + m + ")";
      case Op::SeqSub: case Op::SeqDist: return "(" + bin("-") + " & " + m + ")";
      case Op::SeqLt: case Op::SeqLe: {
        // a < b iff (b - a) mod 2^n is in 1..half-1; a <= b iff it is below half.
        const std::string d = "((" + expr(e.args[1], c) + " - " + expr(e.args[0], c) + ") & " + m + ")";
        return e.op == Op::SeqLt ? "(" + d + " > 0 && " + d + " < " + half + ")" : "(" + d + " < " + half + ")";
      }
      case Op::Lt: return bin("<");
      case Op::Le: return bin("<=");
      case Op::Eq: return bin("==");
      case Op::Ne: return bin("!=");
      case Op::And: return bin("&&");
      case Op::Or: return bin("||");
      case Op::Implies: return "(!(" + expr(e.args[0], c) + ") || " + expr(e.args[1], c) + ")";
      case Op::Ite:
        return "(" + expr(e.args[0], c) + " -> " + expr(e.args[1], c) + " : " + expr(e.args[2], c) + ")";
    }
    return "0";
  }

  // A stored value: a seq is cut to its bits, as the interpreter's StoreSeq does.
  std::string stored(const ir::Expr& v, const ir::Type& t, const Ctx& c) const {
    return t.kind == ir::Type::Kind::Seq ? "(" + expr(v, c) + " & " + std::to_string(mask_) + ")" : expr(v, c);
  }

  void stmts(const std::vector<ir::Stmt>& body, const Ctx& c, int in) {
    if (body.empty()) o_ << pad(in) << "skip;\n";
    for (const auto& s : body) stmt(s, c, in);
  }

  void stmt(const ir::Stmt& s, const Ctx& c, int in) {
    switch (s.kind) {
      case ir::Stmt::Kind::AssignEp:
        o_ << pad(in) << var(c.ep, s.index) << " = " << stored(s.value, m_.endpoint_vars[s.index].type, c) << ";\n";
        return;
      case ir::Stmt::Kind::AssignGlobal:
        o_ << pad(in) << global(s.index) << " = " << stored(s.value, m_.global_vars[s.index].type, c) << ";\n";
        return;
      case ir::Stmt::Kind::Send: {
        for (int f = 0; f < nfields(); ++f) {
          const ir::Expr* v = nullptr;
          for (const auto& [fi, fe] : s.fields)
            if (fi == f) v = &fe;
          o_ << pad(in) << "out." << field(f) << " = " << (v ? stored(*v, m_.seg_fields[f].type, c) : "0") << ";\n";
        }
        o_ << pad(in) << "out.age = 0;\n";
        touch("out");
        touch("ovf");
        const int ch = c.ep;
        o_ << pad(in) << "if\n" << pad(in) << ":: " << count(ch) << " < " << m_.capacity << " -> copy_seg("
           << kChan[ch] << "[" << count(ch) << "], out); " << count(ch) << "++\n"
           << pad(in) << ":: else -> ovf++  /* a full channel: lost */\n" << pad(in) << "fi;\n";
        if (record_sent_) {
          o_ << pad(in) << "copy_seg(sent[nsent], out); nsent++;\n";
          touch("sent");
          touch("nsent");
        }
        return;
      }
      case ir::Stmt::Kind::TimerStart:
        o_ << pad(in) << timer(c.ep, s.index) << " = " << s.value.value + kTimerBias << ";\n";
        return;
      case ir::Stmt::Kind::TimerStop:
        o_ << pad(in) << timer(c.ep, s.index) << " = " << kTimerStopped << ";\n";
        return;
      case ir::Stmt::Kind::If:
        o_ << pad(in) << "if\n" << pad(in) << ":: " << expr(s.value, c) << " ->\n";
        stmts(s.then_body, c, in + 3);
        o_ << pad(in) << ":: else ->\n";
        stmts(s.else_body, c, in + 3);
        o_ << pad(in) << "fi;\n";
        return;
    }
  }

  // ---- what a transition saves: the slots old() reads, and what it undoes when blocked --------
  // Names of scalar slots (channels are saved whole, by index in `chans`).
  struct SaveSet {
    std::set<std::string> scalars;
    std::set<int> chans;
    void add(const SaveSet& o) {
      scalars.insert(o.scalars.begin(), o.scalars.end());
      chans.insert(o.chans.begin(), o.chans.end());
    }
  };

  void old_reads(const ir::Expr& e, const Ctx& c, bool inside, SaveSet& s) const {
    if (inside) {
      if (e.op == Op::EpVar) s.scalars.insert(var(who(e, c), e.index));
      if (e.op == Op::GlobalVar) s.scalars.insert(global(e.index));
      if (e.op == Op::TimerExpired || e.op == Op::TimerRunning || e.op == Op::TimerTicksLeft) s.scalars.insert(timer(who(e, c), e.index));
    }
    for (const auto& a : e.args) old_reads(a, c, inside || e.op == Op::Old, s);
  }
  void old_reads(const std::vector<ir::Stmt>& body, const Ctx& c, SaveSet& s) const {
    for (const auto& st : body) {
      old_reads(st.value, c, false, s);
      for (const auto& [f, v] : st.fields) old_reads(v, c, false, s);
      old_reads(st.then_body, c, s);
      old_reads(st.else_body, c, s);
    }
  }
  void writes(const std::vector<ir::Stmt>& body, const Ctx& c, SaveSet& s) const {
    for (const auto& st : body) {
      switch (st.kind) {
        case ir::Stmt::Kind::AssignEp: s.scalars.insert(var(c.ep, st.index)); break;
        case ir::Stmt::Kind::AssignGlobal: s.scalars.insert(global(st.index)); break;
        case ir::Stmt::Kind::TimerStart: case ir::Stmt::Kind::TimerStop: s.scalars.insert(timer(c.ep, st.index)); break;
        case ir::Stmt::Kind::Send: s.chans.insert(c.ep); break;
        case ir::Stmt::Kind::If: writes(st.then_body, c, s); writes(st.else_body, c, s); break;
      }
    }
  }
  static bool has_send(const std::vector<ir::Stmt>& body) {
    for (const auto& st : body)
      if (st.kind == ir::Stmt::Kind::Send || has_send(st.then_body) || has_send(st.else_body)) return true;
    return false;
  }
  std::vector<const ir::Monitor*> monitors_of(int rule) const {
    std::vector<const ir::Monitor*> v;
    for (const auto& mo : m_.monitors)
      if (mo.observes(m_.rules[rule].kind)) v.push_back(&mo);
    return v;
  }
  // Whether a full channel can block this rule's firing: it sends, and losses are counted.
  bool blockable(int rule) const { return has_send(m_.rules[rule].body) && !f_.unbounded_loss(); }

  // The save set of rule instance (rule, ep); `extra`: what the transition changes besides the
  // body (the arrival's channel, the timeout's timer).
  SaveSet save_set(int rule, const Ctx& c, const SaveSet& extra) const {
    SaveSet s;
    for (const auto* mo : monitors_of(rule)) {
      old_reads(mo->guard, c, false, s);
      old_reads(mo->body, c, s);
    }
    if (blockable(rule)) {
      writes(m_.rules[rule].body, c, s);
      s.add(extra);
    }
    return s;
  }
  void copy(const SaveSet& s, bool restore, int in) {
    if (!restore) {
      for (const auto& n : s.scalars) touch("o_" + n);
      for (int ch : s.chans) touch(std::string("o_chan:") + kChan[ch]);
    }
    for (const auto& n : s.scalars)
      o_ << pad(in) << (restore ? n + " = o_" + n : "o_" + n + " = " + n) << ";\n";
    for (int ch : s.chans) {
      const std::string a = kChan[ch], b = "o_" + a;
      o_ << pad(in) << (restore ? a + "_n = " + b + "_n" : b + "_n = " + a + "_n") << ";\n";
      for (int k = 0; k < m_.capacity; ++k)
        o_ << pad(in) << "copy_seg(" << (restore ? a : b) << "[" << k << "], " << (restore ? b : a) << "[" << k << "]);\n";
    }
  }

  // The rest of a firing once its guard holds: save (the slots old() reads; when a full channel
  // can block it, what it writes and `extra`), the statements `pre`, the body, the full channel's
  // charge or the undo (of the saved slots and of `presaved`, which the caller saved), the
  // monitors, the canonical order.
  void firing(int rule, const Ctx& c, int in, const SaveSet& extra, const SaveSet& presaved, const std::string& pre) {
    const ir::Rule& r = m_.rules[rule];
    SaveSet save = save_set(rule, c, extra);
    copy(save, false, in);
    if (!pre.empty()) o_ << pad(in) << pre << "\n";
    const bool sends = has_send(r.body);
    if (sends) {
      o_ << pad(in) << "ovf = 0; nsent = 0;\n";
      touch("ovf");
      touch("nsent");
    }
    stmts(r.body, c, in);
    int tail = in;
    if (blockable(rule)) {
      save.add(presaved);
      o_ << pad(in) << "if\n" << pad(in) << ":: loss_used + ovf > " << f_.loss << " ->  /* blocked: undo */\n";
      copy(save, true, in + 3);
      o_ << pad(in) << ":: else ->\n" << pad(in + 3) << "loss_used = loss_used + ovf;\n";
      tail = in + 3;
    }
    for (const auto* mo : monitors_of(rule))
      if (sends || mo->event != ir::Monitor::Event::Send) monitor(*mo, c, tail);  // no segment, no send monitor
    if (sends && f_.reorder) {
      o_ << pad(tail) << "sort_" << kChan[c.ep] << "();\n";
      for (const char* t : {"tmp", "i_", "j_"}) touch(t);
    }
    if (tail != in) o_ << pad(in) << "fi;\n";
    o_ << pad(in) << "skip\n";
  }

  void monitor(const ir::Monitor& mo, const Ctx& c, int in) {
    o_ << pad(in) << "/* monitor " << mo.name << " */\n";
    if (mo.event != ir::Monitor::Event::Send) {
      o_ << pad(in) << "if\n" << pad(in) << ":: " << expr(mo.guard, c) << " ->\n";
      stmts(mo.body, c, in + 3);
      o_ << pad(in) << ":: else -> skip\n" << pad(in) << "fi;\n";
      return;
    }
    Ctx sc = c;
    sc.seg = "sent[i_]";
    touch("i_");
    o_ << pad(in) << "i_ = 0;\n" << pad(in) << "do\n" << pad(in) << ":: i_ < nsent ->\n"
       << pad(in + 3) << "if\n" << pad(in + 3) << ":: " << expr(mo.guard, sc) << " ->\n";
    stmts(mo.body, sc, in + 6);
    o_ << pad(in + 3) << ":: else -> skip\n" << pad(in + 3) << "fi;\n" << pad(in + 3) << "i_++\n"
       << pad(in) << ":: else -> break\n" << pad(in) << "od;\n";
  }

  // ---- the transitions -----------------------------------------------------------------------
  void calls(int rule, int ep) {
    const ir::Rule& r = m_.rules[rule];
    std::vector<int64_t> params;
    for (const auto& p : r.params) params.push_back(p.type.lo);
    for (;;) {
      Ctx c;
      c.ep = ep;
      c.rule = rule;
      c.params = &params;
      o_ << "  :: d_step { /* " << kEp[ep] << ": call " << r.name;
      for (size_t k = 0; k < params.size(); ++k) o_ << (k ? ", " : "(") << r.params[k].name << "=" << params[k];
      o_ << (params.empty() ? "" : ")") << " */\n     " << expr(r.guard, c) << " ->\n";
      firing(rule, c, 5, {}, {}, "");
      end_dstep();
      size_t k = 0;
      while (k < params.size() && ++params[k] > r.params[k].type.hi) params[k] = r.params[k].type.lo, ++k;
      if (k == params.size()) break;
    }
  }

  // Records `pos` and `pos - 1` of channel c are equal (then the one at pos adds no transition).
  std::string same(int c, int p, int q) const {
    std::string s;
    for (int f = 0; f < nfields(); ++f) s += rec(c, p) + "." + field(f) + " == " + rec(c, q) + "." + field(f) + " && ";
    return s + rec(c, p) + ".age == " + rec(c, q) + ".age";
  }
  std::string present(int c, int pos) const {
    std::string s = count(c) + " > " + std::to_string(pos);
    if (pos > 0) s += " && !(" + same(c, pos - 1, pos) + ")";
    return s;
  }
  void remove(int c, int pos, int in) {
    for (int k = pos; k + 1 < m_.capacity; ++k) o_ << pad(in) << "copy_seg(" << rec(c, k) << ", " << rec(c, k + 1) << ");\n";
    o_ << pad(in) << "zero_seg(" << rec(c, m_.capacity - 1) << "); " << count(c) << "--;\n";
  }

  // The TCP states (bit k: state k) where a guard can hold, over-approximated from its `in STATES`
  // and `state == X` conjuncts; every state when it says nothing of them.
  uint64_t guard_states(const ir::Expr& g) const {
    const uint64_t all = ~uint64_t{0};
    switch (g.op) {
      case Op::And: return guard_states(g.args[0]) & guard_states(g.args[1]);
      case Op::Or: return guard_states(g.args[0]) | guard_states(g.args[1]);
      case Op::Eq: {
        const ir::Expr &a = g.args[0], &b = g.args[1];
        if (a.op == Op::EpVar && a.who == ir::Who::Self && a.index == m_.state_var && b.op == Op::Const &&
            b.value >= 0 && b.value < 64)
          return uint64_t{1} << b.value;
        return all;
      }
      default: return all;
    }
  }

  // Arrival at ep of the segment at pos of the channel toward it: one d_step per recv rule, whose
  // guard holds and no earlier rule's does (the first match takes it), and one for an unhandled
  // segment (no rule's guard holds).
  void arrival(int ep, int pos) {
    const int c = 1 - ep;
    // The negated guards of the rules before, with the TCP states where each can hold.
    std::vector<std::pair<uint64_t, std::string>> before;
    auto begin = [&](const std::string& what, uint64_t states, const std::string& guard) {
      o_ << "  :: d_step { /* " << kEp[ep] << " receives the segment at " << pos << ": " << what << " */\n     "
         << present(c, pos) << " &&\n     ";
      for (const auto& [st, negated] : before)  // only those that can hold where this one can
        if (st & states) o_ << negated << " &&\n     ";
      o_ << guard << " ->\n     copy_seg(sg, " << rec(c, pos) << ");\n";
      touch("sg");
    };
    for (size_t r = 0; r < m_.rules.size(); ++r) {
      if (m_.rules[r].kind != Kind::Recv) continue;
      Ctx cx;
      cx.ep = ep;
      cx.rule = static_cast<int>(r);
      cx.seg = rec(c, pos);  // the guard reads the segment in its channel
      const std::string g = expr(m_.rules[r].guard, cx);
      const uint64_t states = guard_states(m_.rules[r].guard);
      begin("recv " + m_.rules[r].name, states, g);
      cx.seg = "sg";
      SaveSet chan;  // saved before the segment leaves it, so that an undo restores it
      chan.chans.insert(c);
      if (blockable(cx.rule)) copy(chan, false, 5);
      remove(c, pos, 5);
      firing(cx.rule, cx, 5, {}, chan, "");
      end_dstep();
      before.emplace_back(states, "!" + (g.front() == '(' ? g : "(" + g + ")"));
    }
    begin("unhandled", ~uint64_t{0}, "1");
    remove(c, pos, 5);
    o_ << "     skip\n";
    end_dstep();
  }

  void timeout(int rule, int ep) {
    const ir::Rule& r = m_.rules[rule];
    Ctx c;
    c.ep = ep;
    c.rule = rule;
    const std::string t = timer(ep, r.timer);
    o_ << "  :: d_step { /* " << kEp[ep] << ": timeout " << r.name << " */\n     " << t << " == " << kTimerExpired
       << " && " << expr(r.guard, c) << " ->\n";
    // Saved while the timer is still expired: old() reads it so, and an undo restores it.
    SaveSet extra;
    extra.scalars.insert(t);
    firing(rule, c, 5, extra, {}, t + " = " + std::to_string(kTimerStopped) + ";");
    end_dstep();
  }

  void faults(int c, int pos) {
    if (f_.unbounded_loss() || f_.loss > 0) {
      o_ << "  :: d_step { /* loss of " << kEp[c] << "'s segment at " << pos << " */\n     "
         << (f_.unbounded_loss() ? "" : "loss_used < " + std::to_string(f_.loss) + " && ") << present(c, pos) << " ->\n";
      remove(c, pos, 5);
      o_ << (f_.unbounded_loss() ? "     skip\n" : "     loss_used++\n");
      end_dstep();
    }
    if (f_.dup > 0 && pos + 1 < m_.capacity) {
      o_ << "  :: d_step { /* duplication of " << kEp[c] << "'s segment at " << pos << " */\n     dup_used < " << f_.dup
         << " && " << count(c) << " < " << m_.capacity << " && " << present(c, pos) << " ->\n";
      for (int k = m_.capacity - 1; k > pos; --k) o_ << "     copy_seg(" << rec(c, k) << ", " << rec(c, k - 1) << ");\n";
      o_ << "     " << count(c) << "++; dup_used++\n";
      end_dstep();
    }
  }

  void tick() {
    std::string expired, running, at_msl;
    for (int ep = 0; ep < 2; ++ep)
      for (size_t t = 0; t < m_.timers.size(); ++t) {
        const std::string n = timer(ep, static_cast<int>(t));
        expired += n + " == " + std::to_string(kTimerExpired) + " || ";
        running += n + " >= " + std::to_string(kTimerBias) + " || ";
      }
    for (int c = 0; c < 2; ++c)
      for (int k = 0; k < m_.capacity; ++k)
        at_msl += "(" + count(c) + " > " + std::to_string(k) + " && " + rec(c, k) + ".age >= " + std::to_string(m_.msl) + ") || ";
    o_ << "  :: d_step { /* tick: not while a timer has expired or a segment is at MSL; only if it changes something */\n"
       << "     !(" << expired << "0) && !(" << at_msl << "0) && (" << running << count(0) << " > 0 || " << count(1)
       << " > 0) ->\n";
    for (int ep = 0; ep < 2; ++ep)
      for (size_t t = 0; t < m_.timers.size(); ++t) {
        const std::string n = timer(ep, static_cast<int>(t));
        o_ << "     if :: " << n << " >= " << kTimerBias << " -> " << n << "-- :: else -> skip fi;\n";
      }
    for (int c = 0; c < 2; ++c)
      for (int k = 0; k < m_.capacity; ++k)
        o_ << "     if :: " << count(c) << " > " << k << " -> " << rec(c, k) << ".age++ :: else -> skip fi;\n";
    o_ << "     skip\n";
    end_dstep();
  }

  // Each exported property has a marker, a hidden byte that is always 0, in its assertion
  // (assert(P || MARKER), assert(MARKER)), so that pan's message names the property it found
  // violated (or reached).
  static std::string marker(const ir::Property& p) {
    switch (p.kind) {
      case ir::Property::Kind::Invariant: return "invariant_" + p.name;
      case ir::Property::Kind::Stuck: return "stuck_" + p.name;
      default: return "reached_" + p.name;
    }
  }
  std::vector<const ir::Property*> exported(const std::vector<uint8_t>& selected) const {
    std::vector<const ir::Property*> v;
    for (size_t p = 0; p < m_.properties.size(); ++p)
      if ((selected.empty() || selected[p]) && exportable(m_.properties[p])) v.push_back(&m_.properties[p]);
    return v;
  }

  // Stuck properties in the loop's `else` (taken where no transition is enabled); invariants
  // and reachable properties in a never claim, one step per state, so that they never enable a
  // transition of the process (which would hide a stuck state from the `else`).
  void properties(const std::vector<uint8_t>& selected) {
    std::string stuck;
    std::vector<std::string> claim;  // one condition per invariant or reachable property
    Ctx c;
    for (const ir::Property* pr : exported(selected)) {
      const std::string e = expr(pr->expr, c);
      switch (pr->kind) {
        case ir::Property::Kind::Invariant: claim.push_back(e + " || " + marker(*pr)); break;
        case ir::Property::Kind::Reachable: claim.push_back("!(" + e + ") || " + marker(*pr)); break;
        default: stuck += "     if :: !(" + e + ") -> assert(" + marker(*pr) + ") :: else -> skip fi;\n"; break;
      }
    }
    // A state without transitions loops here, so that the process never blocks: a blocked system
    // would let the never claim stutter on without end.
    o_ << "  :: d_step { else ->  /* no transition enabled" << (stuck.empty() ? "" : ": stuck properties") << " */\n"
       << stuck << "     skip\n     }\n";
    o_ << "  od\n}\n";
    if (claim.empty()) return;
    o_ << "\n/* invariants and reachable properties, checked in every state */\nnever {\n  do\n";
    if (hidden_) {  // one assertion per property, in one atomic step
      o_ << "  :: atomic {\n";
      for (const auto& a : claim) o_ << "      assert(" << a << ");\n";
      o_ << "      skip\n     }\n";
    } else {  // pan -DBFS takes no atomic in a claim: one assertion, which names every marker
      o_ << "  :: assert(";
      for (size_t i = 0; i < claim.size(); ++i) o_ << (i ? " &&\n       " : "") << "(" << claim[i] << ")";
      o_ << ")\n";
    }
    o_ << "  od\n}\n";
  }
};

}  // namespace

PromelaExport export_promela(const ir::Model& m, const ir::FaultBudget& faults, const PromelaOptions& opts) {
  PromelaExport r;
  if (auto problem = explicit_enumeration_problem(m)) {
    r.error = "cannot export: " + *problem;
    return r;
  }
  if (m.seq_bits > 30) {
    r.error = "cannot export: SEQ_BITS = " + std::to_string(m.seq_bits) +
              ": Promela's arithmetic is C's int, so the export takes sequence numbers of at most 30 bits";
    return r;
  }
  r.text = PromelaWriter(m, faults, opts.hidden_scratch).write(opts.selected, opts.source_note);
  return r;
}

}  // namespace tcpmc
