/// Why a piece of text could not be read; the validator places it at the right position.
struct TextProblem: Error, Equatable {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}
