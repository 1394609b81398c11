#include "child_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>

extern char** environ;

namespace tcpmc {

ChildStatus run_child(const std::vector<std::string>& args, const std::string& output) {
  using Kind = ChildStatus::Kind;
  if (args.empty()) return {Kind::CannotStart, EINVAL};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc == ENOENT) return {Kind::NotFound, 0};
  if (rc != 0) return {Kind::CannotStart, rc};
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0)
    if (errno != EINTR) return {Kind::Lost, errno};
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127) return {Kind::NotFound, 127};
  if (WIFEXITED(wstatus)) return {Kind::Exited, WEXITSTATUS(wstatus)};
  return {Kind::Signalled, WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0};
}

}  // namespace tcpmc
