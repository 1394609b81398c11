// Native codegen: bytecode (model/bytecode.hpp) as C++ source, one function per Code.
//
// Contract: native_source(codes) returns a self-contained C++ translation unit (standard headers
// only) defining `extern "C" tcpmc_native_table`, an array of codes.size() function pointers of
// type NativeCode, and `extern "C" tcpmc_native_count`. Function i does exactly what interpret()
// does on *codes[i]: the same stores, sends, result, status, error_pc and error_value, in the
// same order. The stack machine is translated instruction by instruction into 64-bit locals (the
// depth of the stack at every instruction is fixed by the bytecode compiler), jumps into gotos;
// the source holds only numbers from the bytecode, never a name from the spec. The layout of
// ExecContext is written into the source with static_asserts on its offsets, so a library built
// from it cannot be used with a different layout. A code the translation does not accept (a stack
// depth that differs between two paths) gets a null entry and stays interpreted.
#pragma once
#include <string>
#include <vector>

#include "bytecode.hpp"
#include "state_layout.hpp"

namespace tcpmc {

// With a layout, the source also defines `extern "C" tcpmc_native_pack` and `tcpmc_native_unpack`,
// StateLayout's pack and unpack for that layout with every slot's position, width and offset as
// constants.
// With `batch` (indices into codes, -1 for none), it also defines `extern "C"
// tcpmc_native_predicates(const int32_t* state, unsigned char* out)`, of type
// CompiledSystem::NativePredicates: out[k] = whether code batch[k] yields a non-zero result on
// `state` (1 for -1), all in one call, returning -1; or, when code batch[k] fails (a model error),
// k, with out[k..] unspecified. It is left out when a code of the batch is not translated.
std::string native_source(const std::vector<const Code*>& codes, const StateLayout* layout = nullptr,
                          const std::vector<int>* batch = nullptr);

}  // namespace tcpmc
