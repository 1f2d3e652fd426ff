import Foundation
import Metrics

/// The text of `nodes/<cell>/<server>.samples.jsonl`: the server's resource samples as they
/// arrived, one JSON object a line (`{"t_ms":…,"cpu_s":…,"rss":…,"threads":…}`).
public enum SampleLog {
    /// A server's file name in its cell's folder.
    public static func fileName(node: String) -> String { "\(node).samples.jsonl" }

    /// The lines of `samples`.
    public static func lines(_ samples: [ResourceSample]) -> String {
        samples.compactMap { sample in
            (try? encoder.encode(sample)).map { String(decoding: $0, as: UTF8.self) + "\n" }
        }.joined()
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
