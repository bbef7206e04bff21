import SQLKit

/// The search on PostgreSQL as server-side functions (migration `AddPostgresSearchFunctions`), so
/// that a search is one statement: one round trip, and plans that PL/pgSQL keeps instead of
/// planning several statements anew each time (over a millisecond for the records' joins alone).
///
/// - `crm_search_query(words)`: the query words as a `tsquery` of indexed words. A word that starts
///   at most `SQLiteSearchIndex.maxExpansion` words of `search_terms` is asked as those words
///   (`'thesis' | 'theses'`): GIN intersects exact words' lists, skipping through them, while a
///   prefix (`'thes':*`) first gathers every matching word's whole list (5.7 of 9 ms for "dead plan"
///   in names over the benchmark's data; 1.2 ms as exact words). NULL when a word starts none.
///   `crm_search` runs the same statement inline; the function shows what a search asks
///   (`SELECT crm_search_query(ARRAY['dead', 'plan'])`).
/// - `crm_search(words, lim)`: the records found, ranked, with the columns `SearchSources.source`
///   reads for each kind. Each kind's newest matches are found on their own, by the kind's date
///   index or its GIN indexes (`PostgresSearchIndex.windows`), then merged.
///
/// `crm_search` keeps generic plans: left to choose, PL/pgSQL found a plan for a given `tsquery`
/// cheaper than the generic one and so planned every statement again on every call (about 0.5 ms
/// of a search's 1.7 ms on the benchmark's data). The generic plans are the ones wanted: the walks
/// by date index, and the GIN index where it is asked for. Each of its statements costs PL/pgSQL's
/// own work besides, so it runs few: where matches are sparse, one statement asks every such
/// kind's GIN index for both tiers.
///
/// A database keeps the functions it was migrated with: a change to them ships with a migration
/// that makes them again (as `ReplacePostgresSearchFunctions` does).
enum PostgresSearchFunctions {
    static let signatures = ["crm_search(text[], integer)", "crm_search_query(text[])"]

    /// A word as a `tsquery` lexeme: quoted, its quotes doubled and backslashes escaped, so nothing
    /// in it is syntax. Folded words have neither, but the function does not rely on that.
    private static func lexeme(_ expression: String) -> String {
        "'''' || replace(replace(\(expression), '\\', '\\\\'), '''', '''''') || ''''"
    }

    /// `words` as one `tsquery`, or NULL when a word starts no indexed word: one statement, which
    /// `crm_search` runs inline (calling `crm_search_query` from it cost a tenth of a search).
    private static let queryStatement = """
        SELECT CASE WHEN bool_and(p.part IS NOT NULL) THEN string_agg(p.part, ' & ' ORDER BY w.i)::tsquery END
            FROM unnest(words) WITH ORDINALITY AS w(word, i),
                 LATERAL (SELECT CASE WHEN count(*) > \(SQLiteSearchIndex.maxExpansion) THEN \(lexeme("w.word")) || ':*'
                                      WHEN count(*) > 0 THEN '(' || string_agg(\(lexeme("t.term")), ' | ' ORDER BY t.term) || ')'
                                 END AS part
                          FROM (SELECT s.term FROM search_terms s WHERE s.term >= w.word AND s.term < w.word || U&'\\+10FFFF'
                                ORDER BY s.term LIMIT \(SQLiteSearchIndex.maxExpansion + 1)) t
                          WHERE starts_with(t.term, w.word)) p
        """

    static let query = """
        CREATE OR REPLACE FUNCTION crm_search_query(words text[]) RETURNS tsquery LANGUAGE sql STABLE AS $$
        \(queryStatement)
        $$
        """

    private static let first = PostgresSearchIndex.windows.first
    private static let second = PostgresSearchIndex.windows.second

    /// The two tiers of a search: records whose names hold every word, then records whose text does.
    private enum Tier: Int {
        case names = 0, all = 1

        /// The prefix of the variables holding a tier's matches (`named_student_refs`, ...).
        var list: String { self == .names ? "named" : "matched" }
        /// The `tsvector` a tier matches.
        var column: String { self == .names ? "title_words" : "words" }
    }

    private static let tiers: [Tier] = [.names, .all]
    private static let kinds = SearchKind.allCases

    private static func refs(_ tier: Tier, _ kind: SearchKind) -> String { "\(tier.list)_\(kind.rawValue)_refs" }
    private static func dates(_ tier: Tier, _ kind: SearchKind) -> String { "\(tier.list)_\(kind.rawValue)_dates" }
    /// Whether a kind's window matches were so few that its GIN index finds its matches for the tier.
    private static func sparse(_ tier: Tier, _ kind: SearchKind) -> String { "sparse_\(tier.list)_\(kind.rawValue)" }
    /// Whether they were fewer than the limit but dense enough to look on by the date index.
    private static func dense(_ tier: Tier, _ kind: SearchKind) -> String { "dense_\(tier.list)_\(kind.rawValue)" }

    /// The kinds in the order they are looked through: the kinds with the newest records first
    /// (meetings are booked ahead), so their matches raise the date the others are looked through
    /// down to.
    private static let lookOrder = kinds.sorted { newness($0) < newness($1) }

    private static func newness(_ kind: SearchKind) -> Int {
        switch kind {
        case .consultation: 0
        case .followUp: 1
        case .student: 2
        }
    }

    /// A kind's matches among its newest `first` records: those matching in names, then all.
    private static func windowColumns(_ kind: SearchKind) -> String {
        let named = "n.kind = '\(kind.rawValue)' AND n.named", matched = "n.kind = '\(kind.rawValue)'"
        return """
            array_agg(n.ref) FILTER (WHERE \(named)) AS \(refs(.names, kind)), array_agg(n.date) FILTER (WHERE \(named)) AS \(dates(.names, kind)),
                           array_agg(n.ref) FILTER (WHERE \(matched)) AS \(refs(.all, kind)), array_agg(n.date) FILTER (WHERE \(matched)) AS \(dates(.all, kind))
            """
    }

    /// How a kind is looked through for a tier, from what its window held: matches as dense as in
    /// the window would reach the limit within the second window, or else they are sparse.
    private static func flags(_ tier: Tier, _ kind: SearchKind) -> String {
        let counted = "coalesce(cardinality(a.\(refs(tier, kind))), 0)"
        let isSparse = "\(counted) * \(second) < lim * \(first)"
        return "\(isSparse), \(counted) < lim AND NOT \(isSparse)"
    }

    /// Every kind the window found sparse, for both tiers, from the kinds' GIN indexes in one
    /// statement: each branch gives its kind's newest `lim` matches, and a branch whose flag is off
    /// is a test made once that reads nothing. Both tiers are asked at once: where the words are
    /// this sparse, the names are too, so the words' lookup is cheap even when names fill the
    /// answer. Only this query uses the GIN indexes alone; the settings are put back right after
    /// (an error ends the transaction, which does too). The kinds are written in, so the plan is
    /// made for their indexes.
    private static var sparseLookup: String {
        let branches = tiers.flatMap { tier in
            lookOrder.map { kind in
                """
                      (SELECT \(tier.rawValue) AS tier, '\(kind.rawValue)'::text AS kind, d.ref, d.date FROM search_documents d
                       WHERE \(sparse(tier, kind)) AND d.kind = '\(kind.rawValue)' AND d.\(tier.column) @@ q
                       ORDER BY d.date DESC, d.ref LIMIT lim)
                """
            }
        }
        let any = tiers.flatMap { tier in kinds.map { sparse(tier, $0) } }.joined(separator: " OR ")
        return """
              IF \(any) THEN
                PERFORM set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true);
                SELECT coalesce(array_agg(m.tier), '{}'), coalesce(array_agg(m.kind), '{}'),
                       coalesce(array_agg(m.ref), '{}'), coalesce(array_agg(m.date), '{}'),
                       array_agg(m.date) FILTER (WHERE m.tier = 0), array_agg(m.date) FILTER (WHERE m.tier = 1)
                INTO found_tiers, found_kinds, found_refs, found_dates, sparse_named_dates, sparse_matched_dates FROM (
            \(branches.joined(separator: "\n          UNION ALL\n"))) m;
                PERFORM set_config('enable_indexscan', saved_index, true), set_config('enable_seqscan', saved_seq, true);
              END IF;
            """
    }

    private static func append(_ tier: Tier, _ kind: SearchKind, refs: String, dates: String, count: String) -> String {
        """
                found_tiers := found_tiers || array_fill(\(tier.rawValue), ARRAY[\(count)]);
                found_kinds := found_kinds || array_fill('\(kind.rawValue)'::text, ARRAY[\(count)]);
                found_refs := found_refs || \(refs);
                found_dates := found_dates || \(dates);
                tier_dates := tier_dates || \(dates);
        """
    }

    /// A kind whose window held some matches for the tier, but fewer than `lim`: it is looked on
    /// through by the date index from just after the window's last match (the window saw every
    /// record down to it) down to the date the matches known so far fill the limit to (`low`):
    /// nothing older can make the tier. At most `second` records are walked; when they hold too
    /// few matches and there are more records above `low`, the kind's GIN index finds them instead.
    private static func lookOn(_ tier: Tier, _ kind: SearchKind, waiting: [SearchKind]) -> String {
        let name = "'\(kind.rawValue)'"
        // Known so far: the kinds taken or looked through, and the windows of those still to look through.
        let known = waiting.map { "CASE WHEN \(dense(tier, $0)) THEN \(dates(tier, $0)) END" }
        let after = "d.kind = \(name) AND d.date >= low AND d.date <= last_date AND (d.date < last_date OR d.ref > last_ref)"
        return """
              IF \(dense(tier, kind)) THEN
                SELECT k.date INTO low FROM (
                  SELECT u.date FROM unnest(tier_dates || \(known.joined(separator: " || "))) AS u(date)
                  ORDER BY u.date DESC OFFSET lim - 1 LIMIT 1) k;
                low := coalesce(low, '-infinity');
                seen := cardinality(\(refs(tier, kind)));
                -- Where the window ended: its oldest match, by the walk's order (the lists' own
                -- order is not relied on: an aggregate's input order is not promised).
                SELECT u.date, u.ref INTO last_date, last_ref FROM unnest(\(dates(.all, kind)), \(refs(.all, kind))) AS u(date, ref)
                ORDER BY u.date, u.ref DESC LIMIT 1;
                SELECT array_agg(m.ref), array_agg(m.date) INTO more_refs, more_dates FROM (
                  SELECT w.ref, w.date FROM (
                    SELECT d.ref, d.date, d.\(tier.column) AS words FROM search_documents d
                    WHERE \(after) ORDER BY d.kind, d.date DESC, d.ref LIMIT \(second)) w
                  WHERE w.words @@ q ORDER BY w.date DESC, w.ref LIMIT lim - seen) m;
                IF coalesce(cardinality(more_refs), 0) >= lim - seen OR (
                    SELECT count(*) < \(second) FROM (SELECT 1 FROM search_documents d WHERE \(after) LIMIT \(second)) r) THEN
                  more_refs := \(refs(tier, kind)) || more_refs;
                  more_dates := \(dates(tier, kind)) || more_dates;
                ELSE
                  PERFORM set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true);
                  SELECT array_agg(m.ref), array_agg(m.date) INTO more_refs, more_dates FROM (
                    SELECT d.ref, d.date FROM search_documents d
                    WHERE d.kind = \(name) AND d.\(tier.column) @@ q AND d.date >= low
                    ORDER BY d.date DESC, d.ref LIMIT lim) m;
                  PERFORM set_config('enable_indexscan', saved_index, true), set_config('enable_seqscan', saved_seq, true);
                END IF;
                IF more_refs IS NOT NULL THEN
            \(append(tier, kind, refs: "more_refs", dates: "more_dates", count: "cardinality(more_refs)"))
                END IF;
              END IF;
            """
    }

    /// Adds each kind's newest `lim` matches for a tier to the found rows: the sparse kinds' are
    /// there already; a kind whose window held `lim` gives what it held (every match there is newer
    /// than any outside; a few more than `lim` only raise the date the others are looked through
    /// down to, which stays one that `lim` matches reach); the others are looked on through (`lookOn`), the kinds with the newest
    /// records first, so what each finds raises the date the next is looked through down to.
    private static func tier(_ tier: Tier) -> String {
        let taken = kinds.map { kind in
            """
              IF coalesce(cardinality(\(refs(tier, kind))), 0) >= lim THEN
            \(append(tier, kind, refs: refs(tier, kind), dates: dates(tier, kind), count: "cardinality(\(refs(tier, kind)))"))
              END IF;
            """
        }
        let looked = lookOrder.enumerated().map { position, kind in
            lookOn(tier, kind, waiting: Array(lookOrder[position...]))
        }
        return """
              tier_dates := coalesce(sparse_\(tier.list)_dates, '{}');
            \(taken.joined(separator: "\n"))
            \(looked.joined(separator: "\n"))
            """
    }

    /// Names first (the newest `lim` of them), then the rest, each newest first, no record twice.
    /// When the names' matches fill the limit no kind is looked through for the rest (only the
    /// sparse kinds' GIN lookup has asked for both); else every one of them is found, and the rest
    /// of the answer is among the newest `lim` records whose words match. A record deleted since it
    /// was indexed has no row, and is left out.
    static let search = """
        CREATE OR REPLACE FUNCTION crm_search(words text[], lim integer)
        RETURNS TABLE (hit_kind text, id uuid, student_id uuid, name text, email text, archived_at timestamptz,
                       student_name text, notes text, created_at timestamptz, type text, topic text,
                       follow_up_notes text, questions_and_answers text, consultation_date timestamptz,
                       consultation_id uuid, text text)
        LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
        #variable_conflict use_column
        DECLARE
          q tsquery := (\(queryStatement));
          \(kinds.flatMap { kind in tiers.map { "\(refs($0, kind)) uuid[]; \(dates($0, kind)) timestamptz[];" } }.joined(separator: "\n      "))
          \(tiers.flatMap { tier in kinds.map { "\(sparse(tier, $0)) boolean; \(dense(tier, $0)) boolean;" } }.joined(separator: "\n      "))
          found_tiers integer[] := '{}'; found_kinds text[] := '{}'; found_refs uuid[] := '{}'; found_dates timestamptz[] := '{}';
          sparse_named_dates timestamptz[]; sparse_matched_dates timestamptz[];
          more_refs uuid[]; more_dates timestamptz[]; low timestamptz; tier_dates timestamptz[];
          seen integer; last_date timestamptz; last_ref uuid;
          saved_index text := current_setting('enable_indexscan'); saved_seq text := current_setting('enable_seqscan');
        BEGIN
          IF q IS NULL THEN RETURN; END IF;
          -- One walk of each kind's newest records serves both tiers: a record whose names match
          -- has all its words match too. It stops at the most either tier can need of the kind,
          -- so the newest of its names' matches are among those it saw. What it held says how
          -- each kind is looked through for each tier (`flags`).
          SELECT a.*, \(tiers.flatMap { tier in kinds.map { flags(tier, $0) } }.joined(separator: ",\n             "))
          INTO \(kinds.flatMap { kind in tiers.map { "\(refs($0, kind)), \(dates($0, kind))" } }.joined(separator: ", ")),
               \(tiers.flatMap { tier in kinds.map { "\(sparse(tier, $0)), \(dense(tier, $0))" } }.joined(separator: ", "))
          FROM (SELECT \(kinds.map(windowColumns).joined(separator: ",\n                   "))
                FROM unnest(ARRAY[\(kinds.map { "'\($0.rawValue)'" }.joined(separator: ", "))]) AS e(kind),
                     LATERAL (SELECT w.kind, w.ref, w.date, w.title_words @@ q AS named FROM (
                                SELECT d.kind, d.ref, d.date, d.words, d.title_words FROM search_documents d
                                WHERE d.kind = e.kind ORDER BY d.kind, d.date DESC, d.ref LIMIT \(first)) w
                              WHERE w.words @@ q ORDER BY w.date DESC, w.ref LIMIT 2 * lim) n) a;
        \(sparseLookup)
        \(tier(.names))
          -- Every names' match found is a distinct record (one list per kind): when they are `lim`,
          -- no other record can show.
          IF cardinality(found_refs) - coalesce(cardinality(sparse_matched_dates), 0) < lim THEN
        \(tier(.all))
          END IF;
          RETURN QUERY
          SELECT h.kind, h.ref, \(SearchSources.hitColumns(kind: "h.kind", ref: "h.ref"))
          FROM (SELECT u.kind, u.ref, min(u.tier) AS tier, max(u.date) AS date
                FROM unnest(found_tiers, found_kinds, found_refs, found_dates) AS u(tier, kind, ref, date)
                GROUP BY u.kind, u.ref ORDER BY min(u.tier), max(u.date) DESC, u.kind, u.ref LIMIT lim) h
          -- Inside each subquery the kind is a test made once, so only the row's own table is read;
          -- OFFSET 0 keeps the subquery whole (merged into the join, the test came after a probe
          -- of the table's index for every row).
          LEFT JOIN LATERAL (SELECT * FROM consultations x WHERE h.kind = 'consultation' AND x.id = h.ref OFFSET 0) c ON true
          LEFT JOIN LATERAL (SELECT * FROM follow_ups x WHERE h.kind = 'follow_up' AND x.id = h.ref OFFSET 0) f ON true
          JOIN students s ON s.id = (\(SearchSources.studentOfHit(kind: "h.kind", ref: "h.ref")))
          WHERE h.kind = 'student' OR c.id IS NOT NULL OR f.id IS NOT NULL
          ORDER BY h.tier, h.date DESC, h.kind, h.ref;
        END $$
        """

    /// Makes the functions, or replaces them where they are: each in one step, so a search from
    /// another instance running meanwhile finds either the old function or the new one.
    static func create(_ sql: any SQLDatabase) async throws {
        for function in [query, search] {
            try await sql.raw("\(unsafeRaw: function)").run()
        }
    }

    static func drop(_ sql: any SQLDatabase) async throws {
        for function in signatures {
            try await sql.raw("DROP FUNCTION IF EXISTS \(unsafeRaw: function)").run()
        }
    }
}
