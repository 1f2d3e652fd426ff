import Foundation
import Posix

/// The git commit Barrage was built from, as far as it can be known at run time:
/// `barrage_commit` in summary.json.
///
/// SwiftPM has no build step that could bake the commit into the binary, so this reads the
/// checkout the binary sits in (`<checkout>/.build/…/barrage`) with `git rev-parse HEAD`
/// when the run starts. An installed or copied binary has no checkout above it: nil, never
/// a guess. A tree edited since the build still names its HEAD; the README says so.
public enum SourceCommit {
    /// The commit of the checkout above `executable`, or nil.
    public static func of(executable: String) -> String? {
        guard let root = checkout(above: executable) else { return nil }
        return run(["git", "-C", root, "rev-parse", "--verify", "HEAD"]).flatMap(commit(in:))
    }

    /// What `arguments` (found on the PATH) printed on stdout when it exits 0, else nil. It
    /// runs before the coordinator's loop starts: `Spawner` leaves nothing behind to meet it.
    static func run(_ arguments: [String]) -> String? {
        guard case .success(let outcome) = Spawner.run(arguments, capturing: .standardOutput, limit: 4096),
            outcome.status == 0
        else { return nil }
        return outcome.text
    }

    /// The folder above `executable` that holds both `Package.swift` and `.git` (a folder,
    /// or a file in a worktree), or nil.
    static func checkout(above executable: String) -> String? {
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let manager = FileManager.default
        while url.path != "/" && !url.path.isEmpty {
            if manager.fileExists(atPath: url.path + "/Package.swift"), manager.fileExists(atPath: url.path + "/.git") {
                return url.path
            }
            url.deleteLastPathComponent()
        }
        return nil
    }

    /// `text`'s first line when it is a full commit id (40 or 64 hex digits), else nil.
    static func commit(in text: String) -> String? {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let isHex = line.allSatisfy { $0.isHexDigit && !$0.isUppercase }
        return isHex && (line.count == 40 || line.count == 64) ? line : nil
    }
}
