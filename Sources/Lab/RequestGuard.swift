/// The checks every request meets before any work: its Host must be the lab's own address and
/// its Origin, when sent, a page of that address. A web page from elsewhere could otherwise
/// drive the lab through the user's browser, directly (Origin) or by pointing its own domain
/// name at 127.0.0.1 (DNS rebinding, caught by Host).
struct RequestGuard: Sendable {
    /// Host header values allowed, lowercased: "127.0.0.1:8080", "localhost:8080", …
    let allowedHosts: Set<String>
    /// Request bodies longer than this are refused.
    static let bodyLimit = 1 << 20

    init(host: String, port: UInt16) {
        var names: Set<String> = ["127.0.0.1", "localhost", "[::1]"]
        names.insert(host.contains(":") && !host.hasPrefix("[") ? "[\(host.lowercased())]" : host.lowercased())
        allowedHosts = Set(names.map { "\($0):\(port)" })
    }

    /// Nil when the request may go on, else why not.
    func problem(host: String?, origin: String?, bodyLength: Int?) -> LabError? {
        guard let host, allowedHosts.contains(host.lowercased()) else {
            return .forbidden("Host \"\(host ?? "")\" is not this lab's address; open the lab at "
                              + "\(allowedHosts.sorted().first.map { "http://\($0)/" } ?? "its own address")")
        }
        if let origin {
            let lowered = origin.lowercased()
            guard lowered.hasPrefix("http://"), allowedHosts.contains(String(lowered.dropFirst("http://".count))) else {
                return .forbidden("requests from the page at \(origin) are refused: only the lab's own page may use it")
            }
        }
        if let bodyLength, bodyLength > Self.bodyLimit {
            return .tooLarge("the request body has \(bodyLength) bytes; the limit is \(Self.bodyLimit) (1 MiB)")
        }
        return nil
    }
}
