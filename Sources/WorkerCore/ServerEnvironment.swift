/// The environment a system under test runs with, and nothing else: a few variables from the
/// worker's own environment so a `run` script finds its tools and its home, Barrage's own
/// variables, and the topology's `env`. The shell that started Barrage stays out of the
/// measurement: an exported `BARRAGE_BUILTIN_DELAY`, `GOMAXPROCS` or `BARRAGE_CPUS` reaches no
/// system unless the topology gives it. A recipe's `build` measures nothing and inherits the
/// worker's whole environment (proxies, certificate bundles, toolchain homes), with Barrage's
/// variables on top.
public enum ServerEnvironment {
    /// What is passed on from the worker's environment when set there.
    public static let baseNames = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR"]

    /// The variables, in order of precedence (a later one wins): the base (or, for a build,
    /// everything `inherited`), then `barrage`, then the topology's `topology`.
    public static func variables(
        inherited: [(String, String)], barrage: [(name: String, value: String)],
        topology: [(name: String, value: String)], forBuild: Bool
    ) -> [String: String] {
        var environment: [String: String] = [:]
        for (name, value) in inherited where forBuild || baseNames.contains(name) { environment[name] = value }
        for pair in barrage + topology { environment[pair.name] = pair.value }
        return environment
    }
}
