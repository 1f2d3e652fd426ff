/// Escaping for text and attribute values placed into HTML or SVG.
enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` as entities: safe inside elements and quoted attributes.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A coordinate for SVG: one decimal is finer than a pixel and keeps the file small.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded()
        let text = FigureFormat.decimal(tenths / 10, decimals: 1).replacingOccurrences(of: ",", with: "")
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
