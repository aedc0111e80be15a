using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// Makes the app's database refuse writes the way a real fault does, through SQLite itself: <c>query_only</c> gives
/// the error a read-only file gives (SQLITE_READONLY), a page limit at the file's current size gives the error a
/// full disk gives (SQLITE_FULL). Set on every connection the app opens, so clearing it clears the fault.
/// </summary>
public sealed class StorageFaults : DbConnectionInterceptor
{
    public enum Fault
    {
        None,
        ReadOnly,
        DiskFull,
    }

    public Fault Current { get; set; }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        ApplyAsync(connection, CancellationToken.None).GetAwaiter().GetResult();

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ApplyAsync(connection, cancellationToken);

    private async Task ApplyAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA query_only={(Current == Fault.ReadOnly ? 1 : 0)};";
        await command.ExecuteNonQueryAsync(ct);
        if (Current == Fault.DiskFull)
        {
            command.CommandText = "PRAGMA page_count;";
            var pages = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            command.CommandText = $"PRAGMA max_page_count={pages};";
        }
        else
        {
            command.CommandText = "PRAGMA max_page_count=4294967294;";
        }

        await command.ExecuteNonQueryAsync(ct);
    }
}
