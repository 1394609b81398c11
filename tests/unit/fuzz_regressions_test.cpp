// Inputs that once crashed the spec fuzzer (tests/fuzz/spec_fuzzer.cpp), kept in tests/fuzz/crashes/
// (not pending/, whose fixes are on other branches): each goes through the fuzzer's path
// (loaded from memory without includes, explored for a few hundred states) and must come back as
// error diagnostics that format, or as a spec whose exploration is consistent. Inputs with a
// specific expected diagnostic get their own test below.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace tcpmc {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> crash_inputs() {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(TCPMC_SOURCE_DIR) / "tests/fuzz/crashes", ec))
    if (e.is_regular_file() && e.path().extension() != ".md") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(FuzzRegressions, EverySavedCrashInputIsHandledCleanly) {
  auto inputs = crash_inputs();
  if (inputs.empty()) GTEST_SKIP() << "no fixed crash inputs in tests/fuzz/crashes/";
  for (const auto& p : inputs) {
    SCOPED_TRACE(p.filename().string());
    Diagnostics diags;
    auto spec = load_spec_text_in_memory("fuzz.tcp", read(p), {}, diags);
    if (!spec) {
      EXPECT_TRUE(diags.has_errors());
      EXPECT_NE(format_diagnostics(diags).find("error: "), std::string::npos);
      continue;
    }
    EXPECT_FALSE(diags.has_errors()) << format_diagnostics(diags);
    CheckOptions opts;
    opts.limits.max_states = 300;
    opts.limits.progress = false;
    auto r = check_loaded(std::make_unique<LoadedSpec>(std::move(*spec)), opts);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->replay_failed);
  }
}

// An else-if chain 2400 deep overflowed the parser's stack: now one located error.
TEST(FuzzRegressions, DeepElseIfChainIsOneLocatedError) {
  const fs::path p = fs::path(TCPMC_SOURCE_DIR) / "tests/fuzz/crashes/stack_overflow_else_if_chain.tcp";
  Diagnostics diags;
  EXPECT_FALSE(load_spec_text_in_memory("fuzz.tcp", read(p), {}, diags));
  ASSERT_EQ(diags.error_count(), 1u) << format_diagnostics(diags);
  EXPECT_NE(diags.all()[0].message.find("nesting too deep (limit 200)"), std::string::npos) << diags.all()[0].message;
}

}  // namespace
}  // namespace tcpmc
