using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Sets the per-connection SQLite settings on every open. <c>journal_mode=WAL</c> sticks to the file,
/// but <c>synchronous</c> and <c>busy_timeout</c> do not: without this each commit pays a full fsync
/// and a writer that meets a lock fails instead of waiting its turn.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
