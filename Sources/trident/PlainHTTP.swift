import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 request over a plain socket, the connection closed after it: what the client
/// commands (`cost`, `wait`, `import`, `export`) say to a server on this machine or in a container.
enum PlainHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func get(endpoint: String, path: String, timeout: Double = 60) throws -> (status: Int, body: [UInt8]) {
        try request("GET", endpoint: endpoint, path: path, timeout: timeout)
    }

    /// A DynamoDB API call: its JSON answer, or the server's error as a failure.
    static func call(endpoint: String, operation: String, _ body: [UInt8]) throws -> [UInt8] {
        let headers = ["Content-Type: application/x-amz-json-1.0", "X-Amz-Target: DynamoDB_20120810.\(operation)"]
        let (status, answer) = try request("POST", endpoint: endpoint, path: "/", headers: headers, body: body)
        guard status == 200 else { throw Failure(description: "\(operation): HTTP \(status): \(String(decoding: answer, as: UTF8.self))") }
        return answer
    }

    static func request(
        _ method: String, endpoint: String, path: String, headers: [String] = [], body: [UInt8] = [], timeout: Double = 60
    ) throws -> (status: Int, body: [UInt8]) {
        guard endpoint.hasPrefix("http://") else { throw Failure(description: "only http:// endpoints: \(endpoint)") }
        let authority = endpoint.dropFirst("http://".count).split(separator: "/").first.map(String.init) ?? ""
        let parts = authority.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw Failure(description: "expected http://HOST:PORT, got \(endpoint)") }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(String(parts[0]), String(port), &hints, &found) == 0, let address = found else {
            throw Failure(description: "cannot resolve \(parts[0])")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        // A server that accepts and never answers must not hold the command past its timeout.
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            throw Failure(description: "cannot connect to \(authority): errno \(errno)")
        }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\n"
        for header in headers { head += header + "\r\n" }
        if method != "GET" { head += "Content-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { write(fd, $0.baseAddress! + sent, $0.count - sent) }
            guard n > 0 else { throw Failure(description: "write to \(authority) failed: errno \(errno)") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw Failure(description: "no answer from \(authority) (errno \(errno))") }
            if n == 0 { break }
            response += buffer[0..<n]
        }
        guard let split = response.indices.first(where: { response[$0...].starts(with: [13, 10, 13, 10]) }) else {
            throw Failure(description: "no HTTP response")
        }
        let status = String(decoding: response[..<split], as: UTF8.self).split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, Array(response[(split + 4)...]))
    }
}
