using Microsoft.Data.Sqlite;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Recognises a failure of the storage itself — the database file read-only, the disk full, a lock held past
/// the busy timeout, the file gone — as opposed to a bug. Such a request is answered 503 with
/// <c>Retry-After</c> (CONTRACT.md): nothing was written (every change is one transaction), and the same
/// request may succeed once the fault clears.
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
    public static bool Is(Exception exception) => Find(exception) is not null;

    /// <summary>A sentence for a person: what is wrong with the storage, as far as the error says.</summary>
    public static string Describe(Exception exception) => Find(exception)?.SqliteErrorCode switch
    {
        Busy or Locked => "The database is busy: another writer held it longer than the app waits.",
        ReadOnly => "The database cannot be written: its file or folder is read-only.",
        Full => "The database cannot be written: the disk is full.",
        IoError => "The database file could not be read or written (an input/output error).",
        CantOpen => "The database file could not be opened.",
        _ => "The database cannot be used right now.",
    };

    /// <summary>
    /// Called once a storage fault has been answered. A SQLite connection opened while its file was read-only
    /// stays read-only for its life, and the pool would hand it out again after the fault clears; emptying the
    /// pools makes the next request open fresh connections, so the app recovers by itself.
    /// </summary>
    public static void Recover(Exception exception)
    {
        if (Find(exception)?.SqliteErrorCode is ReadOnly or CantOpen or IoError)
        {
            SqliteConnection.ClearAllPools();
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
}
