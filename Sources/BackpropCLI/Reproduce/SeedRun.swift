import Backprop

/// One experiment trained with one seed: the figure the book quotes, and whether the run stalled.
struct SeedRun {
    var seed: UInt64
    /// The accuracy the book's figure is compared with, in percent.
    var accuracy: Double
    /// The epoch it comes from, counted from 0.
    var epoch: Int
    var seconds: Double
    /// The trained network's output values on the training images (the first 10,000 at most)
    /// that are saturated on the wrong answer (``LearningSpeed/wronglySaturatedOutputShare``).
    var wronglySaturatedOutputShare: Double

    /// Whether the run got stuck with saturated output neurons: more than ``stallShare`` of the
    /// output values on the training images have σ′(z) < 0.01 on the wrong side of ½.
    ///
    /// An output neuron stuck near 0 for the images of its own digit counts about 1% on its own
    /// (one image in ten, one neuron in ten), and the quadratic cost's σ′ factor keeps it there.
    /// A run that learned is right on almost every training image, even when it overfits.
    var stalled: Bool { wronglySaturatedOutputShare > Self.stallShare }

    static let stallShare = 0.005
}
