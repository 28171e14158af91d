import CZlib

/// gzip, for the files of DynamoDB's export to S3 (`data/*.json.gz`).
public enum Gzip {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether `bytes` start with gzip's magic number.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The content of a gzip file (several members concatenated, as `cat a.gz b.gz` makes, too).
    public static func decompress(_ input: [UInt8]) throws(Failure) -> [UInt8] {
        var output: [UInt8] = []
        var offset = 0
        while offset < input.count {
            var stream = z_stream()
            guard trident_inflate_init(&stream) == Z_OK else { throw Failure(description: "zlib could not start") }
            defer { inflateEnd(&stream) }
            let remaining = Array(input[offset...])
            let status = pump(&stream, remaining, into: &output) { inflate(&$0, Z_NO_FLUSH) }
            let consumed = remaining.count - Int(stream.avail_in)
            guard status == Z_STREAM_END else { throw Failure(description: "not a whole gzip file (zlib status \(status))") }
            offset += consumed
        }
        return output
    }

    /// Runs `step` over all of `input` while it answers Z_OK, collecting what it writes; its last status.
    private static func pump(_ stream: inout z_stream, _ input: [UInt8], into output: inout [UInt8], _ step: (inout z_stream) -> Int32) -> Int32 {
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while status == Z_OK {
                status = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return step(&stream)
                }
                output += chunk[0..<(chunk.count - Int(stream.avail_out))]
            }
        }
        return status
    }

    public static func compress(_ input: [UInt8]) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard trident_deflate_init(&stream) == Z_OK else { throw Failure(description: "zlib could not start") }
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        let status = pump(&stream, input, into: &output) { deflate(&$0, Z_FINISH) }
        guard status == Z_STREAM_END else { throw Failure(description: "zlib could not compress (status \(status))") }
        return output
    }
}
