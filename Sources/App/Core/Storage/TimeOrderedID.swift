import Foundation

/// UUIDs that begin with the time in milliseconds (RFC 9562, version 7), for rows written in bulk.
///
/// A random key lands on a random page of its primary-key index, and the other indexes keyed by
/// it (the search queue's), so each row of a webhook batch dirtied pages of its own, and SQLite
/// writes a dirtied page whole to the WAL on every commit and again at the checkpoint. Keys made
/// now sort after the keys made before, as text on SQLite and as bytes on PostgreSQL, so a batch
/// adds to the last page of each such index. The other 74 bits are random, as in any UUID.
enum TimeOrderedID {
    static func make(at now: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: UInt64(max(0, now.timeIntervalSince1970 * 1000)), using: &generator)
    }

    static func make(milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        for index in 6..<16 { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // the RFC's variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
