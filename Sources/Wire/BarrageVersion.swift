/// The version written into `summary.json`, and reported as the builtin system's own
/// (`systems` in summary.json): in Wire, which coordinator and workers both link.
public enum BarrageVersion {
    public static let current = "0.1.0"
}
