#include "native_module.hpp"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "child_process.hpp"
#include "native_cache.hpp"
#include "native_codegen.hpp"

namespace tcpmc {
namespace {

#ifndef TCPMC_NATIVE_CXX
#define TCPMC_NATIVE_CXX "c++"
#endif

std::string pick_compiler() {
  if (const char* env = std::getenv("TCPMC_CXX"); env && *env) return env;
  std::error_code ec;
  const std::string built_with = TCPMC_NATIVE_CXX;
  if (built_with.find('/') != std::string::npos && std::filesystem::is_regular_file(built_with, ec) &&
      access(built_with.c_str(), X_OK) == 0)
    return built_with;
  return "c++";
}

// A private directory under $TMPDIR (or /tmp), removed with everything in it when this goes.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/tcpmc-native-XXXXXX";
    if (mkdtemp(templ.data())) path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs the compiler (args[0]) with its messages into `log`; returns "" when it succeeded, else why not.
std::string run_compiler(const std::vector<std::string>& args, const std::string& log) {
  using Kind = ChildStatus::Kind;
  const ChildStatus st = run_child(args, log);
  switch (st.kind) {
    case Kind::NotFound: return "no C++ compiler '" + args[0] + "' found";
    case Kind::CannotStart: return "cannot run the C++ compiler '" + args[0] + "': " + std::strerror(st.value);
    case Kind::Lost: return "lost the C++ compiler '" + args[0] + "': " + std::strerror(st.value);
    case Kind::Exited:
    case Kind::Signalled: break;
  }
  if (st.ok()) return "";
  std::ifstream in(log);
  std::string messages, line;
  for (int n = 0; n < 20 && std::getline(in, line); ++n) messages += "\n  " + line;
  const std::string how = st.kind == Kind::Exited ? "exited with status " + std::to_string(st.value)
                                                  : "was killed by signal " + std::to_string(st.value);
  return "the C++ compiler '" + args[0] + "' " + how + messages;
}

}  // namespace

NativeBuild compile_codes(const std::vector<const Code*>& codes, NativeLibrary& out, const StateLayout* layout,
                          const std::vector<int>* batch) {
  const auto start = std::chrono::steady_clock::now();
  NativeBuild b;
  b.compiler = pick_compiler();
  auto done = [&](std::string error) {
    b.error = std::move(error);
    b.ok = b.error.empty();
    b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return b;
  };
  // The text compiled: the options (its first line, so that the cache keys on them) and the source.
  const std::vector<std::string> options = {"-std=c++17", "-O2", "-fPIC", "-shared", "-w"};
  std::string text = "//";
  for (const std::string& o : options) text += " " + o;
  text += "\n" + native_source(codes, layout, batch);
  const NativeCache cache;
  void* handle = nullptr;
  if (const auto cached = cache.lookup(text)) {
    handle = dlopen(cached->c_str(), RTLD_NOW | RTLD_LOCAL);
    b.cached = handle != nullptr;
  }
  if (!handle) {
    TempDir dir;
    if (dir.path().empty()) return done(std::string("cannot create a temporary directory: ") + std::strerror(errno));
    const std::string src = dir.path() + "/model.cpp", lib = dir.path() + "/model.so", log = dir.path() + "/compiler.log";
    {
      std::ofstream file(src, std::ios::binary);
      file << text;
      file.close();
      if (!file) return done("cannot write " + src);
    }
    std::vector<std::string> args{b.compiler};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"-o", lib, src});
    if (std::string e = run_compiler(args, log); !e.empty()) return done(e);
    handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return done(std::string("cannot load the compiled model: ") + dlerror());
    cache.store(text, lib);
  }
  std::shared_ptr<const void> library(handle, [](const void* h) { dlclose(const_cast<void*>(h)); });
  const auto* count = static_cast<const unsigned*>(dlsym(handle, "tcpmc_native_count"));
  const auto* table = static_cast<NativeCode const*>(dlsym(handle, "tcpmc_native_table"));
  if (!count || !table || *count != codes.size()) return done("the compiled model does not match the spec's code");
  if (layout) {
    out.pack = reinterpret_cast<StateLayout::NativePack>(dlsym(handle, "tcpmc_native_pack"));
    out.unpack = reinterpret_cast<StateLayout::NativeUnpack>(dlsym(handle, "tcpmc_native_unpack"));
    if (!out.pack || !out.unpack) return done("the compiled model has no pack and unpack");
  }
  if (batch) out.predicates = reinterpret_cast<CompiledSystem::NativePredicates>(dlsym(handle, "tcpmc_native_predicates"));
  out.functions.assign(table, table + codes.size());
  out.library = std::move(library);
  for (NativeCode f : out.functions) b.functions += f != nullptr;
  return done("");
}

NativeBuild compile_native(CompiledSystem& sys) {
  NativeLibrary lib;
  const std::vector<int> batch = sys.predicate_codes();
  NativeBuild b = compile_codes(sys.codes(), lib, &sys.layout(), &batch);
  if (!b.ok) return b;
  sys.attach_native(lib.functions, lib.pack, lib.unpack, std::move(lib.library));
  sys.attach_native_predicates(lib.predicates);
  return b;
}

}  // namespace tcpmc
