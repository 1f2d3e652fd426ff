/// How the report's capacity charts name a search.
extension CapacityEntry {
    /// What the search held fixed, as chart headings name it: "capacity, 1,000 connections, cpus 2".
    var heading: String {
        var parts: [String] = []
        if let scenario { parts.append(scenario) }
        parts.append("\(FigureFormat.count(connections)) connections")
        if let cpus { parts.append("cpus \(ChartLabels.number(cpus))") }
        if replicas > 1 { parts.append("\(replicas) replicas") }
        return parts.joined(separator: ", ")
    }
}
