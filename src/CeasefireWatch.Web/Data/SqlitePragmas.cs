using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Sets the per-connection SQLite settings on every new connection. <c>journal_mode=WAL</c> sticks to the file,
/// but <c>synchronous</c> and <c>busy_timeout</c> do not: without this each commit pays a full fsync and a writer
/// that meets a lock fails instead of waiting its turn. How long a writer waits is <c>Database:BusyTimeout</c>;
/// past it the request is a storage fault (503), never a hang. No commit checkpoints the write-ahead log
/// (<c>wal_autocheckpoint=0</c>): <see cref="WalCheckpointer"/> does it in the background; when a writer restarts the
/// log from its beginning it cuts the file back to <see cref="WalCheckpointer.LogSizeLimit"/> (<c>journal_size_limit</c>).
/// <para>
/// EF Core opens and closes its connection around every query, and Microsoft.Data.Sqlite hands the same physical
/// connection (the same native <c>sqlite3</c> handle) back from its pool each time. The settings live on that
/// handle, so they are applied once per handle, not once per open: the pragma batch was a statement on every
/// query (docs/performance.md). Whoever changes one of them on a pooled connection (the health probe's short busy
/// timeout) puts it back before closing.
/// </para>
/// </summary>
internal sealed class SqlitePragmas(TimeSpan busyTimeout) : DbConnectionInterceptor
{
    /// <summary>The default wait for a lock held by another writer.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Native connections already set up; an entry goes when its handle does (a pool cleared, a connection closed for good).</summary>
    private readonly ConditionalWeakTable<object, object> configured = [];

    public string Pragmas { get; } = string.Create(CultureInfo.InvariantCulture,
        $"PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds}; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit={WalCheckpointer.LogSizeLimit};");

    /// <summary>The busy timeout alone, for a caller that shortened it for one statement and puts it back.</summary>
    public string BusyTimeoutPragma { get; } = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds};");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsSetUp(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
            MarkSetUp(connection);
        }
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsSetUp(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            MarkSetUp(connection);
        }
    }

    /// <summary>Until the settings succeeded on this native connection (a failed attempt is tried again at the next open).</summary>
    private bool NeedsSetUp(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || !configured.TryGetValue(handle, out _);

    private void MarkSetUp(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            configured.AddOrUpdate(handle, handle);
        }
    }
}
