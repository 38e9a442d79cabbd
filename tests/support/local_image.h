#pragma once

// A container image for the real-Mesos suite without a registry or Docker: a busybox image in the
// classic `docker save` layout (repositories, <layer>/json, <layer>/layer.tar), which a Mesos
// agent started with --docker_registry=<directory> reads as <directory>/<name>.tar.

#include <filesystem>
#include <optional>
#include <string>

namespace scale::test {

// Writes <directory>/<name>.tar holding one layer with the static busybox (/bin/busybox, Debian's
// busybox-static) linked as sh, echo, cat, env, sleep, id and ls, an /etc/passwd with root and
// nobody, and the empty /proc, /sys, /dev and /tmp a container rootfs needs. The image's default
// command is `/bin/sh -c "echo image-default"`. Returns why not when it cannot.
std::optional<std::string> write_busybox_image(const std::filesystem::path& directory,
                                               const std::string& name);

// Why this machine cannot launch a container from an image with the Mesos containerizer, or
// nullopt. The containerizer bind-mounts over /proc/sysrq-trigger (and other masked paths) in
// every image's rootfs; a kernel without magic SysRq has no such file and every launch fails.
std::optional<std::string> image_launch_unsupported();

}  // namespace scale::test
