/// Which processes belong to a tree rooted at `root`, from a snapshot of every process.
///
/// A process belongs if the root is among its ancestors, or if it is in the root's session
/// (the server runs in its own session, so a child that re-parented to init after its parent
/// died is still counted).
public enum ProcessTree {
    /// The members of the tree (the root included if it is in `processes`).
    public static func members(root: Int32, in processes: [ProcStat]) -> [ProcStat] {
        var byParent: [Int32: [ProcStat]] = [:]
        for process in processes { byParent[process.parentPid, default: []].append(process) }
        var members: [Int32: ProcStat] = [:]
        var stack = processes.filter { $0.pid == root || $0.session == root }
        while let next = stack.popLast() {
            guard members[next.pid] == nil else { continue }
            members[next.pid] = next
            stack.append(contentsOf: byParent[next.pid] ?? [])
        }
        return members.values.sorted { $0.pid < $1.pid }
    }
}
