// Native module: a CompiledSystem's bytecode compiled to machine code and loaded into the process.
//
// Contract: compile_native(sys) writes the C++ that native_codegen makes of every code the system
// runs into a private temporary directory (mkdtemp, mode 0700), runs the C++ compiler on it as a
// child process with an argument vector (no shell), loads the shared library (dlopen) and attaches
// its functions to the system (CompiledSystem::attach_native), which keeps the library loaded for
// as long as it lives. The temporary directory is removed whatever happens. A library compiled
// before from the same text is taken from the native cache (native_cache.hpp) instead, and a
// fresh one is put there. On any failure (no
// compiler, a compiler error, a library that does not load) the system is left as it was,
// interpreting, and the result says why; results never depend on whether it succeeded, only speed
// does (the native functions do exactly what the interpreter does).
// The compiler: $TCPMC_CXX when set (a path, or a name looked up in PATH), else the compiler tcpmc
// was built with when it still exists, else `c++` from PATH.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "compiled_system.hpp"

namespace tcpmc {

struct NativeBuild {
  bool ok = false;
  std::string error;      // why not, when !ok (with the compiler's own messages when it failed)
  std::string compiler;   // the compiler run
  int functions = 0;      // codes compiled (the rest, if any, stay interpreted)
  bool cached = false;    // loaded from the native cache: no compiler ran
  double seconds = 0;     // wall time of code generation, compilation and loading
};

// Compiles and loads `codes` (any codes, not only a system's): `functions` gets one entry per code
// (null where the translation did not accept it); with a layout, `pack` and `unpack` get its
// pack and unpack; `library` keeps them loaded.
// With `batch`, `predicates` gets native_source's tcpmc_native_predicates for it (when made).
struct NativeLibrary {
  std::vector<NativeCode> functions;
  StateLayout::NativePack pack = nullptr;
  StateLayout::NativeUnpack unpack = nullptr;
  CompiledSystem::NativePredicates predicates = nullptr;
  std::shared_ptr<const void> library;
};
NativeBuild compile_codes(const std::vector<const Code*>& codes, NativeLibrary& out,
                          const StateLayout* layout = nullptr, const std::vector<int>* batch = nullptr);

// compile_codes on every code of `sys`, its layout and its predicates (predicate_codes), attached
// to it on success.
NativeBuild compile_native(CompiledSystem& sys);

}  // namespace tcpmc
