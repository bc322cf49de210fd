import Foundation
import GRDB
import GRDBSQLite

/// `docket_rank(document_text, n0, n1, …)`: BM25 as FTS5's `bm25()` computes it, with each
/// phrase's document count given by the caller (`nI` for phrase I, from `TermStatistics`)
/// instead of counted by reading the phrase's whole doclist.
///
/// That count is the only part of BM25 that depends on the whole archive; everything else —
/// how often each phrase occurs in this row, and in which column, the row's length, the mean
/// length — FTS5 knows from the row and one stored total. So ranking a few hundred candidate
/// rows costs the same for the commonest word as for the rarest. A phrase with a count of −1
/// (a filter such as a kind or a party, whose tokens are not words) adds nothing.
///
/// Column weights as the table's `rank` setting: title 4, body 1, parties 2, context 1.5,
/// facets 0. Like `bm25()`, the result is negative: better matches sort first in ascending order.
enum RankFunction {
    static let name = "docket_rank"
    static let columnWeights: [Double] = [4.0, 1.0, 2.0, 1.5, 0.0]
    /// BM25's usual constants, as FTS5 uses them.
    static let k1 = 1.2
    static let b = 0.75

    /// Makes the function available on `db`'s connection (every connection that searches).
    static func register(on db: Database) throws {
        let api = FTS5.api(db)
        guard let create = api.pointee.xCreateFunction else {
            throw DatabaseError(message: "FTS5 has no xCreateFunction")
        }
        let code = create(UnsafeMutablePointer(mutating: api), name, nil, rank, nil)
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
    }

    /// The inverse document frequency FTS5's `bm25()` uses: never below a small positive number,
    /// so that a word in more than half the documents still counts for something.
    static func inverseDocumentFrequency(documents: Double, rows: Double) -> Double {
        max(1e-6, log((rows - documents + 0.5) / (documents + 0.5)))
    }

    private static let rank: fts5_extension_function = { api, context, result, argumentCount, arguments in
        guard let api = api?.pointee, let context,
            let phraseCount = api.xPhraseCount.map({ Int($0(context)) }), phraseCount > 0
        else {
            sqlite3_result_double(result, 0)
            return
        }
        var rows: sqlite3_int64 = 0
        var totalTokens: sqlite3_int64 = 0
        var rowTokens: Int32 = 0
        var instances: Int32 = 0
        guard api.xRowCount?(context, &rows) == SQLITE_OK,
            api.xColumnTotalSize?(context, -1, &totalTokens) == SQLITE_OK,
            api.xColumnSize?(context, -1, &rowTokens) == SQLITE_OK, api.xInstCount?(context, &instances) == SQLITE_OK,
            let instance = api.xInst
        else {
            sqlite3_result_error(result, "docket_rank: FTS5 could not describe the row", -1)
            return
        }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: phraseCount) { frequency in
            frequency.initialize(repeating: 0)
            for index in 0..<instances {
                var phrase: Int32 = 0
                var column: Int32 = 0
                var offset: Int32 = 0
                guard instance(context, index, &phrase, &column, &offset) == SQLITE_OK,
                    (0..<phraseCount).contains(Int(phrase)), (0..<columnWeights.count).contains(Int(column))
                else { continue }
                frequency[Int(phrase)] += columnWeights[Int(column)]
            }
            let rowCount = Double(max(rows, 1))
            let meanLength = Double(totalTokens) / rowCount
            let lengthFactor = k1 * (1 - b + b * Double(rowTokens) / max(meanLength, 1))
            var score = 0.0
            for phrase in 0..<min(phraseCount, Int(argumentCount)) where frequency[phrase] > 0 {
                let documents = sqlite3_value_double(arguments?[phrase])
                guard documents >= 0 else { continue }
                let weight = inverseDocumentFrequency(documents: documents, rows: rowCount)
                score += weight * frequency[phrase] * (k1 + 1) / (frequency[phrase] + lengthFactor)
            }
            sqlite3_result_double(result, -score)
        }
    }
}
