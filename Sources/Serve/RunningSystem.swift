/// A started system under test: its process (leader of its own session and process group,
/// whose tree is sampled) and the port it was told.
struct RunningSystem {
    let child: any LayerChild
    let port: Int

    /// Also its process group and session id (it was started detached).
    var pid: Int32 { child.pid }
}
