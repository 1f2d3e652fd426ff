import ArgumentParser
import UV
import Glibc

// Exit codes are the contract's, not ArgumentParser's: usage errors exit 2 like a bad topology.
do {
    var command = try Barrage.parseAsRoot()
    try command.run()
    exit(0)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let exitCode = Barrage.exitCode(for: error)
    let message = Barrage.fullMessage(for: error)
    if exitCode == .success {
        print(message)
        exit(0)
    }
    StandardError.write(message + "\n")
    exit(2)
}
