import Metrics
import Wire

/// What one load thread of a client worker tells its worker, as `ClientGathering` needs it.
public enum ThreadReport: Sendable, Equatable {
    /// Its connections are up (`established`) or failed, by reason.
    case connected(established: Int, failures: [String: UInt64])
    /// It has marked the window's edge.
    case marked(WindowMark)
    /// Its running totals, and the window's seconds that ended since it last said.
    case progress(ProgressReport, closed: [ClientInterval])
    /// It has stopped: its last seconds, and the server's silences it saw.
    case stopped(closed: [ClientInterval], pauses: [PauseSpan])
}
