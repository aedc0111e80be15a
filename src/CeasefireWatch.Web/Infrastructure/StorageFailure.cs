using Microsoft.Data.Sqlite;
using Npgsql;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Recognises a failure of the storage itself — the database file read-only, the disk full, a lock held past
/// the busy timeout, the file gone; on PostgreSQL the server unreachable or restarting, a statement timed out, a
/// serialization failure or deadlock, a read-only server, a full disk — as opposed to a bug. Such a request is
/// answered 503 with <c>Retry-After</c> (CONTRACT.md): nothing was written (every change is one transaction), and the
/// same request may succeed once the fault clears.
/// </summary>
public static class StorageFailure
{
    /// <summary>How long callers are asked to wait before trying again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    // SQLite primary result codes: https://sqlite.org/rescode.html
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Full = 13;
    private const int CantOpen = 14;

    /// <summary>Whether <paramref name="exception"/>, or one it wraps (EF Core wraps the provider's), is a storage fault.</summary>
    public static bool Is(Exception exception) => Find(exception) is not null || FindPostgres(exception) is not null;

    /// <summary>
    /// Whether the fault says writes cannot succeed until somebody acts (a full disk, a read-only file or server, an
    /// input/output error), as opposed to contention (a lock held too long) that passes by itself.
    /// </summary>
    public static bool MeansUnwritable(Exception exception) =>
        Find(exception)?.SqliteErrorCode is ReadOnly or IoError or Full or CantOpen
        || (FindPostgres(exception) as PostgresException)?.SqlState is { } state
            && (state.StartsWith("53", StringComparison.Ordinal) || state.StartsWith("58", StringComparison.Ordinal) || state == "25006");

    /// <summary>A sentence for a person: what is wrong with the storage, as far as the error says.</summary>
    public static string Describe(Exception exception)
    {
        if (FindPostgres(exception) is { } postgres)
        {
            return DescribePostgres(postgres);
        }

        return Find(exception)?.SqliteErrorCode switch
        {
            Busy or Locked => "The database is busy: another writer held it longer than the app waits.",
            ReadOnly => "The database cannot be written: its file or folder is read-only.",
            Full => "The database cannot be written: the disk is full.",
            IoError => "The database file could not be read or written (an input/output error).",
            CantOpen => "The database file could not be opened.",
            _ => "The database cannot be used right now.",
        };
    }

    /// <summary>
    /// Called once a storage fault has been answered. A SQLite connection opened while its file was read-only
    /// stays read-only for its life, and the pool would hand it out again after the fault clears; emptying the
    /// pools makes the next request open fresh connections, so the app recovers by itself. A PostgreSQL connection
    /// that lost its server is dropped from its pool the same way.
    /// </summary>
    public static void Recover(Exception exception)
    {
        if (Find(exception)?.SqliteErrorCode is ReadOnly or CantOpen or IoError)
        {
            SqliteConnection.ClearAllPools();
        }

        if (FindPostgres(exception) is { } postgres && postgres is not PostgresException)
        {
            NpgsqlConnection.ClearAllPools();
        }
    }

    private static SqliteException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: Busy or Locked or ReadOnly or IoError or Full or CantOpen } sqlite)
            {
                return sqlite;
            }
        }

        return null;
    }

    /// <summary>
    /// A PostgreSQL fault of the storage: an error whose SQLSTATE class says the server or its resources, or a
    /// client-side failure to reach or hear from the server (a refused connection, a broken stream, a timeout).
    /// A constraint violation or a syntax error is not one: that is a bug or a caller's mistake.
    /// </summary>
    private static NpgsqlException? FindPostgres(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres when IsStorageState(postgres.SqlState):
                    return postgres;
                case PostgresException:
                    return null;
                case NpgsqlException npgsql when npgsql.IsTransient || npgsql.InnerException is TimeoutException or IOException or System.Net.Sockets.SocketException:
                    return npgsql;
            }
        }

        return null;
    }

    // SQLSTATE: https://www.postgresql.org/docs/current/errcodes-appendix.html
    private static bool IsStorageState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal)       // connection exception
        || state.StartsWith("53", StringComparison.Ordinal)    // insufficient resources (53100 disk full)
        || state.StartsWith("57P", StringComparison.Ordinal)   // server shutting down, cannot connect now
        || state.StartsWith("58", StringComparison.Ordinal)    // system error (I/O)
        || state is "40001" or "40P01"                          // serialization failure, deadlock
            or "55P03"                                          // lock not available
            or "57014"                                          // statement timeout / cancelled
            or "25006";                                         // read-only transaction (a standby, or read-only mode)

    private static string DescribePostgres(NpgsqlException exception) => (exception as PostgresException)?.SqlState switch
    {
        "53100" => "The database cannot be written: the server's disk is full.",
        "25006" => "The database cannot be written: the server is read-only.",
        "40001" or "40P01" or "55P03" => "The database is busy: another writer held what this one needed.",
        "57014" => "The database took longer than the app waits.",
        { } state when state.StartsWith("57P", StringComparison.Ordinal) => "The database server is shutting down or starting up.",
        { } state when state.StartsWith("53", StringComparison.Ordinal) => "The database server is out of resources.",
        null => "The database server could not be reached.",
        _ => "The database cannot be used right now.",
    };
}
