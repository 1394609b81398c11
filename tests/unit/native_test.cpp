// Native code (checker/native/) against the interpreter it stands in for: random bytecode run
// both ways on random contexts; every reachable state's successors, model errors and property
// values of the unit specs and the shipped specs compared between an interpreting and a native
// system; whole checks compared; a compiler that fails or is missing; the cache of compiled
// models (used only for byte-identical source in a private directory, pruned to its size).
#include <gtest/gtest.h>

#include <stdlib.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <set>

#include "child_process.hpp"
#include "engine_cases.hpp"
#include "json_report.hpp"
#include "native_codegen.hpp"
#include "native_cache.hpp"
#include "native_module.hpp"
#include "test_util.hpp"

namespace tcpmc::test {
namespace {

// ---- random bytecode -------------------------------------------------------------------------

constexpr int kSlots = 24;       // state slots a random program may read (it writes only below kChanCount)
constexpr int kChanCount = 16;   // the count slot of a channel of capacity 2, records of 2 fields + age
constexpr int kChanFields = 2;

// Random programs whose stack depth is the same on every path (as the bytecode compiler makes
// them): straight-line operations, `&&`/`||` chains (Keep jumps) and `if` blocks (JumpIfFalse
// around code that leaves the depth unchanged), ending in Halt.
class RandomProgram {
 public:
  explicit RandomProgram(std::mt19937_64& rng) : rng_(rng) {}
  Code make() {
    Code c;
    code_ = &c;
    block(0, 3);
    if (pick(2)) push_value(0);
    emit({Opc::Halt});
    c.ranges.resize(c.instrs.size());
    c.max_stack = 16;
    return c;
  }

 private:
  std::mt19937_64& rng_;
  Code* code_ = nullptr;

  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  int32_t value() {
    static const int32_t kEdge[] = {0, 1, -1, 2, 3, 7, 8, 255, 65535, INT32_MAX, INT32_MIN, 999999999, -999999999};
    return pick(3) ? kEdge[pick(13)] : static_cast<int32_t>(rng_());
  }
  int32_t mask() {
    static const int32_t kMasks[] = {-1, 7, 15, 0xffff, 0x7fffffff};
    return kMasks[pick(5)];
  }
  void emit(Instr i) { code_->instrs.push_back(i); }
  // Leaves one more value on the stack.
  void push_value(int nesting) {
    const int k = pick(nesting < 3 ? 10 : 5);
    if (k == 0) emit({Opc::Const, value()});
    else if (k == 9) {  // a value near the 64-bit limits, so that the next operation may overflow
      static const int32_t kHuge[] = {INT32_MAX, INT32_MIN, -INT32_MAX};
      emit({Opc::Const, kHuge[pick(3)]});
      emit({Opc::Const, kHuge[pick(3)]});
      emit({Opc::Mul});
      emit({Opc::Const, 2 + pick(3)});
      emit({Opc::Mul});
      if (pick(2)) emit({Opc::Neg});
    }
    else if (k == 1) emit({Opc::Load, pick(kSlots)});
    else if (k == 2) emit({Opc::LoadOld, pick(kSlots)});
    else if (k == 3) emit({Opc::LoadSeg, pick(4)});
    else if (k == 4) emit({Opc::LoadParam, pick(4)});
    else if (k == 5) {  // unary
      push_value(nesting + 1);
      static const Opc kUnary[] = {Opc::Not, Opc::Neg, Opc::Mask, Opc::Check};
      const Opc op = kUnary[pick(4)];
      if (op == Opc::Check) {
        const int32_t a = value(), b = value();
        emit({op, std::min(a, b), std::max(a, b)});
      } else {
        emit({op, 0, op == Opc::Mask ? mask() : 0});
      }
    } else if (k == 6 || k == 7) {  // binary
      push_value(nesting + 1);
      push_value(nesting + 1);
      static const Opc kBinary[] = {Opc::Add, Opc::Sub, Opc::Mul, Opc::Div, Opc::Mod, Opc::SeqAdd, Opc::SeqSub,
                                    Opc::SeqLt, Opc::SeqLe, Opc::Lt, Opc::Le, Opc::Eq, Opc::Ne};
      emit({kBinary[pick(13)], 0, mask()});
    } else {  // a && b or a || b: the first operand kept when it decides
      push_value(nesting + 1);
      const size_t jump = code_->instrs.size();
      emit({pick(2) ? Opc::JumpIfFalseKeep : Opc::JumpIfTrueKeep});
      push_value(nesting + 1);
      code_->instrs[jump].a = static_cast<int32_t>(code_->instrs.size());
    }
  }
  // Statements: each leaves the stack as it found it.
  void block(int nesting, int n) {
    for (int i = 0; i < n; ++i) {
      const int k = pick(nesting < 2 ? 7 : 5);
      if (k == 0 || k == 1) {
        push_value(0);
        int32_t lo = value(), hi = value();
        if (lo > hi) std::swap(lo, hi);
        emit({Opc::Store, pick(kChanCount), pick(2) ? lo : -100, pick(2) ? hi : 100});
      } else if (k == 2) {
        push_value(0);
        emit({Opc::StoreSeq, pick(kChanCount), mask()});
      } else if (k == 3) {
        emit({Opc::TimerSet, pick(kChanCount), value()});
      } else if (k == 4) {
        for (int f = 0; f < kChanFields; ++f) push_value(1);
        emit({Opc::Send, kChanCount, 2, kChanFields});
      } else {  // if COND { block } [else { block }]
        push_value(0);
        const size_t jf = code_->instrs.size();
        emit({Opc::JumpIfFalse});
        block(nesting + 1, 1 + pick(3));
        if (k == 6) {
          const size_t jend = code_->instrs.size();
          emit({Opc::Jump});
          code_->instrs[jf].a = static_cast<int32_t>(code_->instrs.size());
          block(nesting + 1, 1 + pick(2));
          code_->instrs[jend].a = static_cast<int32_t>(code_->instrs.size());
        } else {
          code_->instrs[jf].a = static_cast<int32_t>(code_->instrs.size());
        }
      }
    }
  }
};

struct RunOutcome {
  ExecStatus status;
  int32_t result;
  int error_pc;
  int64_t error_value;
  std::vector<int32_t> state;
  int nsent;
  std::vector<int32_t> sent;
  uint8_t overflow;
  bool operator==(const RunOutcome&) const = default;
};

RunOutcome run_one(const Code& code, NativeCode native, const std::vector<int32_t>& state0,
                   const std::vector<int32_t>& old, const std::vector<int32_t>& seg, const std::vector<int32_t>& params) {
  std::vector<int32_t> state = state0;
  ExecContext ctx;
  ctx.state = state.data();
  ctx.old_state = old.data();
  ctx.seg = seg.data();
  ctx.params = params.data();
  ctx.error_value = 12345;  // untouched by a division by zero, in both
  const ExecStatus st = native ? native(&ctx) : interpret(code, ctx);
  RunOutcome o{st, ctx.result, ctx.error_pc, ctx.error_value, state, ctx.nsent, {}, ctx.overflow};
  for (int i = 0; i < ctx.nsent; ++i) o.sent.insert(o.sent.end(), ctx.sent[i], ctx.sent[i] + kChanFields + 1);
  return o;
}

TEST(Native, RandomBytecodeRunsAsInterpreted) {
  std::mt19937_64 rng(20261203);
  std::vector<Code> codes;
  for (int i = 0; i < 400; ++i) codes.push_back(RandomProgram(rng).make());
  std::vector<const Code*> ptrs;
  for (const Code& c : codes) ptrs.push_back(&c);
  NativeLibrary lib;
  const NativeBuild b = compile_codes(ptrs, lib);
  ASSERT_TRUE(b.ok) << b.error;
  ASSERT_EQ(b.functions, 400);  // every random program has a fixed stack depth: all translated
  int errors[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < codes.size(); ++i) {
    for (int run = 0; run < 40; ++run) {
      static_assert(kSlots >= kChanCount + 1 + 2 * (kChanFields + 1), "the channel's records are state slots");
      std::vector<int32_t> state(kSlots), old(kSlots), seg(4), params(4);
      auto small = [&] { return static_cast<int32_t>(rng() % 7) - 2; };
      auto any = [&] { return rng() % 3 ? small() : static_cast<int32_t>(rng()); };
      for (auto* v : {&state, &old, &seg, &params})
        for (auto& x : *v) x = any();
      state[kChanCount] = static_cast<int32_t>(rng() % 3);  // 0..2 segments in the channel
      const RunOutcome in = run_one(codes[i], nullptr, state, old, seg, params);
      const RunOutcome nat = run_one(codes[i], lib.functions[i], state, old, seg, params);
      ASSERT_EQ(in, nat) << "program " << i << ", run " << run << ": status " << int(in.status) << " against "
                         << int(nat.status) << ", result " << in.result << " against " << nat.result << ", pc "
                         << in.error_pc << " against " << nat.error_pc;
      ++errors[static_cast<int>(in.status)];
    }
  }
  // The programs reach every outcome, so every error path was compared.
  for (int s = 0; s < 4; ++s) EXPECT_GT(errors[s], 200) << "status " << s;
}

// A code whose stack depth differs between two paths is not translated: it stays interpreted.
TEST(Native, CodeWithoutAFixedStackDepthStaysInterpreted) {
  Code bad;
  bad.instrs = {{Opc::Load, 0}, {Opc::JumpIfFalse, 3}, {Opc::Const, 1}, {Opc::Halt}};
  bad.ranges.resize(bad.instrs.size());
  Code good;
  good.instrs = {{Opc::Load, 0}, {Opc::Const, 1}, {Opc::Add}, {Opc::Halt}};
  good.ranges.resize(good.instrs.size());
  const std::string src = native_source({&bad, &good});
  EXPECT_NE(src.find("nullptr, f1,"), std::string::npos) << src;
  NativeLibrary lib;
  const NativeBuild b = compile_codes({&bad, &good}, lib);
  ASSERT_TRUE(b.ok) << b.error;
  EXPECT_EQ(b.functions, 1);
  ASSERT_EQ(lib.functions.size(), 2u);
  EXPECT_EQ(lib.functions[0], nullptr);
  ASSERT_NE(lib.functions[1], nullptr);
  std::vector<int32_t> st = {41};
  ExecContext ctx;
  ctx.state = st.data();
  EXPECT_EQ(lib.functions[1](&ctx), ExecStatus::Ok);
  EXPECT_EQ(ctx.result, 42);
}

// ---- whole systems ---------------------------------------------------------------------------

std::unique_ptr<Loaded> load_case(const Case& c) {
  if (!c.text.empty()) return load(c.text, c.defines);
  auto l = std::make_unique<Loaded>();
  l->spec = load_spec_file(c.path, c.defines, l->diags);
  return l;
}

ir::FaultBudget case_faults(const Case& c, const ir::Model& m) {
  ir::FaultBudget f = m.default_faults;
  if (c.loss != Case::kSpecs) f.loss = c.loss;
  if (c.dup != Case::kSpecs) f.dup = c.dup;
  if (c.reorder != Case::kSpecs) f.reorder = c.reorder == 1;
  return f;
}

struct Step {
  Label label;
  std::vector<int32_t> next;
};

std::vector<Step> successors_of(const CompiledSystem& sys, const std::vector<int32_t>& s, Scratch& sc) {
  std::vector<Step> out;
  sc.has_error = false;
  sys.successors(s.data(), sc, [&](const Label& l, const int32_t* next) {
    out.push_back({l, std::vector<int32_t>(next, next + sys.layout().num_slots())});
  });
  return out;
}

bool same_label(const Label& a, const Label& b, int stride) {
  if (a.kind != b.kind || a.ep != b.ep || a.inst != b.inst || a.pos != b.pos || a.nsent != b.nsent ||
      a.overflow != b.overflow || !std::equal(a.params, a.params + kMaxParams, b.params))
    return false;
  if (a.pos >= 0 && !std::equal(a.seg, a.seg + stride, b.seg)) return false;
  for (int i = 0; i < a.nsent; ++i)
    if (!std::equal(a.sent[i], a.sent[i] + stride, b.sent[i])) return false;
  return true;
}

// Walks the reachable states (the first `limit` in breadth-first order) of the case with the interpreter and compares, in
// each, the native system's successors (labels, next states, order), the model error met, and
// every property's and trigger's value. Returns the states compared.
uint64_t compare_systems(const Case& c, uint64_t limit = 200000) {
  auto l = load_case(c);
  EXPECT_TRUE(l->ok()) << all_messages(l->diags);
  if (!l->ok()) return 0;
  const ir::FaultBudget f = case_faults(c, l->spec->model);
  CompiledSystem in(l->spec->model, f), nat(l->spec->model, f);
  const NativeBuild b = compile_native(nat);
  EXPECT_TRUE(b.ok) << b.error;
  EXPECT_EQ(b.functions, static_cast<int>(nat.codes().size()));  // every code translated
  const int stride = in.layout().seg_stride();
  Scratch si = in.make_scratch(), sn = nat.make_scratch();
  const size_t props = l->spec->model.properties.size();
  // Breadth-first, up to `limit` states, over the interpreter's successors.
  std::set<std::vector<int32_t>> seen;
  std::vector<std::vector<int32_t>> queue(1, std::vector<int32_t>(in.layout().num_slots()));
  in.initial_state(queue[0].data());
  seen.insert(queue[0]);
  uint64_t states = 0;
  auto compare_state = [&](const std::vector<int32_t>& s, const std::vector<Step>& a, const std::vector<Step>& b2) {
    ASSERT_EQ(a.size(), b2.size()) << c.name << ": state " << states;
    for (size_t k = 0; k < a.size(); ++k) {
      ASSERT_TRUE(same_label(a[k].label, b2[k].label, stride)) << c.name << ": state " << states << ", successor " << k;
      ASSERT_EQ(a[k].next, b2[k].next) << c.name << ": state " << states << ", successor " << k;
    }
    ASSERT_EQ(si.has_error, sn.has_error) << c.name;
    if (si.has_error) {
      EXPECT_EQ(describe_model_error(si.error), describe_model_error(sn.error)) << c.name;
      EXPECT_TRUE(same_label(si.error.label, sn.error.label, stride)) << c.name;
    }
    std::vector<uint64_t> wi(in.layout().num_words()), wn(wi.size());
    in.layout().pack(s.data(), wi.data());
    nat.layout().pack(s.data(), wn.data());
    ASSERT_EQ(wi, wn) << c.name << ": the packed state " << states;
    std::vector<int32_t> back(s.size());
    nat.layout().unpack(wn.data(), back.data());
    ASSERT_EQ(back, s) << c.name << ": the unpacked state " << states;
    EXPECT_EQ(si.capacity_blocked, sn.capacity_blocked) << c.name;
    EXPECT_EQ(si.time_frozen, sn.time_frozen) << c.name;
    // Every predicate one by one, and all at once (which answers only when none fails).
    std::vector<uint8_t> one_by_one(2 * props), at_once(2 * props);
    bool failed = false;
    for (size_t p = 0; p < props; ++p) {
      ModelError ei, en;
      const int q = static_cast<int>(p);
      const bool holds = in.property_holds(q, s.data(), &ei);
      ASSERT_EQ(holds, nat.property_holds(q, s.data(), &en)) << c.name << ": property " << p;
      failed |= ei.property >= 0;
      const bool triggered = in.trigger_holds(q, s.data(), &ei);
      ASSERT_EQ(triggered, nat.trigger_holds(q, s.data(), &en)) << c.name << ": trigger " << p;
      failed |= ei.property >= 0;
      one_by_one[2 * p] = holds;
      one_by_one[2 * p + 1] = triggered;
    }
    ASSERT_TRUE(nat.has_native_predicates()) << c.name;
    ASSERT_EQ(nat.all_predicates(s.data(), at_once.data()), !failed) << c.name << ": state " << states;
    if (failed) return;
    for (size_t p = 0; p < props; ++p) {
      // (a property without a predicate of its own, a coverage property, has no value to compare)
      if (l->spec->model.properties[p].kind != ir::Property::Kind::Coverage) {
        ASSERT_EQ(at_once[2 * p], one_by_one[2 * p]) << c.name << ": property " << p << " in state " << states;
      }
      ASSERT_EQ(at_once[2 * p + 1], one_by_one[2 * p + 1]) << c.name << ": trigger " << p << " in state " << states;
    }
  };
  for (; states < queue.size() && states < limit && !::testing::Test::HasFailure(); ++states) {
    const std::vector<int32_t> s = queue[states];
    const auto a = successors_of(in, s, si), b2 = successors_of(nat, s, sn);
    for (const Step& st : a)
      if (seen.insert(st.next).second) queue.push_back(st.next);
    compare_state(s, a, b2);
  }
  return states;
}

TEST(Native, UnitSpecsHaveTheSameSuccessorsInEveryState) {
  uint64_t total = 0;
  for (const Case& c : unit_cases()) {
    const uint64_t n = compare_systems(c);
    EXPECT_GT(n, 1u) << c.name;
    total += n;
  }
  EXPECT_GT(total, 1000u);
}

TEST(Native, ShippedSpecsHaveTheSameSuccessorsInEveryState) {
  for (const Case& c : shipped_cases(reduced_bounds(1, 0, 1))) EXPECT_EQ(compare_systems(c, 20000), 20000u) << c.name;
}

// Packing at 32-bit sequence numbers (slots of 32 bits, seq values held as negative patterns):
// random values of every slot's range pack and unpack natively as they do in StateLayout's loops.
TEST(Native, PackAndUnpackAt32Bits) {
  Diagnostics d;
  auto spec = load_spec_file(std::string(TCPMC_SOURCE_DIR) + "/specs/rfc9293.tcp", {{"SEQ_BITS", 32}}, d);
  ASSERT_TRUE(spec) << format_diagnostics(d);
  CompiledSystem in(spec->model, spec->model.default_faults), nat(spec->model, spec->model.default_faults);
  const NativeBuild b = compile_native(nat);
  ASSERT_TRUE(b.ok) << b.error;
  const StateLayout& L = in.layout();
  int wide = 0;
  for (int i = 0; i < L.num_slots(); ++i) wide += L.slot(i).bits == 32;
  EXPECT_GT(wide, 4);  // the sequence variables
  std::mt19937_64 rng(7);
  for (int run = 0; run < 20000; ++run) {
    std::vector<int32_t> s(L.num_slots());
    for (int i = 0; i < L.num_slots(); ++i) {
      const Slot& sl = L.slot(i);
      const uint64_t span = static_cast<uint64_t>(sl.hi - sl.lo) + 1;
      s[i] = static_cast<int32_t>(static_cast<uint64_t>(sl.lo) + (run % 3 == 0 ? span - 1 : rng() % span));
    }
    std::vector<uint64_t> wi(L.num_words()), wn(L.num_words());
    L.pack(s.data(), wi.data());
    nat.layout().pack(s.data(), wn.data());
    ASSERT_EQ(wi, wn) << "run " << run;
    std::vector<int32_t> ui(s.size()), un(s.size());
    L.unpack(wi.data(), ui.data());
    nat.layout().unpack(wn.data(), un.data());
    ASSERT_EQ(ui, un) << "run " << run;
    ASSERT_EQ(un, s) << "run " << run;
  }
}

// Model errors of every kind (a store out of range, a division by zero, an overflow, a failing
// guard and property) are reported at the same place with the same value.
TEST(Native, ModelErrorsAreTheSame) {
  const std::vector<std::string> texts = {
      "enum S { C }\nendpoint { state: S = C\n  n: 0..1 }\ncall inc when self == A { n := n + 1 }\n",
      "enum S { C }\nendpoint { state: S = C\n  n: 0..1 }\ncall c when 1 / n == 0 { n := 1 }\n",
      "enum S { C }\nendpoint { state: S = C\n  n: 0..1 }\ncall c when 1 % n == 0 { n := 1 }\n",
      "enum S { C, D }\nendpoint {\n  state: S = C\n  x: 999999000..999999999\n}\n"
      "call go in C {\n  if x * x * x > 0 { goto D }\n}\n",
      "enum S { C }\nendpoint { state: S = C\n  n: 0..1 }\ncall c when self == A { n := 1 }\n"
      "invariant p expect hold: 1 / (1 - A.n) >= 0\n",
  };
  for (const auto& text : texts) {
    CheckOptions o;
    o.limits.progress = false;
    auto a = check_text(text, o);
    o.native = true;
    auto b = check_text(text, o);
    ASSERT_TRUE(a && b);
    ASSERT_TRUE(b->native && b->native->ok) << (b->native ? b->native->error : "");
    ASSERT_TRUE(a->exploration.model_error) << text;
    Json ja = spec_json(*a, false), jb = spec_json(*b, false);
    jb.erase("native");
    EXPECT_EQ(json_text(ja), json_text(jb)) << text;
  }
}

// The whole check, natively, gives the same JSON (verdicts, counterexamples, coverage, counts) as
// the interpreter, apart from the `native` record itself.
TEST(Native, ChecksGiveTheSameResults) {
  std::vector<Case> cases = unit_cases();
  for (const Case& c : shipped_cases(reduced_bounds(1, 0, 0))) cases.push_back(c);
  for (const Case& c : cases) {
    auto plain = run_case(c, EngineKind::Explicit);
    auto native = run_case(c, EngineKind::Explicit, 20, true);
    ASSERT_TRUE(plain && native) << c.name;
    ASSERT_TRUE(native->native && native->native->ok) << c.name;
    Json j = spec_json(*native, false);
    j.erase("native");
    EXPECT_EQ(json_text(spec_json(*plain, false)), json_text(j)) << c.name;
  }
}

// ---- a compiler that is missing or fails -----------------------------------------------------

// Sets an environment variable for a scope, and restores it.
class WithEnv {
 public:
  WithEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~WithEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }
  WithEnv(const WithEnv&) = delete;
  WithEnv& operator=(const WithEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// The compiler to run, with no cache (which would load what an earlier test compiled).
class WithCompiler {
 public:
  explicit WithCompiler(const char* cxx) : cxx_("TCPMC_CXX", cxx), cache_("TCPMC_CACHE_DIR", "") {}

 private:
  WithEnv cxx_, cache_;
};

TEST(Native, MissingCompilerLeavesTheSystemInterpreting) {
  WithCompiler w("tcpmc-no-such-compiler");
  CheckOptions o;
  o.limits.progress = false;
  o.native = true;
  auto r = check_text(kHandshakeSpec, o);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->native);
  EXPECT_FALSE(r->native->ok);
  EXPECT_EQ(r->native->error, "no C++ compiler 'tcpmc-no-such-compiler' found");
  for (const Code* c : r->system->codes()) EXPECT_EQ(c->native, nullptr);
  o.native = false;
  auto plain = check_text(kHandshakeSpec, o);
  EXPECT_EQ(r->exploration.states, plain->exploration.states);
}

// The command line: --native reports what it compiled in JSON; without a compiler the check
// warns, interprets, and exits as it would have anyway.
TEST(Native, CommandLineWarnsAndInterpretsWithoutACompiler) {
  char tmpl[] = "/tmp/tcpmc_native_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string spec = std::string(tmpl) + "/handshake.tcp";
  std::ofstream(spec) << kHandshakeSpec;
  const ChildResult plain = run_tcpmc({"check", spec, "--no-progress"});
  const ChildResult native = run_tcpmc({"check", spec, "--no-progress", "--native", "--json", "-"});
  EXPECT_EQ(native.code, plain.code);
  const Json j = Json::parse(native.out, nullptr, false);
  ASSERT_TRUE(j.is_array() && j.size() == 1) << native.out;
  EXPECT_EQ(j[0]["native"]["compiled"], true) << native.out;
  EXPECT_GT(j[0]["native"]["functions"].get<int>(), 10);
  EXPECT_EQ(native.err.find("warning"), std::string::npos) << native.err;
  WithCompiler w("tcpmc-no-such-compiler");
  const ChildResult missing = run_tcpmc({"check", spec, "--no-progress", "--native"});
  EXPECT_EQ(missing.code, plain.code);
  EXPECT_NE(missing.err.find(spec + ": warning: --native: no C++ compiler 'tcpmc-no-such-compiler' found; the spec's "
                                    "code was interpreted instead\n"),
            std::string::npos)
      << missing.err;
  std::filesystem::remove_all(tmpl);
}

TEST(Native, FailingCompilerIsReportedWithItsStatus) {
  WithCompiler w("false");
  NativeLibrary lib;
  Code good;
  good.instrs = {{Opc::Const, 1}, {Opc::Halt}};
  good.ranges.resize(2);
  const NativeBuild b = compile_codes({&good}, lib);
  EXPECT_FALSE(b.ok);
  EXPECT_EQ(b.error, "the C++ compiler 'false' exited with status 1");
  EXPECT_TRUE(lib.functions.empty());
}

// ---- the cache of compiled models -----------------------------------------------------------

Code constant_code(int value) {
  Code c;
  c.instrs = {{Opc::Const, value}, {Opc::Halt}};
  c.ranges.resize(2);
  return c;
}

int entries_in(const std::string& dir, const char* ext) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ext;
  return n;
}

class NativeCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tcpmc_cache_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    env_.emplace("TCPMC_CACHE_DIR", dir_);
    // A first compilation fills the cache: one .cpp (the exact source) and one .so.
    NativeLibrary lib;
    const Code one = constant_code(1);
    const NativeBuild b = compile_codes({&one}, lib);
    ASSERT_TRUE(b.ok) << b.error;
    ASSERT_FALSE(b.cached);
    ASSERT_EQ(entries_in(dir_, ".cpp"), 1);
    ASSERT_EQ(entries_in(dir_, ".so"), 1);
    for (const auto& e : std::filesystem::directory_iterator(dir_))
      (e.path().extension() == ".so" ? so_ : cpp_) = e.path().string();
  }
  void TearDown() override {
    env_.reset();
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
    std::filesystem::remove_all(dir_);
  }
  // Compiles `code` with no compiler available: only the cache can make it succeed.
  NativeBuild without_compiler(const Code& code, NativeLibrary& lib) {
    WithEnv cxx("TCPMC_CXX", "tcpmc-no-such-compiler");
    return compile_codes({&code}, lib);
  }
  std::string dir_, cpp_, so_;
  std::optional<WithEnv> env_;
};

TEST_F(NativeCacheTest, TheSameSourceLoadsWithoutACompiler) {
  NativeLibrary lib;
  const NativeBuild b = without_compiler(constant_code(1), lib);
  ASSERT_TRUE(b.ok) << b.error;
  EXPECT_TRUE(b.cached);
  ASSERT_EQ(lib.functions.size(), 1u);
  ASSERT_NE(lib.functions[0], nullptr);
  ExecContext ctx;
  EXPECT_EQ(lib.functions[0](&ctx), ExecStatus::Ok);
  EXPECT_EQ(ctx.result, 1);
  // Another source is not served from the cache.
  NativeLibrary other;
  const NativeBuild miss = without_compiler(constant_code(2), other);
  EXPECT_FALSE(miss.ok);
  EXPECT_FALSE(miss.cached);
  EXPECT_EQ(miss.error, "no C++ compiler 'tcpmc-no-such-compiler' found");
}

TEST_F(NativeCacheTest, EntriesThatCannotBeTrustedAreNotUsed) {
  const std::string text = read_file(cpp_);
  auto refused = [&](const char* why) {
    NativeLibrary lib;
    const NativeBuild b = without_compiler(constant_code(1), lib);
    EXPECT_FALSE(b.ok) << why;
    EXPECT_FALSE(b.cached) << why;
  };
  // A stored source that differs from this run's by one byte.
  write_file(cpp_, text + " ");
  refused("different source");
  write_file(cpp_, text);
  // A directory others may write to.
  chmod(dir_.c_str(), 0777);
  refused("directory writable by others");
  chmod(dir_.c_str(), 0700);
  // A library others may write to.
  chmod(so_.c_str(), 0666);
  refused("library writable by others");
  chmod(so_.c_str(), 0600);
  // A library that is a symbolic link.
  const std::string moved = dir_ + "/elsewhere.bin";
  ASSERT_EQ(rename(so_.c_str(), moved.c_str()), 0);
  ASSERT_EQ(symlink(moved.c_str(), so_.c_str()), 0);
  refused("symbolic link");
  ASSERT_EQ(unlink(so_.c_str()), 0);
  ASSERT_EQ(rename(moved.c_str(), so_.c_str()), 0);
  // Restored, the entry serves again.
  NativeLibrary lib;
  EXPECT_TRUE(without_compiler(constant_code(1), lib).cached);
}

TEST_F(NativeCacheTest, StoringPrunesTheLeastRecentlyUsedEntries) {
  // Old entries (source and library, dated a day back) beyond the cache's size.
  const int old = NativeCache::kMaxEntries + 5;
  for (int i = 0; i < old; ++i) {
    const std::string base = dir_ + "/old" + std::to_string(i);
    write_file(base + ".cpp", "// old " + std::to_string(i));
    write_file(base + ".so", "not a library");
    std::filesystem::last_write_time(base + ".cpp", std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 + i));
  }
  NativeLibrary lib;
  const Code three = constant_code(3);
  ASSERT_TRUE(compile_codes({&three}, lib).ok);
  EXPECT_EQ(entries_in(dir_, ".cpp"), NativeCache::kMaxEntries);
  EXPECT_EQ(entries_in(dir_, ".so"), NativeCache::kMaxEntries);
  // The oldest went; the two real ones (just made or used) stayed.
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/old" + std::to_string(old - 1) + ".cpp"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/old" + std::to_string(old - 1) + ".so"));
  EXPECT_TRUE(std::filesystem::exists(cpp_));
  NativeLibrary again;
  EXPECT_TRUE(without_compiler(three, again).cached);
}

}  // namespace
}  // namespace tcpmc::test
