using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Sets the per-connection SQLite settings on every open. <c>journal_mode=WAL</c> sticks to the file,
/// but <c>synchronous</c> and <c>busy_timeout</c> do not: without this each commit pays a full fsync
/// and a writer that meets a lock fails instead of waiting its turn. How long a writer waits is
/// <c>Database:BusyTimeout</c>; past it the request is a storage fault (503), never a hang.
/// </summary>
internal sealed class SqlitePragmas(TimeSpan busyTimeout) : DbConnectionInterceptor
{
    /// <summary>The default wait for a lock held by another writer.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

    private readonly string pragmas = string.Create(CultureInfo.InvariantCulture,
        $"PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds}; PRAGMA foreign_keys=ON;");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
