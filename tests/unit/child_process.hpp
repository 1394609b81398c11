// Running the tcpmc executable (TCPMC_BINARY), or another program, as a child process for
// end-to-end tests, without a shell: the arguments go to execvp as they are (so names with
// quotes, `$(...)` and newlines reach tcpmc unchanged), the working directory, the standard output file and a file-size limit can be
// chosen, and the result carries the exit code, both output streams and the peak resident set
// size. A child can also be interrupted once its standard error shows a given text (event-driven:
// the test blocks on the pipe; nothing sleeps). run_shell is the shell-based runner, for tests that
// need a shell's features.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
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
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `argv` (argv[0] a path, or a program name looked up in PATH).
inline ChildResult run_program(std::vector<std::string> argv_s, const ChildOptions& opt = {}) {
  ChildResult r;
  char out_tmpl[] = "/tmp/tcpmc_child_out_XXXXXX";
  const int out_fd = opt.stdout_path.empty() ? mkstemp(out_tmpl) : -1;
  int err_pipe[2];
  if (pipe(err_pipe) != 0) return r;
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (!opt.cwd.empty() && chdir(opt.cwd.c_str()) != 0) _exit(120);
    int fd = out_fd;
    if (!opt.stdout_path.empty()) fd = open(opt.stdout_path.c_str(), O_WRONLY);
    if (fd < 0) _exit(121);
    dup2(fd, 1);
    dup2(err_pipe[1], 2);
    close(err_pipe[0]);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    if (opt.file_size) {
      signal(SIGXFSZ, SIG_IGN);
      rlimit lim{*opt.file_size, *opt.file_size};
      setrlimit(RLIMIT_FSIZE, &lim);
    }
    execvp(argv[0], argv.data());
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

// Runs a command line through /bin/sh (for tests that want the shell's own features: variable
// assignments, redirections), capturing its standard output and exit code.
struct ShellResult {
  int code = -1;  // exit code, or 128 + signal
  std::string out;
};

inline ShellResult run_shell(const std::string& cmd) {
  ShellResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  return r;
}

}  // namespace tcpmc::test
