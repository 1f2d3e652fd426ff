import Glibc
import UV
import WorkerCore

extension WorkerAgent {
    /// Runs a worker until its control channel closes; returns the process exit code.
    public static func main(selfExecutable: String) -> Int32 {
        if isatty(0) != 0 || isatty(1) != 0 {
            StandardError.write(
                "barrage worker is started by `barrage launch` and speaks its control protocol on stdin/stdout; it is not meant to be run by hand\n"
            )
            return 2
        }
        ignoreSIGPIPE()
        ProcessPriority.restoreForWorker()
        do {
            let loop = try Loop()
            let ports = try LoopWorkerPorts(loop: loop, selfExecutable: selfExecutable)
            let agent = WorkerAgent(ports: ports)
            try ports.start(agent, tickMs: AgentTimeouts().tickMs)
            loop.run()
            loop.closeAll()
            return 0
        } catch {
            StandardError.write("barrage worker: \(error)\n")
            return 1
        }
    }
}
