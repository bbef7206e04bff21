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
/// - `crm_search(words, lim)`: the records found, ranked, with the columns `SearchSources.source`
///   reads for each kind. Each kind's newest matches are found on their own, by the kind's date
///   index or its GIN indexes (`PostgresSearchIndex.windows`), then merged.
///
/// Both keep generic plans: left to choose, PL/pgSQL found a plan for a given `tsquery` cheaper
/// than the generic one and so planned every statement again on every call (about 0.5 ms of a
/// search's 1.7 ms on the benchmark's data). The generic plans are the ones wanted: the walks by
/// date index, and the GIN index where it is asked for.
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

    static let query = """
        CREATE OR REPLACE FUNCTION crm_search_query(words text[]) RETURNS tsquery LANGUAGE plpgsql STABLE
        SET plan_cache_mode = force_generic_plan AS $$
        DECLARE
          word text; terms text[]; part text; whole text;
        BEGIN
          FOREACH word IN ARRAY words LOOP
            SELECT array_agg(t.term) INTO terms FROM (
              SELECT s.term FROM search_terms s WHERE s.term >= word AND s.term < word || U&'\\+10FFFF'
              ORDER BY s.term LIMIT \(SQLiteSearchIndex.maxExpansion + 1)) t
            WHERE starts_with(t.term, word);
            IF terms IS NULL THEN RETURN NULL; END IF;
            IF cardinality(terms) > \(SQLiteSearchIndex.maxExpansion) THEN
              part := \(lexeme("word")) || ':*';
            ELSE
              SELECT '(' || string_agg(\(lexeme("t")), ' | ') || ')' INTO part FROM unnest(terms) t;
            END IF;
            whole := CASE WHEN whole IS NULL THEN part ELSE whole || ' & ' || part END;
          END LOOP;
          RETURN whole::tsquery;
        END $$
        """

    private static let first = PostgresSearchIndex.windows.first
    private static let second = PostgresSearchIndex.windows.second

    /// Puts `kind`'s newest `limit` matches in `column` dated `low` or later in `more_refs`/
    /// `more_dates`, when its newest `first` records held too few (`counted`): from its newest
    /// `second` records when the matches among the first say those could hold enough, else from
    /// its GIN index. A walk that ends at `low` before `second` records has seen every match there.
    private static func more(_ column: String, _ kind: SearchKind, limit: String, counted: String) -> String {
        let name = "'\(kind.rawValue)'"
        return """
                more_refs := NULL;
                complete := false;
                -- Matches as dense as in the first window would reach the limit in the second.
                IF \(counted) * \(second) >= \(limit) * \(first) THEN
                  SELECT array_agg(m.ref), array_agg(m.date) INTO more_refs, more_dates FROM (
                    SELECT w.ref, w.date FROM (
                      SELECT d.ref, d.date, d.\(column) AS words FROM search_documents d
                      WHERE d.kind = \(name) AND d.date >= low ORDER BY d.kind, d.date DESC, d.ref LIMIT \(second)) w
                    WHERE w.words @@ q ORDER BY w.date DESC, w.ref LIMIT \(limit)) m;
                  complete := coalesce(cardinality(more_refs), 0) >= \(limit) OR (
                    SELECT count(*) < \(second) FROM (
                      SELECT 1 FROM search_documents d WHERE d.kind = \(name) AND d.date >= low LIMIT \(second)) n);
                END IF;
                IF NOT complete THEN
                  -- Sparse: the kind's GIN index finds every match at once. Only this query uses it
                  -- alone; the settings are put back right after (an error ends the transaction,
                  -- which does too). The kind is written in, so the plan is made for its index.
                  PERFORM set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true);
                  SELECT array_agg(m.ref), array_agg(m.date) INTO more_refs, more_dates FROM (
                    SELECT d.ref, d.date FROM search_documents d
                    WHERE d.kind = \(name) AND d.\(column) @@ q AND d.date >= low
                    ORDER BY d.date DESC, d.ref LIMIT \(limit)) m;
                  PERFORM set_config('enable_indexscan', saved_index, true), set_config('enable_seqscan', saved_seq, true);
                END IF;
        """
    }

    /// The matches of each kind among its newest `first` records, for tier 0 (names) or 1 (all).
    private static func window(_ tier: Int, _ kind: SearchKind) -> String {
        "\(tier == 0 ? "named" : "matched")_\(kind.rawValue)"
    }

    private static func append(_ tier: Int, _ kind: SearchKind, refs: String, dates: String) -> String {
        """
              found_tiers := found_tiers || array_fill(\(tier), ARRAY[coalesce(cardinality(\(refs)), 0)]);
              found_kinds := found_kinds || array_fill('\(kind.rawValue)'::text, ARRAY[coalesce(cardinality(\(refs)), 0)]);
              found_refs := found_refs || \(refs);
              found_dates := found_dates || \(dates);
              tier_dates := tier_dates || \(dates);
        """
    }

    /// Adds each kind's newest `limit` matches for a tier to the found rows. A kind whose newest
    /// `first` records hold `limit` gives those (every match there is newer than any outside).
    /// Each other kind is looked through only down to the date the matches known so far fill the
    /// limit to (`low`): nothing older can make the tier. What a kind's look finds counts for the
    /// next kind's date, so the kinds whose records are newest go first (`lookOrder`).
    private static func tier(_ tier: Int, limit: String) -> String {
        let counted = { (kind: SearchKind) in "coalesce(cardinality(\(window(tier, kind))_refs), 0)" }
        let taken = kinds.map { kind in
            """
              IF \(counted(kind)) >= \(limit) THEN
            \(append(tier, kind, refs: "\(window(tier, kind))_refs", dates: "\(window(tier, kind))_dates"))
              END IF;
            """
        }
        let looked = lookOrder.enumerated().map { position, kind in
            // Known so far: the kinds taken or looked through, and the windows of those still to look through.
            let waiting = lookOrder[position...].map { other in
                "CASE WHEN \(counted(other)) < \(limit) THEN \(window(tier, other))_dates END"
            }
            return """
              IF \(counted(kind)) < \(limit) THEN
                SELECT k.date INTO low FROM (
                  SELECT u.date FROM unnest(tier_dates || \(waiting.joined(separator: " || "))) AS u(date)
                  ORDER BY u.date DESC OFFSET \(limit) - 1 LIMIT 1) k;
                low := coalesce(low, '-infinity');
            \(more(tier == 0 ? "title_words" : "words", kind, limit: limit, counted: counted(kind)))
            \(append(tier, kind, refs: "more_refs", dates: "more_dates"))
              END IF;
            """
        }
        return """
              tier_dates := '{}';
        \(taken.joined(separator: "\n"))
        \(looked.joined(separator: "\n"))
        """
    }

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

    private static let kinds = SearchKind.allCases

    /// A kind's matches among its newest `first` records: those matching in names, then all.
    private static func windowColumns(_ kind: SearchKind) -> String {
        let named = "n.kind = '\(kind.rawValue)' AND n.named", matched = "n.kind = '\(kind.rawValue)'"
        return """
            array_agg(n.ref) FILTER (WHERE \(named)), array_agg(n.date) FILTER (WHERE \(named)),
                     array_agg(n.ref) FILTER (WHERE \(matched)), array_agg(n.date) FILTER (WHERE \(matched))
            """
    }

    /// Names first (the newest `lim` of them), then the rest, each newest first, no record twice:
    /// enough of all words that `lim` remain beside the names. A record deleted since it was
    /// indexed has no row, and is left out.
    static let search = """
        CREATE OR REPLACE FUNCTION crm_search(words text[], lim integer)
        RETURNS TABLE (hit_kind text, id uuid, student_id uuid, name text, email text, archived_at timestamptz,
                       student_name text, notes text, created_at timestamptz, type text, topic text,
                       follow_up_notes text, questions_and_answers text, consultation_date timestamptz,
                       consultation_id uuid, text text)
        LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
        #variable_conflict use_column
        DECLARE
          q tsquery := crm_search_query(words); lim_all integer;
          \(kinds.map { kind in ["named", "matched"].map { "\($0)_\(kind.rawValue)_refs uuid[]; \($0)_\(kind.rawValue)_dates timestamptz[];" }.joined(separator: " ") }.joined(separator: "\n      "))
          found_tiers integer[] := '{}'; found_kinds text[] := '{}'; found_refs uuid[] := '{}'; found_dates timestamptz[] := '{}';
          more_refs uuid[]; more_dates timestamptz[]; complete boolean; low timestamptz; tier_dates timestamptz[];
          saved_index text := current_setting('enable_indexscan'); saved_seq text := current_setting('enable_seqscan');
        BEGIN
          IF q IS NULL THEN RETURN; END IF;
          -- One walk of each kind's newest records serves both tiers: a record whose names match
          -- has all its words match too. It stops at the most either tier can need of the kind,
          -- so the newest of its names' matches are among those it saw.
          SELECT \(kinds.map(windowColumns).joined(separator: ",\n             "))
          INTO \(kinds.map { kind in ["named", "matched"].map { "\($0)_\(kind.rawValue)_refs, \($0)_\(kind.rawValue)_dates" }.joined(separator: ", ") }.joined(separator: ",\n           "))
          FROM unnest(ARRAY[\(kinds.map { "'\($0.rawValue)'" }.joined(separator: ", "))]) AS e(kind),
               LATERAL (SELECT w.kind, w.ref, w.date, w.title_words @@ q AS named FROM (
                          SELECT d.kind, d.ref, d.date, d.words, d.title_words FROM search_documents d
                          WHERE d.kind = e.kind ORDER BY d.kind, d.date DESC, d.ref LIMIT \(first)) w
                        WHERE w.words @@ q ORDER BY w.date DESC, w.ref LIMIT 2 * lim) n;
        \(tier(0, limit: "lim"))
          lim_all := lim + least(cardinality(found_refs), lim);
        \(tier(1, limit: "lim_all"))
          RETURN QUERY
          SELECT h.kind, h.ref, \(SearchSources.hitColumns(kind: "h.kind", ref: "h.ref"))
          FROM (SELECT u.kind, u.ref, min(u.tier) AS tier, max(u.date) AS date
                FROM unnest(found_tiers, found_kinds, found_refs, found_dates) AS u(tier, kind, ref, date)
                GROUP BY u.kind, u.ref ORDER BY min(u.tier), max(u.date) DESC, u.kind, u.ref LIMIT lim) h
          -- Inside each subquery the kind is a test made once, so only the row's own table is read.
          LEFT JOIN LATERAL (SELECT * FROM consultations x WHERE h.kind = 'consultation' AND x.id = h.ref) c ON true
          LEFT JOIN LATERAL (SELECT * FROM follow_ups x WHERE h.kind = 'follow_up' AND x.id = h.ref) f ON true
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
