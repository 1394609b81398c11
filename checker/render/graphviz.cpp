#include "graphviz.hpp"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <vector>

extern char** environ;

namespace tcpmc {

GraphvizStatus render_dot_to_svg(const std::string& dot_path, const std::string& svg_path) {
  // Absolute paths: a relative name that starts with '-' must not read as an option.
  std::error_code ec;
  const std::string in = std::filesystem::absolute(dot_path, ec).string();
  const std::string out = std::filesystem::absolute(svg_path, ec).string();
  if (ec) return GraphvizStatus::Failed;
  std::vector<std::string> args = {"dot", "-Tsvg", "-o", out, in};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "dot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc == ENOENT) return GraphvizStatus::NotInstalled;
  if (rc != 0) return GraphvizStatus::Failed;
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0)
    if (errno != EINTR) return GraphvizStatus::Failed;
  // glibc's posix_spawnp reports a missing program as exit status 127 of the child.
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127) return GraphvizStatus::NotInstalled;
  return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 ? GraphvizStatus::Rendered : GraphvizStatus::Failed;
}

}  // namespace tcpmc
