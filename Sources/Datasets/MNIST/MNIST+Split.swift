import Backprop

extension MNIST {
    /// One of the three sets of images.
    public enum Split: String, CaseIterable, Sendable {
        case training, validation, test

        /// The files this split is read from: the two `t10k` files for the test images, the two
        /// `train` files for the others.
        public var files: [File] {
            switch self {
            case .training, .validation: return [.trainingImages, .trainingLabels]
            case .test: return [.testImages, .testLabels]
            }
        }
    }

    /// Reads only the files that `split` needs (so the test images need only the two `t10k`
    /// files in `directory`).
    ///
    /// - Parameter validationCount: As for ``init(directory:validationCount:)``.
    /// - Throws: As ``init(directory:validationCount:)`` does, for this split's files only.
    public static func load(_ split: Split, directory: String, validationCount: Int = 10_000) throws -> LabelledData {
        let location = try MNISTLocation(directory: directory, files: split.files)
        switch split {
        case .test: return try readSet(images: location.path(of: .testImages), labels: location.path(of: .testLabels))
        case .training: return try readTrainingFiles(at: location, validationCount: validationCount).training
        case .validation: return try readTrainingFiles(at: location, validationCount: validationCount).validation
        }
    }

    /// The images of `split`.
    public subscript(split: Split) -> LabelledData {
        switch split {
        case .training: training
        case .validation: validation
        case .test: test
        }
    }
}
