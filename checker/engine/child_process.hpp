// Child process: the one way tcpmc runs another program (the C++ compiler for --native, Graphviz's
// dot for diagrams).
//
// Contract: run_child(args, output) starts args[0] (looked up in PATH when it has no '/') with the
// argument vector `args` through posix_spawnp, never a shell, so no argument (a file name with
// quotes, `$(...)`, spaces or newlines) is interpreted; stdin is /dev/null, stdout and stderr go to
// the file `output` (created mode 0600 or truncated; "/dev/null" discards them). It waits for the
// child (retrying on EINTR) and says how it ended. glibc's posix_spawnp reports a program it
// cannot find either as ENOENT or as exit status 127 of the child: both are NotFound.
#pragma once
#include <string>
#include <vector>

namespace tcpmc {

struct ChildStatus {
  enum class Kind { Exited, NotFound, CannotStart, Signalled, Lost } kind = Kind::Lost;
  int value = 0;  // Exited: the exit status; Signalled: the signal; CannotStart, Lost: the errno
  bool ok() const { return kind == Kind::Exited && value == 0; }
};

ChildStatus run_child(const std::vector<std::string>& args, const std::string& output);

}  // namespace tcpmc
