import Glibc

/// A mounted cgroup filesystem, as read from `/proc/self/mountinfo` (or `/proc/mounts`).
///
/// Mount points are found, not assumed: distributions and containers put the hierarchies in
/// different places (`/sys/fs/cgroup`, `/sys/fs/cgroup/unified`, `/sys/fs/cgroup/cpu,cpuacct`).
struct CgroupMount: Sendable, Equatable {
    /// Where it is mounted.
    var mountPoint: String
    /// `cgroup` is v1, `cgroup2` is v2.
    var version: CgroupVersion
    /// v1: the controllers bound to this hierarchy (from the mount options) that Barrage uses.
    /// v2: empty here; the hierarchy's root `cgroup.controllers` file says which are available.
    var controllers: Set<CgroupController>
    /// v1 `noprefix` mounts name files `cpus` instead of `cpuset.cpus`.
    var noPrefix: Bool

    /// This process's view of the mounted cgroup filesystems.
    static func current() -> [CgroupMount] {
        if let text = CgroupFiles.read("/proc/self/mountinfo") { return parse(mountinfo: text) }
        if let text = CgroupFiles.read("/proc/mounts") { return parse(procMounts: text) }
        return []
    }

    /// Parses `/proc/<pid>/mountinfo`: `id parent dev root mountpoint options [optional…] -
    /// fstype source superoptions`; the optional fields vary, so the type is found after `-`.
    static func parse(mountinfo text: String) -> [CgroupMount] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 7, let dash = fields.firstIndex(of: "-"), dash >= 6,
                dash + 1 < fields.count
            else { return nil }
            let superOptions = dash + 3 < fields.count ? fields[dash + 3] : ""
            return mount(type: fields[dash + 1], point: fields[4], options: fields[5] + "," + superOptions)
        }
    }

    /// Parses `/proc/mounts`: `source mountpoint fstype options dump pass`.
    static func parse(procMounts text: String) -> [CgroupMount] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 4 else { return nil }
            return mount(type: fields[2], point: fields[1], options: fields[3])
        }
    }

    private static func mount(type: Substring, point: Substring, options: Substring) -> CgroupMount? {
        let version: CgroupVersion
        switch type {
        case "cgroup": version = .v1
        case "cgroup2": version = .v2
        default: return nil
        }
        let words = Set(options.split(separator: ",").map(String.init))
        let controllers = version == .v1 ? Set(CgroupController.allCases.filter { words.contains($0.rawValue) }) : []
        return CgroupMount(
            mountPoint: unescape(point), version: version, controllers: controllers,
            noPrefix: words.contains("noprefix"))
    }

    /// The kernel writes blanks and backslashes in paths as three-digit octal escapes (`\040`).
    static func unescape(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"),
                let value = octal(utf8[(index + 1)..<min(index + 4, utf8.count)])
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        guard digits.count == 3 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + Int(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}
