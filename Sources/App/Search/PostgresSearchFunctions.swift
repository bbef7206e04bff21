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
enum PostgresSearchFunctions {
    static let signatures = ["crm_search(text[], integer)", "crm_search_query(text[])"]

    /// A word as a `tsquery` lexeme: quoted, its quotes doubled and backslashes escaped, so nothing
    /// in it is syntax. Folded words have neither, but the function does not rely on that.
    private static func lexeme(_ expression: String) -> String {
        "'''' || replace(replace(\(expression), '\\', '\\\\'), '''', '''''') || ''''"
    }

    static let query = """
        CREATE FUNCTION crm_search_query(words text[]) RETURNS tsquery LANGUAGE plpgsql STABLE AS $$
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

    /// Appends `kind`'s newest `limit` matches in `column` to the found rows as `tier`, when its
    /// newest `first` records held too few: from its newest `second` records when the matches among
    /// the first say those could hold enough, else from its GIN index.
    private static func more(_ column: String, _ kind: SearchKind, limit: String, tier: Int, foundFirst: String) -> String {
        let name = "'\(kind.rawValue)'"
        return """
              more_refs := NULL;
              -- Matches as dense as in the first window would reach the limit in the second.
              IF \(foundFirst) * \(second) >= \(limit) * \(first) THEN
                SELECT array_agg(m.ref), array_agg(m.date) INTO more_refs, more_dates FROM (
                  SELECT w.ref, w.date FROM (
                    SELECT d.ref, d.date, d.\(column) AS words FROM search_documents d
                    WHERE d.kind = \(name) ORDER BY d.kind, d.date DESC, d.ref LIMIT \(second)) w
                  WHERE w.words @@ q ORDER BY w.date DESC, w.ref LIMIT \(limit)) m;
              END IF;
              IF coalesce(cardinality(more_refs), 0) < \(limit) THEN
                -- Sparse: the kind's GIN index finds every match at once. Only this query uses it
                -- alone; the settings are put back right after (an error ends the transaction,
                -- which does too). The kind is written in, so the plan is made for its index.
                PERFORM set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true);
                SELECT array_agg(m.ref), array_agg(m.date) INTO more_refs, more_dates FROM (
                  SELECT d.ref, d.date FROM search_documents d
                  WHERE d.kind = \(name) AND d.\(column) @@ q ORDER BY d.date DESC, d.ref LIMIT \(limit)) m;
                PERFORM set_config('enable_indexscan', saved_index, true), set_config('enable_seqscan', saved_seq, true);
              END IF;
              found_tiers := found_tiers || array_fill(\(tier), ARRAY[coalesce(cardinality(more_refs), 0)]);
              found_kinds := found_kinds || array_fill(\(name)::text, ARRAY[coalesce(cardinality(more_refs), 0)]);
              found_refs := found_refs || more_refs;
              found_dates := found_dates || more_dates;
        """
    }

    /// Takes `kind`'s matches for a tier from its newest `first` records when they hold `limit`
    /// (every match there is newer than any outside), else looks further (`more`).
    private static func tier(_ tier: Int, _ kind: SearchKind, limit: String) -> String {
        let name = "'\(kind.rawValue)'"
        let counted = "\(tier == 0 ? "named" : "matched")_\(kind.rawValue)"
        let column = tier == 0 ? "title_words" : "words"
        return """
              IF \(counted) >= \(limit) THEN
                SELECT found_tiers || array_agg(\(tier)), found_kinds || array_agg(u.kind), found_refs || array_agg(u.ref),
                       found_dates || array_agg(u.date)
                INTO found_tiers, found_kinds, found_refs, found_dates
                FROM unnest(window_kinds, window_refs, window_dates, window_named) AS u(kind, ref, date, named)
                WHERE u.kind = \(name)\(tier == 0 ? " AND u.named" : "");
              ELSE
        \(more(column, kind, limit: limit, tier: tier, foundFirst: counted))
              END IF;
        """
    }

    private static let kinds = SearchKind.allCases

    /// Names first (the newest `lim` of them), then the rest, each newest first, no record twice:
    /// enough of all words that `lim` remain beside the names. A record deleted since it was
    /// indexed has no row, and is left out.
    static let search = """
        CREATE FUNCTION crm_search(words text[], lim integer)
        RETURNS TABLE (hit_kind text, id uuid, student_id uuid, name text, email text, archived_at timestamptz,
                       student_name text, notes text, created_at timestamptz, type text, topic text,
                       follow_up_notes text, questions_and_answers text, consultation_date timestamptz,
                       consultation_id uuid, text text)
        LANGUAGE plpgsql STABLE AS $$
        #variable_conflict use_column
        DECLARE
          q tsquery := crm_search_query(words); lim_all integer;
          window_kinds text[]; window_refs uuid[]; window_dates timestamptz[]; window_named boolean[];
          \(kinds.map { "named_\($0.rawValue) integer; matched_\($0.rawValue) integer;" }.joined(separator: " "))
          found_tiers integer[] := '{}'; found_kinds text[] := '{}'; found_refs uuid[] := '{}'; found_dates timestamptz[] := '{}';
          more_refs uuid[]; more_dates timestamptz[];
          saved_index text := current_setting('enable_indexscan'); saved_seq text := current_setting('enable_seqscan');
        BEGIN
          IF q IS NULL THEN RETURN; END IF;
          -- One walk of each kind's newest records serves both tiers: a record whose names match
          -- has all its words match too. It stops at the most either tier can need of the kind,
          -- so the newest of its names' matches are among those it saw.
          SELECT array_agg(n.kind), array_agg(n.ref), array_agg(n.date), array_agg(n.named),
                 \(kinds.map { "count(*) FILTER (WHERE n.kind = '\($0.rawValue)' AND n.named), count(*) FILTER (WHERE n.kind = '\($0.rawValue)')" }.joined(separator: ",\n             "))
          INTO window_kinds, window_refs, window_dates, window_named,
               \(kinds.map { "named_\($0.rawValue), matched_\($0.rawValue)" }.joined(separator: ", "))
          FROM unnest(ARRAY[\(kinds.map { "'\($0.rawValue)'" }.joined(separator: ", "))]) AS e(kind),
               LATERAL (SELECT w.kind, w.ref, w.date, w.title_words @@ q AS named FROM (
                          SELECT d.kind, d.ref, d.date, d.words, d.title_words FROM search_documents d
                          WHERE d.kind = e.kind ORDER BY d.kind, d.date DESC, d.ref LIMIT \(first)) w
                        WHERE w.words @@ q ORDER BY w.date DESC, w.ref LIMIT 2 * lim) n;
        \(kinds.map { tier(0, $0, limit: "lim") }.joined(separator: "\n"))
          lim_all := lim + least(cardinality(found_refs), lim);
        \(kinds.map { tier(1, $0, limit: "lim_all") }.joined(separator: "\n"))
          RETURN QUERY
          SELECT h.kind, h.ref,
                 CASE h.kind WHEN 'consultation' THEN c.student_id WHEN 'follow_up' THEN f.student_id ELSE h.ref END,
                 s.name, s.email, s.archived_at, s.name,
                 CASE h.kind WHEN 'student' THEN s.notes ELSE c.notes END,
                 CASE h.kind WHEN 'student' THEN s.created_at ELSE f.created_at END,
                 c.type, c.topic, c.follow_up_notes, c.questions_and_answers, c.consultation_date,
                 f.consultation_id, f.text
          FROM (SELECT u.kind, u.ref, min(u.tier) AS tier, max(u.date) AS date
                FROM unnest(found_tiers, found_kinds, found_refs, found_dates) AS u(tier, kind, ref, date)
                GROUP BY u.kind, u.ref ORDER BY min(u.tier), max(u.date) DESC, u.kind, u.ref LIMIT lim) h
          LEFT JOIN consultations c ON h.kind = 'consultation' AND c.id = h.ref
          LEFT JOIN follow_ups f ON h.kind = 'follow_up' AND f.id = h.ref
          JOIN students s ON s.id = (CASE h.kind WHEN 'consultation' THEN c.student_id
                                                 WHEN 'follow_up' THEN f.student_id ELSE h.ref END)
          WHERE h.kind = 'student' OR c.id IS NOT NULL OR f.id IS NOT NULL
          ORDER BY h.tier, h.date DESC, h.kind, h.ref;
        END $$
        """

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
