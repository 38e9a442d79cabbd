#include "tests/support/local_image.h"

#include <sys/wait.h>

#include <chrono>
#include <fstream>

#include "tests/support/servers.h"

namespace scale::test {
namespace {

namespace fs = std::filesystem;

// A fixed layer id: the tar puller only needs ids to be consistent inside the archive.
constexpr const char* kLayerId = "5ca1e0000000000000000000000000000000000000000000000000000000b0b0";

std::optional<std::string> run_tar(const std::vector<std::string>& argv, const fs::path& log) {
  ChildProcess tar(argv, log);
  const int status = tar.wait(std::chrono::seconds(60));
  if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return "tar failed (see " + log.string() + ")";
  }
  return std::nullopt;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

void write_rootfs(const fs::path& root) {
  fs::create_directories(root / "bin");
  fs::copy_file("/bin/busybox", root / "bin/busybox");
  for (const char* tool : {"sh", "echo", "cat", "env", "sleep", "id", "ls"})
    fs::create_symlink("busybox", root / "bin" / tool);
  for (const char* dir : {"proc", "sys", "dev", "tmp", "etc", "root"})
    fs::create_directories(root / dir);
  write_file(root / "etc/passwd",
             "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
  write_file(root / "etc/group", "root:x:0:\nnogroup:x:65534:\n");
}

}  // namespace

std::optional<std::string> write_busybox_image(const fs::path& directory, const std::string& name) {
  if (!fs::exists("/bin/busybox")) return "no /bin/busybox (install busybox-static)";
  const fs::path work = directory / (name + ".build");
  fs::remove_all(work);
  const fs::path layer_dir = work / "save" / kLayerId;
  fs::create_directories(layer_dir);
  write_rootfs(work / "rootfs");
  const fs::path log = work / "tar.log";
  if (auto error = run_tar(
          {"tar", "-C", (work / "rootfs").string(), "-cf", (layer_dir / "layer.tar").string(), "."},
          log))
    return error;
  write_file(layer_dir / "VERSION", "1.0");
  write_file(layer_dir / "json", std::string(R"({"id":")") + kLayerId +
                                     R"(","os":"linux","architecture":"amd64",)"
                                     R"("config":{"Cmd":["/bin/sh","-c","echo image-default"],)"
                                     R"("Env":["PATH=/bin"]}})");
  write_file(work / "save/repositories",
             R"({")" + name + R"(":{"latest":")" + std::string(kLayerId) + R"("}})");
  if (auto error = run_tar({"tar", "-C", (work / "save").string(), "-cf",
                            (directory / (name + ".tar")).string(), "."},
                           log))
    return error;
  fs::remove_all(work);
  return std::nullopt;
}

std::optional<std::string> image_launch_unsupported() {
  if (!fs::exists("/proc/sysrq-trigger")) {
    return "this kernel has no /proc/sysrq-trigger (no magic SysRq), which the Mesos "
           "containerizer bind-mounts over in every image rootfs";
  }
  return std::nullopt;
}

}  // namespace scale::test
