// Inputs that must never crash, hang or harm: file names that look like shell code, output
// targets that are not regular files, full disks and failing standard output, interrupts, absurd
// numbers on the command line, broken baselines, big enums; and exit codes that mean the same in
// every command. Each test runs the real executable (child_process.hpp, no shell) or the command
// functions, and checks what was (and was not) written.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "report_writer.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

namespace fs = std::filesystem;
using test::run_tcpmc;
using test::slurp;

const std::string kTiny =
    "spec tiny \"two counters\"\n"
    "const N = 2\n"
    "enum S { CLOSED, OPEN }\n"
    "endpoint { state: S = CLOSED\n  n: 0..N }\n"
    "call open in CLOSED { goto OPEN }\n"
    "call inc in OPEN when n < N { n := n + 1 }\n"
    "invariant bounded expect hold: A.n <= N && B.n <= N\n";

class Hardening : public test::TempDirTest {
 protected:
  // Names of the entries of a folder that start with '.' (temporary files and folders).
  std::vector<std::string> hidden_entries(const std::string& folder) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec))
      if (e.path().filename().string()[0] == '.') out.push_back(e.path().filename().string());
    return out;
  }
};

// ---- no shell ----

TEST_F(Hardening, FileNamesThatLookLikeShellCodeAreOnlyNames) {
  const std::string spec_name = "a'$(touch pwned_by_spec) b\nc.tcp";
  const std::string out_name = "out '$(touch pwned_by_out)'\n x";
  write(spec_name, kTiny);
  auto r = run_tcpmc({"report", spec_name, "--out", out_name, "--no-progress"}, {.cwd = dir});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(path("pwned_by_spec")));
  EXPECT_FALSE(fs::exists(path("pwned_by_out")));
  const fs::path report = fs::path(dir) / out_name / "a'$(touch pwned_by_spec) b\nc";
  EXPECT_TRUE(fs::exists(report / "result.json"));
  EXPECT_TRUE(fs::exists(report / "states.dot"));
  // Graphviz is one of the packages the set-up installs; where it is, the picture is made.
  if (!test::find_program("dot").empty()) {
    EXPECT_TRUE(fs::exists(report / "states.svg"));
    EXPECT_NE(slurp((report / "states.svg").string()).find("<svg"), std::string::npos);
  }
  EXPECT_TRUE(hidden_entries((fs::path(dir) / out_name).string()).empty());
}

// ---- output files ----

TEST_F(Hardening, JsonRefusesToReplaceASymlinkAndLeavesItsTargetAlone) {
  write("s.tcp", kTiny);
  const std::string target = write("precious.txt", "keep me\n");
  fs::create_symlink(target, path("out.json"));
  auto r = run_tcpmc({"check", "s.tcp", "--json", "out.json", "--no-progress"}, {.cwd = dir});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("refusing to write out.json: it is a symbolic link"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_symlink(path("out.json")));
  EXPECT_EQ(slurp(target), "keep me\n");
}

TEST_F(Hardening, JsonRefusesAFifoADirectoryAndADeviceWithoutBlocking) {
  write("s.tcp", kTiny);
  ASSERT_EQ(mkfifo(path("fifo.json").c_str(), 0644), 0);
  fs::create_directory(path("dir.json"));
  std::vector<std::pair<std::string, std::string>> cases = {{"fifo.json", "a FIFO"}, {"dir.json", "a directory"}};
  // A device node of our own (the numbers of /dev/full): as root, the old code replaced it.
  if (mknod(path("full.json").c_str(), S_IFCHR | 0666, makedev(1, 7)) == 0)
    cases.push_back({"full.json", "a character device"});
  for (const auto& [name, kind] : cases) {
    auto r = run_tcpmc({"check", "s.tcp", "--json", name, "--no-progress"}, {.cwd = dir});
    EXPECT_EQ(r.code, 2) << name;
    EXPECT_NE(r.err.find("refusing to write " + name + ": it is " + kind), std::string::npos) << r.err;
  }
  struct stat st {};
  ASSERT_EQ(lstat(path("fifo.json").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_TRUE(fs::is_directory(path("dir.json")));
  if (cases.size() == 3) {
    ASSERT_EQ(lstat(path("full.json").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
  }
  EXPECT_TRUE(hidden_entries(dir).empty());
}

TEST_F(Hardening, JsonToDevStdoutIsWrittenThrough) {
  write("s.tcp", kTiny);
  auto r = run_tcpmc({"check", "s.tcp", "--json", "/dev/stdout", "--no-progress"}, {.cwd = dir});
  EXPECT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);  // only the JSON on stdout; the table went to stderr
  EXPECT_EQ(j.at(0).at("states").get<int>(), 16);
  EXPECT_NE(r.err.find("bounded"), std::string::npos);
}

TEST_F(Hardening, AFullDiskLeavesThePreviousFileAndNoTemporaryFile) {
  write("s.tcp", kTiny);
  write("out.json", "previous\n");
  auto r = run_tcpmc({"check", "s.tcp", "--json", "out.json", "--no-progress"}, {.cwd = dir, .file_size = 512});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot write out.json: File too large"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(path("out.json")), "previous\n");
  EXPECT_TRUE(hidden_entries(dir).empty());
}

TEST_F(Hardening, AStandardOutputThatFailsIsAnError) {
  write("s.tcp", kTiny);
  for (std::vector<std::string> args : {std::vector<std::string>{"check", "s.tcp", "--no-progress"},
                                        std::vector<std::string>{"check", "s.tcp", "--json", "-", "--no-progress"}}) {
    auto r = run_tcpmc(args, {.cwd = dir, .stdout_path = "/dev/full"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("cannot write standard output: No space left on device"), std::string::npos) << r.err;
  }
}

// ---- interrupts ----

// Ctrl-C during a long search: the summary so far (inconclusive, with the counts reached), exit 5.
// The signal is sent when the progress line shows that the search is under way.
TEST_F(Hardening, InterruptedCheckPrintsTheSummarySoFarAndExitsFive) {
  const std::string spec = std::string(TCPMC_SOURCE_DIR) + "/specs/rfc9293.tcp";
  auto r = run_tcpmc({"check", spec, "-j", "1"}, {.signal_when_err_has = " states"});
  EXPECT_EQ(r.code, 5) << r.err;
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("INCOMPLETE: interrupted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("   handshake_agreement                 expect hold       inconclusive (within the bounds explored)\n"),
            std::string::npos)
      << r.out;
}

TEST_F(Hardening, TerminatedReportWritesNothingAndLeavesNoTemporaryFolder) {
  const std::string spec = std::string(TCPMC_SOURCE_DIR) + "/specs/rfc9293.tcp";
  fs::create_directory(path("out"));
  auto r = run_tcpmc({"report", spec, "--out", path("out"), "-j", "1"},
                     {.signal_when_err_has = " states", .signal = SIGTERM});
  EXPECT_EQ(r.code, 5) << r.err;
  EXPECT_FALSE(fs::exists(path("out/rfc9293")));
  EXPECT_TRUE(hidden_entries(path("out")).empty());
}

// An interrupt that arrives while a report is written: the temporary folder goes, nothing is
// half-written, an existing report stays.
TEST_F(Hardening, ReportWriterInterruptedKeepsThePreviousReport) {
  auto r = test::check_text(kTiny);
  ASSERT_TRUE(r);
  r->path = path("tiny.tcp");
  ASSERT_EQ(write_spec_report(*r, path("out")), std::nullopt);
  const std::string before = slurp(path("out/tiny/report.md"));
  request_interrupt();
  auto e = write_spec_report(*r, path("out"));
  clear_interrupt();
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("interrupted"), std::string::npos);
  EXPECT_EQ(slurp(path("out/tiny/report.md")), before);
  EXPECT_TRUE(hidden_entries(path("out")).empty());
}

TEST_F(Hardening, ReportRefusesToReplaceAFileOrASymlinkOfTheReportsName) {
  write("tiny.tcp", kTiny);
  write("out/tiny", "a file of the user's\n");
  auto r = run_tcpmc({"report", "tiny.tcp", "--out", "out", "--no-progress"}, {.cwd = dir});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("refusing to replace out/tiny: it is not a report directory"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(path("out/tiny")), "a file of the user's\n");
}

// ---- usage ----

TEST_F(Hardening, NegativeOrOverflowingNumbersAreUsageErrors) {
  write("s.tcp", kTiny);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--max-states", "-1"},
           {"--max-states", "18446744073709551617"},
           {"--memory-limit", "-5"},
           {"--memory-limit", "99999999999999999999"},
           {"-j", "-1"},
           {"-j", "4294967297"}}) {
    std::vector<std::string> a = {"check", "s.tcp"};
    a.insert(a.end(), args.begin(), args.end());
    auto r = run_tcpmc(a, {.cwd = dir});
    EXPECT_EQ(r.code, 1) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find("expects a whole number from 0 to"), std::string::npos) << r.err;
  }
  auto help = run_tcpmc({"check", "--help"});
  EXPECT_NE(help.out.find("0 = no limit"), std::string::npos) << help.out;
  auto regress = run_tcpmc({"regress", "--max-states", "5"}, {.cwd = dir});
  EXPECT_EQ(regress.code, 1) << regress.err;
}

TEST_F(Hardening, AnUnknownDefineIsAUsageErrorInEveryCommand) {
  write("s.tcp", kTiny);
  for (const auto& args : std::vector<std::vector<std::string>>{{"check", "s.tcp"},
                                                                {"report", "s.tcp", "--out", "out"},
                                                                {"diff", "s.tcp", "s.tcp"},
                                                                {"sweep", "s.tcp", "-D", "N=1..2"}}) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"-D", "NOPE=1", "--no-progress"});
    auto r = run_tcpmc(a, {.cwd = dir});
    EXPECT_EQ(r.code, 1) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("the spec has no constant 'NOPE'"), std::string::npos) << r.err;
  }
}

TEST_F(Hardening, ASpecWithoutPropertiesAndAnIncompleteRunSaySo) {
  write("none.tcp", "enum S { C }\nendpoint { state: S = C }\n");
  auto r = run_tcpmc({"check", "none.tcp", "--no-progress"}, {.cwd = dir});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("no properties: the spec states none, so nothing was checked"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(no properties)"), std::string::npos) << r.out;
  write("s.tcp", kTiny);
  auto s = run_tcpmc({"check", "s.tcp", "--max-states", "3", "--no-progress"}, {.cwd = dir});
  EXPECT_EQ(s.code, 5);
  EXPECT_NE(s.out.find("(search stopped)"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("incomplete: max-states limit of 3 reached"), std::string::npos) << s.out;
}

// ---- sweep ----

TEST_F(Hardening, SweepKeepsTheRowsBeforeAValueThatFails) {
  // N = 3 gives the variable an empty range: that value cannot be checked, the others can.
  write("s.tcp",
        "const N = 1\nenum S { C }\nendpoint { state: S = C\n  n: 0..(2 - N) }\n"
        "invariant small expect hold: A.n <= 2\n");
  auto r = run_tcpmc({"sweep", "s.tcp", "-D", "N=1..3", "--no-progress"}, {.cwd = dir});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.out.find("N=1  holds"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("N=2  holds"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("N=3  (spec not checked)"), std::string::npos) << r.out;
}

// ---- reports and the baseline ----

TEST_F(Hardening, ABrokenSiblingResultIsSkippedWithAWarning) {
  write("tiny.tcp", kTiny);
  write("out/broken/result.json", "{\"properties\": [{\"verdict\": 3}]}");
  write("out/truncated/result.json", "{\"spec\": ");
  auto r = run_tcpmc({"report", "tiny.tcp", "--out", "out", "--no-progress"}, {.cwd = dir});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: out/broken/result.json is not a tcpmc result"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("warning: out/truncated/result.json is not a tcpmc result"), std::string::npos) << r.err;
  EXPECT_NE(slurp(path("out/README.md")).find("[tiny](tiny/report.md)"), std::string::npos);
}

TEST_F(Hardening, ADescriptionThatIsNotUtf8StillGivesValidJson) {
  write("s.tcp", "spec bad \"caf\xe9 \xff\"\n" + kTiny.substr(kTiny.find('\n') + 1));
  auto r = run_tcpmc({"check", "s.tcp", "--json", "-", "--no-progress"}, {.cwd = dir});
  EXPECT_EQ(r.code, 0) << r.err;
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.out;
  EXPECT_EQ(j.at(0).at("description").get<std::string>(), "caf\xef\xbf\xbd \xef\xbf\xbd");  // U+FFFD each
}

TEST_F(Hardening, TwoSpecsOfOneNameInOneReportAreAnError) {
  write("a/tiny.tcp", kTiny);
  write("b/tiny.tcp", kTiny);
  auto r = run_tcpmc({"report", "a/tiny.tcp", "b/tiny.tcp", "--out", "out", "--no-progress"}, {.cwd = dir});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("a/tiny.tcp and b/tiny.tcp would both be reported in out/tiny/"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("out/tiny")));
}

TEST_F(Hardening, RegressWorksFromAnyFolderAndReportsAnOrphanedBaseline) {
  write("proj/specs/tiny.tcp", kTiny);
  auto made = run_tcpmc({"report", "specs/tiny.tcp", "--out", "reports", "--no-progress"}, {.cwd = path("proj")});
  ASSERT_EQ(made.code, 0) << made.err;
  const std::string result = slurp(path("proj/reports/tiny/result.json"));
  EXPECT_NE(result.find("\n  \"spec\": \"specs/tiny.tcp\",\n  \"spec_from_baseline\": \"../specs/tiny.tcp\""),
            std::string::npos)
      << result;  // pretty-printed, with the path the baseline finds its spec by
  fs::create_directory(path("elsewhere"));
  auto ok = run_tcpmc({"regress", "--baseline", path("proj/reports"), "--specs", path("proj/specs"), "--no-progress"},
                      {.cwd = path("elsewhere")});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("ok      " + path("proj/specs/tiny.tcp") + " (16 states)"), std::string::npos) << ok.out;
  fs::remove(path("proj/specs/tiny.tcp"));
  auto orphan = run_tcpmc({"regress", "--baseline", "reports", "--no-progress"}, {.cwd = path("proj")});
  EXPECT_EQ(orphan.code, 10) << orphan.err;
  EXPECT_NE(orphan.out.find("ORPHAN  reports/tiny: its spec specs/tiny.tcp no longer exists"),
            std::string::npos)
      << orphan.out;
}

// ---- the engine's own limits ----

// Endpoint states past 255 are recorded as they are (they were cut to 8 bits), and coverage
// memory follows the transitions that occur, not rules x states^2 (which, for 20000 states and
// a hundred rule instances, is far beyond any machine).
TEST_F(Hardening, CoverageOfALargeStateEnumIsExactAndSmall) {
  std::string spec = "enum S { ";
  for (int i = 0; i < 20000; ++i) spec += (i ? ", S" : "S") + std::to_string(i);
  spec += " }\nendpoint { state: S = S0 }\n";
  spec += "call far in S0 { goto S299 }\n";
  for (int i = 0; i < 49; ++i) spec += "call r" + std::to_string(i) + " in S299 { goto S19999 }\n";
  spec += "invariant fine expect hold: true\n";
  auto r = test::check_text(spec);
  ASSERT_TRUE(r);
  const auto& members = r->spec->model.state_enum().members;
  std::vector<std::string> seen;
  for (const auto& t : r->exploration.coverage.endpoint_transitions)
    if (t.ep == 0) seen.push_back(members[t.from] + "->" + members[t.to]);
  ASSERT_EQ(seen.size(), 50u);
  EXPECT_EQ(seen[0], "S0->S299");
  EXPECT_EQ(seen[1], "S299->S19999");
}

// --memory-limit bounds the memory the process really holds (its peak resident set), within 10 %.
TEST_F(Hardening, MemoryLimitBoundsThePeakResidentSet) {
  const std::string spec = std::string(TCPMC_SOURCE_DIR) + "/specs/rfc9293.tcp";
  auto r = run_tcpmc({"check", spec, "--memory-limit", "100", "-q", "--no-progress"});
  EXPECT_EQ(r.code, 5) << r.err;
  EXPECT_NE(r.out.find("incomplete: memory limit of 100 MB reached"), std::string::npos) << r.out;
  EXPECT_LE(r.max_rss_kb, 110 * 1024);
  EXPECT_GT(r.max_rss_kb, 20 * 1024);  // it did run
}

}  // namespace
}  // namespace tcpmc
