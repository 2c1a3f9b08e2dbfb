import Backprop

/// How `backprop lab` was started.
public struct LabSettings: Sendable {
    /// The address to listen on: 127.0.0.1 unless the user asks for another.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: UInt16
    /// The model file the lab opens with; nil starts from a new network of the book's shape.
    public var modelPath: String?
    /// The folder of the page's files; nil serves those built into the package.
    public var pageDirectory: String?
    /// The folder with the MNIST files.
    public var mnistDirectory: String
    /// The runs store; nil records nothing.
    public var runsStorePath: String?
    /// Where models trained in the lab are saved (and checkpointed on Ctrl-C).
    public var modelsDirectory: String
    /// The engine that trains.
    public var engine: Engine

    public init(host: String = "127.0.0.1", port: UInt16 = 8080, modelPath: String? = nil, pageDirectory: String? = nil,
                mnistDirectory: String, runsStorePath: String?, modelsDirectory: String, engine: Engine = .automatic) {
        self.host = host
        self.port = port
        self.modelPath = modelPath
        self.pageDirectory = pageDirectory
        self.mnistDirectory = mnistDirectory
        self.runsStorePath = runsStorePath
        self.modelsDirectory = modelsDirectory
        self.engine = engine
    }
}
