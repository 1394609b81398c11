// `tcpmc export --promela` end to end: the model to standard output or to a file (written whole),
// the run's options reaching it, the property selection, and the documented exit codes for what
// cannot be exported (1: usage, an unknown property; 2: a bad spec, a parameter too wide to
// enumerate, SEQ_BITS above 30, an output path that is a directory). SPIN's agreement with the
// exported model is tests/oracle's.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "child_process.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

class ExportCommand : public test::TempDirTest {};

TEST_F(ExportCommand, WritesTheModelWithTheRunsOptions) {
  const std::string spec = write("hs.tcp", test::kHandshakeSpec);
  auto r = test::run_tcpmc({"export", "--promela", spec, "--loss", "2", "--no-reorder"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("faults: loss 2, dup 1, reorder off"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("active proctype tcp()"), std::string::npos);
  EXPECT_NE(r.out.find("never {"), std::string::npos);
  for (const char* m : {"stuck_both_open", "invariant_agree", "invariant_never_open"})
    EXPECT_NE(r.out.find(m), std::string::npos) << m;
  // With FIFO channels, only the oldest segment arrives: no arrival at position 1.
  EXPECT_EQ(r.out.find("receives the segment at 1"), std::string::npos);

  auto one = test::run_tcpmc({"export", "--promela", spec, "--property", "agree", "-o", path("m.pml")});
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_TRUE(one.out.empty());
  const std::string model = test::slurp(path("m.pml"));
  EXPECT_NE(model.find("invariant_agree"), std::string::npos);
  EXPECT_EQ(model.find("invariant_never_open"), std::string::npos);
  EXPECT_EQ(model.find("stuck_both_open"), std::string::npos);
  EXPECT_NE(model.find("receives the segment at 1"), std::string::npos);  // the spec's reordering
}

TEST_F(ExportCommand, RefusesWhatItCannotExport) {
  const std::string spec = write("hs.tcp", test::kHandshakeSpec);
  auto unknown = test::run_tcpmc({"export", "--promela", spec, "--property", "agre"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("agree"), std::string::npos) << unknown.err;  // did you mean

  auto no_format = test::run_tcpmc({"export", spec});
  EXPECT_EQ(no_format.code, 1);

  const std::string bad = write("bad.tcp", "enum S { C }\nendpoint { state: S = D }\n");
  auto b = test::run_tcpmc({"export", "--promela", bad});
  EXPECT_EQ(b.code, 2);
  EXPECT_NE(b.err.find("bad.tcp:2:"), std::string::npos) << b.err;

  // A seq variable; `call` is the spec's one rule.
  auto seq_spec = [](const std::string& call) {
    return "const SEQ_BITS = 3\nenum S { C, D }\nendpoint { state: S = C\n  iss: seq }\nsegment { flags SYN\n  seq: seq }\n"
           "network { capacity = 1, msl = 1 }\nfaults { loss = 0, dup = 0, reorder = false }\n" +
           call + "\ninvariant i expect hold: A.iss == A.iss\n";
  };
  const std::string seq =
      write("seq.tcp", seq_spec("call go(isn: seq) in C when self == A { iss := isn send SYN (seq = isn) goto D }"));
  auto wide = test::run_tcpmc({"export", "--promela", seq, "-D", "SEQ_BITS=32"});
  EXPECT_EQ(wide.code, 2);
  EXPECT_NE(wide.err.find("cannot export"), std::string::npos) << wide.err;
  EXPECT_NE(wide.err.find("'isn'"), std::string::npos) << wide.err;

  const std::string noparam = write("seq31.tcp", seq_spec("call go in C when self == A { iss := iss + 1 goto D }"));
  ASSERT_EQ(test::run_tcpmc({"export", "--promela", noparam}).code, 0);
  auto bits = test::run_tcpmc({"export", "--promela", noparam, "-D", "SEQ_BITS=31"});
  EXPECT_EQ(bits.code, 2);
  EXPECT_NE(bits.err.find("at most 30 bits"), std::string::npos) << bits.err;

  std::filesystem::create_directories(path("out.pml"));
  auto dir_target = test::run_tcpmc({"export", "--promela", spec, "-o", path("out.pml")});
  EXPECT_EQ(dir_target.code, 2);
  EXPECT_TRUE(std::filesystem::is_directory(path("out.pml")));
}

}  // namespace
}  // namespace tcpmc
