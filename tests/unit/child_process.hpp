// Running the tcpmc executable (TCPMC_BINARY), or another program, as a child process for
// end-to-end tests, without a shell: the program is found by find_program (a PATH lookup in C++)
// and started with execve, its arguments as they are (so names with quotes, `$(...)` and newlines
// reach tcpmc unchanged). The working directory, extra environment variables, the standard output
// file, stderr merged into stdout (a shell's `2>&1`) and a file-size limit can be chosen; the
// result carries the exit code, both output streams and the peak resident set size. A child can
// also be interrupted once its standard error shows a given text (event-driven: the test blocks
// on the pipe; nothing sleeps). Standard input is /dev/null.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace tcpmc::test {

struct ChildResult {
  int code = -1;       // exit code, or 128 + signal
  std::string out, err;
  long max_rss_kb = 0;  // peak resident set size of the child
};

struct ChildOptions {
  std::string cwd;                     // "" = the test's own
  std::string stdout_path;             // "" = captured into ChildResult::out
  std::optional<rlim_t> file_size;     // RLIMIT_FSIZE in bytes (SIGXFSZ ignored: writes fail)
  std::string signal_when_err_has;     // send `signal` once stderr contains this text
  int signal = SIGINT;
  bool merge_stderr = false;           // stderr into stdout, in write order (the shell's `2>&1`):
                                       // ChildResult::err stays empty; not with signal_when_err_has
  std::vector<std::string> env;        // "NAME=value" entries added to (or replacing) the test's own
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What `command -v NAME` finds, without a shell: a name with a '/' as it is, otherwise the first
// executable regular file NAME in a directory of PATH (an empty entry is the current directory);
// "" when there is none.
inline std::string find_program(const std::string& name) {
  namespace fs = std::filesystem;
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  const std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t from = 0;
  while (true) {
    const size_t colon = dirs.find(':', from);
    const std::string dir = dirs.substr(from, colon == std::string::npos ? std::string::npos : colon - from);
    const fs::path candidate = fs::absolute(fs::path(dir.empty() ? "." : dir) / name);
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (colon == std::string::npos) return "";
    from = colon + 1;
  }
}

// Runs `argv` (argv[0] a path, or a program name looked up with find_program). A program that
// cannot be started exits 127, as from a shell.
inline ChildResult run_program(std::vector<std::string> argv_s, const ChildOptions& opt = {}) {
  ChildResult r;
  const std::string program = argv_s.empty() ? "" : find_program(argv_s[0]);
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment: the test's own, with opt.env's entries replacing those of the same name.
  std::vector<std::string> env_s;
  for (char** e = ::environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& o : opt.env) replaced |= o.substr(0, o.find('=')) == name;
    if (!replaced) env_s.push_back(entry);
  }
  env_s.insert(env_s.end(), opt.env.begin(), opt.env.end());
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  char out_tmpl[] = "/tmp/tcpmc_child_out_XXXXXX";
  const int out_fd = opt.stdout_path.empty() ? mkstemp(out_tmpl) : -1;
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return r;
  const pid_t pid = fork();
  if (pid == 0) {
    if (!opt.cwd.empty() && chdir(opt.cwd.c_str()) != 0) _exit(120);
    int fd = out_fd;
    if (!opt.stdout_path.empty()) fd = open(opt.stdout_path.c_str(), O_WRONLY);
    if (fd < 0) _exit(121);
    dup2(fd, 1);
    dup2(opt.merge_stderr ? fd : err_pipe[1], 2);  // dup2 clears O_CLOEXEC on the copy
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    if (opt.file_size) {
      signal(SIGXFSZ, SIG_IGN);
      rlimit lim{*opt.file_size, *opt.file_size};
      setrlimit(RLIMIT_FSIZE, &lim);
    }
    if (!program.empty()) execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(err_pipe[1]);
  bool signalled = false;
  char buf[4096];
  ssize_t n;
  while ((n = read(err_pipe[0], buf, sizeof buf)) > 0) {
    r.err.append(buf, static_cast<size_t>(n));
    if (!signalled && !opt.signal_when_err_has.empty() && r.err.find(opt.signal_when_err_has) != std::string::npos) {
      kill(pid, opt.signal);
      signalled = true;
    }
  }
  close(err_pipe[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  r.max_rss_kb = usage.ru_maxrss;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  if (out_fd >= 0) {
    close(out_fd);
    r.out = slurp(out_tmpl);
    unlink(out_tmpl);
  }
  return r;
}

inline ChildResult run_tcpmc(const std::vector<std::string>& args, const ChildOptions& opt = {}) {
  std::vector<std::string> argv = {TCPMC_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(std::move(argv), opt);
}

}  // namespace tcpmc::test
