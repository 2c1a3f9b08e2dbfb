/// The ensemble's answer for each image: the digit most members chose (chapter 6's vote of five
/// networks).
///
/// Tie rule: when several digits share the most votes, the answer is the one chosen by the
/// first member (in the order the members are listed, their seeds ascending) whose choice is
/// among them. For choices 1, 5, 3, 5, 3 the tied digits are 5 and 3; the first member chose 1,
/// the second 5, so the answer is 5. The rule needs nothing but the choices, is the same on every
/// machine, and with two members gives the first member's answer.
enum PluralityVote {
    /// - Parameter choices: choices[member][image], each a class from 0 to `classes` − 1; every
    ///   member chooses for the same images.
    /// - Returns: The answer for each image, and how many images had a tie.
    static func vote(_ choices: [[Int]], classes: Int) -> (answers: [Int], ties: Int) {
        guard let first = choices.first else { return ([], 0) }
        precondition(choices.allSatisfy { $0.count == first.count }, "every member chooses for the same images")
        var answers: [Int] = [], ties = 0
        answers.reserveCapacity(first.count)
        var counts = [Int](repeating: 0, count: classes)
        for image in first.indices {
            for c in counts.indices { counts[c] = 0 }
            for member in choices { counts[member[image]] += 1 }
            let most = counts.max()!
            let tied = counts.filter { $0 == most }.count > 1
            if tied { ties += 1 }
            answers.append(choices.first { counts[$0[image]] == most }![image])
        }
        return (answers, ties)
    }
}
