#include "bytecode.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstring>

namespace tcpmc {
namespace {

uint64_t u(int64_t x) { return static_cast<uint64_t>(x); }
// A seq mask (2^n - 1, n <= 32) is held in an int32 operand: at n = 32 its bit pattern is -1.
// Every use reads it as the uint32 it stands for.
int64_t mask_of(int32_t mask) { return int64_t{static_cast<uint32_t>(mask)}; }
int64_t seq(uint64_t x, int32_t mask) { return static_cast<int64_t>(x & static_cast<uint32_t>(mask)); }
// Half the sequence space, 2^(n-1): `a < b` iff (b - a) mod 2^n is in 1..half-1.
int64_t half_of(int32_t mask) { return (mask_of(mask) + 1) / 2; }

ExecStatus overflow(ExecContext& ctx, int pc) {
  ctx.error_pc = pc;
  ctx.error_value = 0;
  return ExecStatus::Overflow;
}

}  // namespace

std::vector<int> loaded_slots(const Code& code) {
  std::vector<int> out;
  for (const Instr& I : code.instrs)
    if (I.op == Opc::Load) out.push_back(I.a);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

ExecStatus interpret(const Code& code, ExecContext& ctx) {
  int64_t stack[kStackSize];
  int sp = 0;
  const Instr* ins = code.instrs.data();
  int pc = 0;
  int32_t* st = ctx.state;
  for (;;) {
    const Instr& I = ins[pc];
    switch (I.op) {
      case Opc::Const: stack[sp++] = I.a; break;
      case Opc::Load: stack[sp++] = st[I.a]; break;
      case Opc::LoadOld: stack[sp++] = ctx.old_state[I.a]; break;
      case Opc::LoadSeg: stack[sp++] = ctx.seg[I.a]; break;
      case Opc::LoadParam: stack[sp++] = ctx.params[I.a]; break;
      case Opc::Not: stack[sp - 1] = !stack[sp - 1]; break;
      case Opc::Neg:
        if (__builtin_sub_overflow(int64_t{0}, stack[sp - 1], &stack[sp - 1])) return overflow(ctx, pc);
        break;
      case Opc::Add:
        --sp;
        if (__builtin_add_overflow(stack[sp - 1], stack[sp], &stack[sp - 1])) return overflow(ctx, pc);
        break;
      case Opc::Sub:
        --sp;
        if (__builtin_sub_overflow(stack[sp - 1], stack[sp], &stack[sp - 1])) return overflow(ctx, pc);
        break;
      case Opc::Mul:
        --sp;
        if (__builtin_mul_overflow(stack[sp - 1], stack[sp], &stack[sp - 1])) return overflow(ctx, pc);
        break;
      case Opc::Div:
      case Opc::Mod:
        --sp;
        if (stack[sp] == 0) {
          ctx.error_pc = pc;
          return ExecStatus::DivByZero;
        }
        if (stack[sp - 1] == INT64_MIN && stack[sp] == -1) return overflow(ctx, pc);
        stack[sp - 1] = I.op == Opc::Div ? stack[sp - 1] / stack[sp] : stack[sp - 1] % stack[sp];
        break;
      // Modulo 2^n: unsigned arithmetic wraps exactly so, whatever the operands.
      case Opc::SeqAdd: --sp; stack[sp - 1] = seq(u(stack[sp - 1]) + u(stack[sp]), I.b); break;
      case Opc::SeqSub: --sp; stack[sp - 1] = seq(u(stack[sp - 1]) - u(stack[sp]), I.b); break;
      case Opc::SeqLt: {
        --sp;
        int64_t d = seq(u(stack[sp]) - u(stack[sp - 1]), I.b);
        stack[sp - 1] = d > 0 && d < half_of(I.b);
        break;
      }
      case Opc::SeqLe: {
        --sp;
        int64_t d = seq(u(stack[sp]) - u(stack[sp - 1]), I.b);
        stack[sp - 1] = d < half_of(I.b);
        break;
      }
      case Opc::Lt: --sp; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case Opc::Le: --sp; stack[sp - 1] = stack[sp - 1] <= stack[sp]; break;
      case Opc::Eq: --sp; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case Opc::Ne: --sp; stack[sp - 1] = stack[sp - 1] != stack[sp]; break;
      case Opc::JumpIfFalseKeep:
        if (stack[sp - 1] == 0) { pc = I.a; continue; }
        --sp;
        break;
      case Opc::JumpIfTrueKeep:
        if (stack[sp - 1] != 0) { pc = I.a; continue; }
        --sp;
        break;
      case Opc::JumpIfFalse:
        --sp;
        if (stack[sp] == 0) { pc = I.a; continue; }
        break;
      case Opc::Jump: pc = I.a; continue;
      case Opc::Store: {
        int64_t v = stack[--sp];
        if (v < I.b || v > I.c) {
          ctx.error_pc = pc;
          ctx.error_value = v;
          return ExecStatus::RangeError;
        }
        st[I.a] = static_cast<int32_t>(v);
        break;
      }
      case Opc::StoreSeq: st[I.a] = static_cast<int32_t>(stack[--sp] & mask_of(I.b)); break;  // the bit pattern
      case Opc::Send: {
        int32_t& count = st[I.a];
        const int nf = I.c;
        sp -= nf;
        const bool full = count >= I.b;
        // Every segment sent must be recorded: the caller charges a full channel's drop to the
        // loss budget from ctx.overflow, and traces and send monitors read ctx.sent. A firing
        // never sends more than kMaxSends segments (the type checker refuses such a rule and the
        // CompiledSystem constructor rejects such a model), so the test below is only a guard
        // against writing past the arrays.
        assert(ctx.nsent < kMaxSends);
        if (ctx.nsent < kMaxSends) {
          int32_t* rec = ctx.sent[ctx.nsent];
          for (int f = 0; f < nf; ++f) rec[f] = static_cast<int32_t>(stack[sp + f]);
          rec[nf] = 0;
          if (full) ctx.overflow |= static_cast<uint8_t>(1u << ctx.nsent);
          ++ctx.nsent;
        }
        if (!full) {
          int32_t* rec = st + I.a + 1 + count * (nf + 1);
          for (int f = 0; f < nf; ++f) rec[f] = static_cast<int32_t>(stack[sp + f]);
          rec[nf] = 0;
          ++count;
        }
        break;
      }
      case Opc::TimerSet: st[I.a] = I.b; break;
      case Opc::Check:
        if (stack[sp - 1] < I.a || stack[sp - 1] > I.b) {
          ctx.error_pc = pc;
          ctx.error_value = stack[sp - 1];
          return ExecStatus::RangeError;
        }
        break;
      case Opc::Mask: stack[sp - 1] &= mask_of(I.b); break;
      case Opc::Halt:
        ctx.result = sp > 0 ? static_cast<int32_t>(stack[sp - 1]) : 0;
        return ExecStatus::Ok;
    }
    ++pc;
  }
}

}  // namespace tcpmc
