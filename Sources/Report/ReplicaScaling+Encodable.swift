extension ReplicaScaling: Encodable {
    /// One element of `scaling` in `summary.json`. Derived from `cells` on every write and
    /// ignored on read, as `groups` is. Not in SPEC.md's schema: an addition.
    ///
    /// ```
    /// { "dimension": "replicas", "system": "builtin",
    ///   "scenario": null, "cpus": null, "connections": 1000, "rate_per_second": null,   // held
    ///   "base_replicas": 1, "missing_replicas": [],
    ///   "points": [ { "replicas": 1, "requests_per_second": 41200, "p99_us": 1200, "efficiency": 1 }, … ] }
    /// ```
    /// Figures are medians over the ok repeats; `efficiency` and `p99_us` may be `null`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CellGroup.Key.self)
        try container.encode("replicas", forKey: "dimension")
        try container.encode(system, forKey: "system")
        try container.encode(fixed.values["scenario"], forKey: "scenario")
        try container.encode(fixed.numbers["cpus"], forKey: "cpus")
        try container.encode(fixed.numbers["connections"].map { Int($0) }, forKey: "connections")
        try container.encode(fixed.numbers["rate_per_second"], forKey: "rate_per_second")
        try container.encode(baseReplicas, forKey: "base_replicas")
        try container.encode(missing, forKey: "missing_replicas")
        var points = container.nestedUnkeyedContainer(forKey: "points")
        for point in self.points {
            var entry = points.nestedContainer(keyedBy: CellGroup.Key.self)
            try entry.encode(point.replicas, forKey: "replicas")
            try entry.encode(point.requestsPerSecond, forKey: "requests_per_second")
            try entry.encode(point.p99Microseconds, forKey: "p99_us")
            try entry.encode(point.efficiency, forKey: "efficiency")
        }
    }
}
