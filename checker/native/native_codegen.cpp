#include "native_codegen.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>

namespace tcpmc {
namespace {

// A 64-bit literal (INT64_MIN cannot be written as a negated literal).
std::string lit(int64_t v) {
  if (v == INT64_MIN) return "(-INT64_C(9223372036854775807) - 1)";
  return "INT64_C(" + std::to_string(v) + ")";
}
// A seq mask operand (2^n - 1 held in an int32) as the uint32 it stands for, and half its space.
uint64_t mask_of(int32_t m) { return static_cast<uint32_t>(m); }
uint64_t half_of(int32_t m) { return (mask_of(m) + 1) / 2; }

// How many values an instruction needs on the stack, and how many it leaves there in their place
// (a conditional jump: when it falls through; the jump itself keeps its operand with a Keep jump).
struct StackUse {
  int pops, pushes;
};
StackUse stack_use(const Instr& I) {
  switch (I.op) {
    case Opc::Const: case Opc::Load: case Opc::LoadOld: case Opc::LoadSeg: case Opc::LoadParam: return {0, 1};
    case Opc::Not: case Opc::Neg: case Opc::Check: case Opc::Mask: return {1, 1};
    case Opc::Add: case Opc::Sub: case Opc::Mul: case Opc::Div: case Opc::Mod:
    case Opc::SeqAdd: case Opc::SeqSub: case Opc::SeqLt: case Opc::SeqLe:
    case Opc::Lt: case Opc::Le: case Opc::Eq: case Opc::Ne: return {2, 1};
    case Opc::Store: case Opc::StoreSeq: case Opc::JumpIfFalse: case Opc::JumpIfFalseKeep: case Opc::JumpIfTrueKeep:
      return {1, 0};
    case Opc::Send: return {I.c, 0};
    case Opc::TimerSet: case Opc::Jump: case Opc::Halt: return {0, 0};
  }
  return {0, 0};
}

// The stack depth before every instruction (-1: unreachable), or nullopt when two paths reach an
// instruction with different depths, a jump leaves the code or the stack would underflow.
std::optional<std::vector<int>> stack_depths(const Code& code) {
  const int n = static_cast<int>(code.instrs.size());
  std::vector<int> depth(n, -1);
  std::vector<int> work;
  auto reach = [&](int pc, int d) {
    if (pc < 0 || pc >= n || d < 0 || d > kStackSize) return false;
    if (depth[pc] == -1) {
      depth[pc] = d;
      work.push_back(pc);
      return true;
    }
    return depth[pc] == d;
  };
  if (n == 0 || !reach(0, 0)) return std::nullopt;
  while (!work.empty()) {
    const int pc = work.back();
    work.pop_back();
    const Instr& I = code.instrs[pc];
    const int d = depth[pc];
    const StackUse use = stack_use(I);
    if (d < use.pops) return std::nullopt;
    const int after = d - use.pops + use.pushes;
    bool ok = true;
    switch (I.op) {
      case Opc::Halt: break;
      case Opc::Jump: ok = reach(I.a, d); break;
      case Opc::JumpIfFalseKeep:
      case Opc::JumpIfTrueKeep: ok = reach(I.a, d) && reach(pc + 1, after); break;
      case Opc::JumpIfFalse: ok = reach(I.a, after) && reach(pc + 1, after); break;
      default: ok = reach(pc + 1, after); break;
    }
    if (!ok) return std::nullopt;
  }
  return depth;
}

// One function: `static tcpmc_status fN(Ctx* c)`, the body translated instruction by instruction.
void emit_function(std::ostream& o, int index, const Code& code, const std::vector<int>& depth) {
  int max_depth = 1;
  for (int d : depth) max_depth = std::max(max_depth, d + 1);
  std::vector<bool> target(code.instrs.size(), false);
  for (const Instr& I : code.instrs)
    if (I.op == Opc::Jump || I.op == Opc::JumpIfFalse || I.op == Opc::JumpIfFalseKeep || I.op == Opc::JumpIfTrueKeep)
      target[I.a] = true;
  o << "static unsigned char f" << index << "(Ctx* c) {\n  int32_t* const st = c->state;\n  int64_t";
  for (int k = 0; k < max_depth; ++k) o << (k ? ", s" : " s") << k << " = 0";
  o << ";\n";
  for (size_t pc = 0; pc < code.instrs.size(); ++pc) {
    const int d = depth[pc];
    if (d < 0) continue;  // unreachable
    const Instr& I = code.instrs[pc];
    auto s = [&](int k) { return "s" + std::to_string(d + k); };  // s(-1): the top, s(-2) below it
    if (target[pc]) o << " L" << pc << ":;\n";
    const std::string at = std::to_string(pc);
    const std::string ovf = "{ c->error_pc = " + at + "; c->error_value = 0; return 3; }";
    switch (I.op) {
      case Opc::Const: o << "  " << s(0) << " = " << lit(I.a) << ";\n"; break;
      case Opc::Load: o << "  " << s(0) << " = st[" << I.a << "];\n"; break;
      case Opc::LoadOld: o << "  " << s(0) << " = c->old_state[" << I.a << "];\n"; break;
      case Opc::LoadSeg: o << "  " << s(0) << " = c->seg[" << I.a << "];\n"; break;
      case Opc::LoadParam: o << "  " << s(0) << " = c->params[" << I.a << "];\n"; break;
      case Opc::Not: o << "  " << s(-1) << " = !" << s(-1) << ";\n"; break;
      case Opc::Neg: o << "  if (__builtin_sub_overflow(INT64_C(0), " << s(-1) << ", &" << s(-1) << ")) " << ovf << "\n"; break;
      case Opc::Add:
      case Opc::Sub:
      case Opc::Mul: {
        const char* b = I.op == Opc::Add ? "add" : I.op == Opc::Sub ? "sub" : "mul";
        o << "  if (__builtin_" << b << "_overflow(" << s(-2) << ", " << s(-1) << ", &" << s(-2) << ")) " << ovf << "\n";
        break;
      }
      case Opc::Div:
      case Opc::Mod:
        o << "  if (" << s(-1) << " == 0) { c->error_pc = " << at << "; return 2; }\n";
        o << "  if (" << s(-2) << " == INT64_MIN && " << s(-1) << " == -1) " << ovf << "\n";
        o << "  " << s(-2) << " = " << s(-2) << (I.op == Opc::Div ? " / " : " % ") << s(-1) << ";\n";
        break;
      case Opc::SeqAdd:
      case Opc::SeqSub:
        o << "  " << s(-2) << " = (int64_t)(((uint64_t)" << s(-2) << (I.op == Opc::SeqAdd ? " + " : " - ") << "(uint64_t)"
          << s(-1) << ") & UINT64_C(" << mask_of(I.b) << "));\n";
        break;
      case Opc::SeqLt:
      case Opc::SeqLe:
        o << "  { const int64_t dd = (int64_t)(((uint64_t)" << s(-1) << " - (uint64_t)" << s(-2) << ") & UINT64_C("
          << mask_of(I.b) << ")); " << s(-2) << " = " << (I.op == Opc::SeqLt ? "dd > 0 && " : "") << "dd < INT64_C("
          << half_of(I.b) << "); }\n";
        break;
      case Opc::Lt: o << "  " << s(-2) << " = " << s(-2) << " < " << s(-1) << ";\n"; break;
      case Opc::Le: o << "  " << s(-2) << " = " << s(-2) << " <= " << s(-1) << ";\n"; break;
      case Opc::Eq: o << "  " << s(-2) << " = " << s(-2) << " == " << s(-1) << ";\n"; break;
      case Opc::Ne: o << "  " << s(-2) << " = " << s(-2) << " != " << s(-1) << ";\n"; break;
      case Opc::JumpIfFalseKeep: o << "  if (" << s(-1) << " == 0) goto L" << I.a << ";\n"; break;
      case Opc::JumpIfTrueKeep: o << "  if (" << s(-1) << " != 0) goto L" << I.a << ";\n"; break;
      case Opc::JumpIfFalse: o << "  if (" << s(-1) << " == 0) goto L" << I.a << ";\n"; break;
      case Opc::Jump: o << "  goto L" << I.a << ";\n"; break;
      case Opc::Store:
        o << "  if (" << s(-1) << " < " << lit(I.b) << " || " << s(-1) << " > " << lit(I.c) << ") { c->error_pc = " << at
          << "; c->error_value = " << s(-1) << "; return 1; }\n";
        o << "  st[" << I.a << "] = (int32_t)" << s(-1) << ";\n";
        break;
      case Opc::StoreSeq:
        o << "  st[" << I.a << "] = (int32_t)(" << s(-1) << " & INT64_C(" << mask_of(I.b) << "));\n";
        break;
      case Opc::Send: {
        const int nf = I.c;
        o << "  {\n    int32_t& count = st[" << I.a << "];\n    const bool full = count >= " << I.b << ";\n";
        o << "    if (c->nsent < kSends) {\n      int32_t* rec = c->sent[c->nsent];\n";
        for (int f = 0; f < nf; ++f) o << "      rec[" << f << "] = (int32_t)s" << (d - nf + f) << ";\n";
        o << "      rec[" << nf << "] = 0;\n      if (full) c->overflow |= (uint8_t)(1u << c->nsent);\n      ++c->nsent;\n    }\n";
        o << "    if (!full) {\n      int32_t* rec = st + " << (I.a + 1) << " + count * " << (nf + 1) << ";\n";
        for (int f = 0; f < nf; ++f) o << "      rec[" << f << "] = (int32_t)s" << (d - nf + f) << ";\n";
        o << "      rec[" << nf << "] = 0;\n      ++count;\n    }\n  }\n";
        break;
      }
      case Opc::TimerSet: o << "  st[" << I.a << "] = " << I.b << ";\n"; break;
      case Opc::Check:
        o << "  if (" << s(-1) << " < " << lit(I.a) << " || " << s(-1) << " > " << lit(I.b) << ") { c->error_pc = " << at
          << "; c->error_value = " << s(-1) << "; return 1; }\n";
        break;
      case Opc::Mask: o << "  " << s(-1) << " &= INT64_C(" << mask_of(I.b) << ");\n"; break;
      case Opc::Halt:
        o << "  c->result = " << (d > 0 ? "(int32_t)" + s(-1) : std::string("0")) << ";\n  return 0;\n";
        break;
    }
  }
  o << "}\n";
}

// StateLayout::pack and unpack with the layout's constants: a slot of value v holds
// (v - lo) mod 2^64 cut to its bits, at its shift in its word; a slot of no bits reads back as lo.
void emit_pack(std::ostream& o, const StateLayout& L) {
  o << "extern \"C\" void tcpmc_native_pack(const int32_t* s, uint64_t* w) {\n";
  for (int k = 0; k < L.num_words(); ++k) {
    o << "  w[" << k << "] = 0";
    for (int i = 0; i < L.num_slots(); ++i) {
      const Slot& sl = L.slot(i);
      if (sl.word != k || sl.bits == 0) continue;
      const uint64_t mask = sl.bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << sl.bits) - 1;
      o << "\n    | ((((uint64_t)(int64_t)s[" << i << "] - UINT64_C(" << static_cast<uint64_t>(sl.lo) << ")) & UINT64_C("
        << mask << ")) << " << int{sl.shift} << ")";
    }
    o << ";\n";
  }
  o << "}\n\nextern \"C\" void tcpmc_native_unpack(const uint64_t* w, int32_t* s) {\n";
  for (int i = 0; i < L.num_slots(); ++i) {
    const Slot& sl = L.slot(i);
    const uint64_t mask = sl.bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << sl.bits) - 1;
    o << "  s[" << i << "] = (int32_t)(";
    if (sl.bits > 0) o << "((w[" << sl.word << "] >> " << int{sl.shift} << ") & UINT64_C(" << mask << ")) + ";
    o << "UINT64_C(" << static_cast<uint64_t>(sl.lo) << "));\n";
  }
  o << "}\n";
}

}  // namespace

std::string native_source(const std::vector<const Code*>& codes, const StateLayout* layout,
                          const std::vector<int>* batch) {
  std::ostringstream o;
  o << "// Generated by tcpmc from a spec's bytecode (checker/native/native_codegen.cpp): do not edit.\n"
       "#include <cstddef>\n#include <cstdint>\n\n"
       "constexpr int kSends = "
    << kMaxSends << ";\n"
    << "struct Ctx {  // ExecContext (model/bytecode.hpp)\n"
       "  int32_t* state;\n  const int32_t* old_state;\n  const int32_t* seg;\n  const int32_t* params;\n"
       "  int32_t result;\n  int nsent;\n  int32_t sent[kSends]["
    << (kMaxSegFields + 1)
    << "];\n"
       "  uint8_t overflow;\n  int error_pc;\n  int64_t error_value;\n};\n";
  // The layout must be ExecContext's, field by field.
  const std::pair<const char*, size_t> fields[] = {
      {"state", offsetof(ExecContext, state)},   {"old_state", offsetof(ExecContext, old_state)},
      {"seg", offsetof(ExecContext, seg)},       {"params", offsetof(ExecContext, params)},
      {"result", offsetof(ExecContext, result)}, {"nsent", offsetof(ExecContext, nsent)},
      {"sent", offsetof(ExecContext, sent)},     {"overflow", offsetof(ExecContext, overflow)},
      {"error_pc", offsetof(ExecContext, error_pc)}, {"error_value", offsetof(ExecContext, error_value)}};
  for (const auto& [name, off] : fields)
    o << "static_assert(offsetof(Ctx, " << name << ") == " << off << ", \"ExecContext layout\");\n";
  o << "static_assert(sizeof(Ctx) == " << sizeof(ExecContext) << ", \"ExecContext layout\");\n\nnamespace {\n";
  std::vector<bool> translated(codes.size(), false);
  for (size_t i = 0; i < codes.size(); ++i) {
    const auto depth = stack_depths(*codes[i]);
    if (!depth) continue;
    emit_function(o, static_cast<int>(i), *codes[i], *depth);
    translated[i] = true;
  }
  o << "}  // namespace\n\n"
       "extern \"C\" const unsigned tcpmc_native_count = "
    << codes.size() << ";\n";
  o << "extern \"C\" unsigned char (*const tcpmc_native_table[])(Ctx*) = {";
  for (size_t i = 0; i < codes.size(); ++i) o << (i % 8 ? " " : "\n    ") << (translated[i] ? "f" + std::to_string(i) : "nullptr") << ",";
  if (codes.empty()) o << "nullptr";
  o << "\n};\n";
  if (layout) {
    o << "\n";
    emit_pack(o, *layout);
  }
  if (batch && std::all_of(batch->begin(), batch->end(), [&](int i) {
        return i < 0 || (i < static_cast<int>(codes.size()) && translated[i]);
      })) {
    // The predicates of a state in one call: the functions are in this unit, so the compiler may
    // inline them, and the context is set up once.
    o << "\nextern \"C\" int tcpmc_native_predicates(const int32_t* state, unsigned char* out) {\n"
         "  Ctx c;\n  c.state = (int32_t*)state;\n  c.old_state = nullptr;\n  c.seg = nullptr;\n  c.params = nullptr;\n"
         "  c.nsent = 0;\n  c.overflow = 0;\n";
    for (size_t k = 0; k < batch->size(); ++k) {
      const int i = (*batch)[k];
      if (i < 0)
        o << "  out[" << k << "] = 1;\n";
      else
        o << "  if (f" << i << "(&c)) return " << k << ";\n  out[" << k << "] = c.result != 0;\n";
    }
    o << "  return -1;\n}\n";
  }
  return o.str();
}

}  // namespace tcpmc
