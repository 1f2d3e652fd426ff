/// The version written into `summary.json`.
public enum BarrageVersion {
    public static let current = "0.1.0"
}
