/// A set of CPU numbers in the kernel's list syntax (`0-3,6`), as `cpuset.cpus` and
/// `/sys/devices/system/cpu/online` write them and a topology's `server.limits.cpuset` gives
/// them: the one parser of that syntax, for the validator, the CPU allowance on both sides
/// and the cgroup planner.
public struct CPUList: Sendable, Equatable, CustomStringConvertible {
    /// The CPUs, ascending, without repeats.
    public let cpus: [Int]

    /// Highest CPU number accepted; the kernel's own limit is far lower on real machines, and a
    /// bound keeps `0-99999999` from building a huge array.
    public static let maximumCPU = 65_535

    /// Parses `N` and `N-M` items separated by commas; surrounding blanks and newlines are
    /// ignored, and an empty text is the empty set (a v1 cpuset with nothing assigned).
    public init?(_ text: String) {
        let trimmed = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined()
        var result = Set<Int>()
        if !trimmed.isEmpty {
            for item in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
                let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count == 1 || bounds.count == 2 else { return nil }
                let numbers = bounds.compactMap { Self.number($0) }
                guard numbers.count == bounds.count, numbers[0] <= numbers[numbers.count - 1] else { return nil }
                result.formUnion(numbers[0]...numbers[numbers.count - 1])
            }
        }
        cpus = result.sorted()
    }

    /// The list in kernel syntax, ranges collapsed (`0-2,5`).
    public var description: String {
        var parts: [String] = []
        var index = 0
        while index < cpus.count {
            var end = index
            while end + 1 < cpus.count, cpus[end + 1] == cpus[end] + 1 { end += 1 }
            parts.append(end == index ? "\(cpus[index])" : "\(cpus[index])-\(cpus[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// The CPUs of `self` that `allowed` lacks.
    public func subtracting(_ allowed: CPUList) -> CPUList {
        let others = Set(allowed.cpus)
        return CPUList(sorted: cpus.filter { !others.contains($0) })
    }

    private init(sorted: [Int]) {
        cpus = sorted
    }

    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int(text), value <= maximumCPU
        else { return nil }
        return value
    }
}
