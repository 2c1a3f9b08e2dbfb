import Foundation
import Testing

/// A value that starts with a minus sign is the option's value, not another option.
@Suite("Negative values reach their options")
struct NegativeValueTests {
    @Test("trace takes a negative input and target")
    func negativeInput() throws {
        let result = try runBackprop(["trace", "--layers", "2,3,2", "--input", "-0.5,0.3", "--target", "1,0"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Input x = a¹: [-0.5, 0.3]"))
    }

    @Test("A negative value gets its option's own check, not 'Missing value'", arguments: [
        (["trace", "--layers", "2,3,2", "--index", "-1"], "--index"),
        (["train", "--epochs", "-3"], "--epochs must be at least 1, got -3"),
        (["train", "--mini-batch-size", "-10"], "--mini-batch-size must be at least 1, got -10"),
    ])
    func negativeChecked(arguments: [String], message: String) throws {
        let result = try runBackprop(arguments, environment: ["MNIST_DIR": "/nonexistent"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"), "\(result.stderr)")
    }
}
