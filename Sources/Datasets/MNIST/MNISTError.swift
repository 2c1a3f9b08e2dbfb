/// Problems with the MNIST data set as a whole.
public enum MNISTError: Error, Equatable, CustomStringConvertible {
    /// Some of the four files are not in the directory.
    case missingFiles(directory: String, missing: [String])
    /// The path given as the data folder is a file.
    case notAFolder(path: String)
    /// A folder stands where one of the data files should be.
    case fileIsAFolder(path: String)
    /// The training file is too small to hold out the validation images.
    case tooFewTrainingImages(count: Int, validationCount: Int)

    public var description: String {
        switch self {
        case .missingFiles(let directory, let missing):
            return "MNIST data not found in \(directory): missing \(missing.joined(separator: ", ")) "
                + "(each as NAME.gz or NAME). Run `backprop download` to fetch them there, "
                + "or point --data or MNIST_DIR at a folder that has them."
        case .notAFolder(let path):
            return "\(path) is a file, not a folder: --data and MNIST_DIR name the folder that holds the MNIST files "
                + "(train-images-idx3-ubyte.gz and the others)"
        case .fileIsAFolder(let path):
            return "\(path) is a folder, not a file: the MNIST data folder must hold the data files themselves"
        case .tooFewTrainingImages(let count, let validationCount):
            return "The training file has \(count) images, too few to hold out \(validationCount) for validation"
        }
    }
}
