/*
 * How much of an FTS5 insert is its tokenizer? (issue 21, target 2: the reindex's one SQLite
 * writer is its bound, and a way out considered was to tokenize on the reading threads and have
 * the writer's tokenizer replay what they made.)
 *
 * Reads ROWS rows of Docket's text table from an existing index, tokenizes them once with
 * FTS5's own `porter unicode61 remove_diacritics 2` (what a reading thread would do), then
 * inserts the same rows, in one transaction each, into two new tables:
 *   A: declared with that tokenizer (what Docket's writer does now);
 *   B: declared with a tokenizer that hands FTS5 the tokens made beforehand.
 * Both tables are checked to hold the same postings (fts5vocab), and the inserts are timed
 * over ROUNDS rounds.
 *
 *   clang -O2 -o /tmp/fts5-replay Benchmarks/fts5-replay.c -lsqlite3
 *   /tmp/fts5-replay /work/bench-100k/index.sqlite 20000 5 /tmp
 *
 * clang comes with the Swift toolchain; libsqlite3-dev with the README's set-up. Uses the system
 * SQLite, the one Docket links. Not part of the build or the tests.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { COLUMNS = 5 }; /* title, body, parties, context, facets */

typedef struct {
    int flags, size, start, end;
    char *text;
} Token;

typedef struct {
    Token *tokens;
    int count, capacity;
} TokenList;

static int row_count;
static char **column_text;
static int *column_size;
/* One list per column of each row, in the order FTS5 asks for them when inserting. */
static TokenList *made_ahead;
static long replay_cursor;

static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

static fts5_api *fts5_of(sqlite3 *db) {
    fts5_api *api = NULL;
    sqlite3_stmt *statement;
    sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, NULL);
    sqlite3_bind_pointer(statement, 1, &api, "fts5_api_ptr", NULL);
    sqlite3_step(statement);
    sqlite3_finalize(statement);
    return api;
}

static int keep_token(void *context, int flags, const char *text, int size, int start, int end) {
    TokenList *list = context;
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? list->capacity * 2 : 64;
        list->tokens = realloc(list->tokens, (size_t)list->capacity * sizeof(Token));
    }
    Token *token = &list->tokens[list->count++];
    *token = (Token){flags, size, start, end, malloc((size_t)size)};
    memcpy(token->text, text, (size_t)size);
    return SQLITE_OK;
}

/* The replaying tokenizer: ignores the text it is given and hands over the next list. */
static int replay_create(void *unused, const char **arguments, int count, Fts5Tokenizer **made) {
    (void)unused, (void)arguments, (void)count;
    *made = (Fts5Tokenizer *)&replay_cursor; /* any non-null handle */
    return SQLITE_OK;
}

static void replay_delete(Fts5Tokenizer *tokenizer) { (void)tokenizer; }

static int replay_tokenize(Fts5Tokenizer *tokenizer, void *context, int flags, const char *text, int size,
                           int (*emit)(void *, int, const char *, int, int, int)) {
    (void)tokenizer, (void)flags, (void)text, (void)size;
    TokenList *list = &made_ahead[replay_cursor++];
    for (int i = 0; i < list->count; i++) {
        Token *token = &list->tokens[i];
        int status = emit(context, token->flags, token->text, token->size, token->start, token->end);
        if (status != SQLITE_OK) return status;
    }
    return SQLITE_OK;
}

static void fail(sqlite3 *db) {
    fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    exit(1);
}

/* Creates the table with `tokenizer` and inserts every row in one transaction; the seconds taken. */
static double insert_all(sqlite3 *db, const char *tokenizer) {
    char sql[300];
    snprintf(sql, sizeof sql,
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
             "CREATE VIRTUAL TABLE t USING fts5(title, body, parties, context, facets, tokenize='%s');"
             /* As Docket's bulk build: merging deferred. */
             "INSERT INTO t(t, rank) VALUES('automerge', 0); INSERT INTO t(t, rank) VALUES('crisismerge', 64);",
             tokenizer);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) fail(db);
    double started = seconds();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *insert;
    if (sqlite3_prepare_v2(db, "INSERT INTO t(rowid, title, body, parties, context, facets) VALUES (?,?,?,?,?,?)",
                           -1, &insert, NULL) != SQLITE_OK)
        fail(db);
    for (int row = 0; row < row_count; row++) {
        sqlite3_bind_int(insert, 1, row + 1);
        for (int column = 0; column < COLUMNS; column++) {
            int at = row * COLUMNS + column;
            sqlite3_bind_text(insert, column + 2, column_text[at], column_size[at], SQLITE_STATIC);
        }
        if (sqlite3_step(insert) != SQLITE_DONE) fail(db);
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) fail(db);
    return seconds() - started;
}

/* A digest of every posting (term, document, column, position). */
static void postings(sqlite3 *db, long long *count, long long *digest) {
    sqlite3_stmt *statement;
    sqlite3_exec(db, "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "SELECT count(*), sum(doc * 7 + offset * 13 + length(term) * 31 + unicode(term)) FROM v",
                       -1, &statement, NULL);
    sqlite3_step(statement);
    *count = sqlite3_column_int64(statement, 0);
    *digest = sqlite3_column_int64(statement, 1);
    sqlite3_finalize(statement);
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s INDEX.sqlite ROWS ROUNDS SCRATCH_DIRECTORY\n", argv[0]);
        return 2;
    }
    int wanted = atoi(argv[2]), rounds = atoi(argv[3]);
    const char *scratch = argv[4];
    if (wanted < 1 || rounds < 1) {
        fprintf(stderr, "ROWS and ROUNDS must be whole numbers of at least 1, not '%s' and '%s'\n", argv[2], argv[3]);
        return 2;
    }

    sqlite3 *source;
    if (sqlite3_open_v2(argv[1], &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) fail(source);
    column_text = malloc(sizeof(char *) * (size_t)wanted * COLUMNS);
    column_size = malloc(sizeof(int) * (size_t)wanted * COLUMNS);
    sqlite3_stmt *read;
    if (sqlite3_prepare_v2(source, "SELECT title, body, parties, context, facets FROM document_text LIMIT ?", -1,
                           &read, NULL) != SQLITE_OK)
        fail(source);
    sqlite3_bind_int(read, 1, wanted);
    long bytes = 0;
    while (sqlite3_step(read) == SQLITE_ROW) {
        for (int column = 0; column < COLUMNS; column++) {
            int at = row_count * COLUMNS + column, size = sqlite3_column_bytes(read, column);
            column_text[at] = malloc((size_t)size + 1);
            memcpy(column_text[at], sqlite3_column_text(read, column), (size_t)size);
            column_size[at] = size;
            bytes += size;
        }
        row_count++;
    }
    sqlite3_finalize(read);
    printf("%d rows, %.1f MB of text; SQLite %s\n", row_count, bytes / 1e6, sqlite3_libversion());

    /* The tokens, made once as a reading thread would make them. */
    sqlite3 *scratch_db;
    sqlite3_open(":memory:", &scratch_db);
    fts5_api *api = fts5_of(scratch_db);
    void *porter_data;
    fts5_tokenizer porter_methods;
    api->xFindTokenizer(api, "porter", &porter_data, &porter_methods);
    const char *porter_arguments[] = {"unicode61", "remove_diacritics", "2"};
    Fts5Tokenizer *porter;
    porter_methods.xCreate(porter_data, porter_arguments, 3, &porter);
    made_ahead = calloc((size_t)row_count * COLUMNS, sizeof(TokenList));
    double started = seconds();
    long token_count = 0;
    for (int at = 0; at < row_count * COLUMNS; at++) {
        porter_methods.xTokenize(porter, &made_ahead[at], FTS5_TOKENIZE_DOCUMENT, column_text[at], column_size[at],
                                 keep_token);
        token_count += made_ahead[at].count;
    }
    printf("tokenized ahead (a reader's share, with a copy of each token): %.2f s, %ld tokens\n",
           seconds() - started, token_count);

    double *with_porter = malloc(sizeof(double) * (size_t)rounds);
    double *with_replay = malloc(sizeof(double) * (size_t)rounds);
    for (int round = 0; round < rounds; round++) {
        char path[2][512];
        for (int which = 0; which < 2; which++) {
            snprintf(path[which], sizeof path[which], "%s/fts5-replay-%c.sqlite", scratch, "ab"[which]);
            const char *suffixes[] = {"", "-wal", "-shm"};
            for (int s = 0; s < 3; s++) {
                char file[1040];
                snprintf(file, sizeof file, "%s%s", path[which], suffixes[s]);
                remove(file);
            }
        }
        sqlite3 *a, *b;
        sqlite3_open(path[0], &a);
        with_porter[round] = insert_all(a, "porter unicode61 remove_diacritics 2");
        sqlite3_open(path[1], &b);
        fts5_api *b_api = fts5_of(b);
        fts5_tokenizer replay = {replay_create, replay_delete, replay_tokenize};
        b_api->xCreateTokenizer(b_api, "replay", NULL, &replay, NULL);
        replay_cursor = 0;
        with_replay[round] = insert_all(b, "replay");
        printf("round %d: porter %.2f s, replay %.2f s (%.0f%%)\n", round + 1, with_porter[round], with_replay[round],
               100 * with_replay[round] / with_porter[round]);
        if (round == 0) {
            long long count[2], digest[2];
            postings(a, &count[0], &digest[0]);
            postings(b, &count[1], &digest[1]);
            printf("postings: porter %lld (digest %lld), replay %lld (digest %lld): %s\n", count[0], digest[0],
                   count[1], digest[1], count[0] == count[1] && digest[0] == digest[1] ? "the same" : "DIFFERENT");
            if (count[0] != count[1] || digest[0] != digest[1]) return 1;
        }
        sqlite3_close(a);
        sqlite3_close(b);
    }
    qsort(with_porter, (size_t)rounds, sizeof(double), by_value);
    qsort(with_replay, (size_t)rounds, sizeof(double), by_value);
    printf("median insert: porter %.2f s, replay %.2f s: replaying saves %.0f%% of the insert\n",
           with_porter[rounds / 2], with_replay[rounds / 2], 100 * (1 - with_replay[rounds / 2] / with_porter[rounds / 2]));
    return 0;
}
